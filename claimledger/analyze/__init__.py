"""analyze stage: timelines, claimant against claimant, consistency checks, claimed vs reference.

Every analysis folds claimant names (:mod:`.identity`) and keeps to one conflict (:mod:`.scope`).
"""
from __future__ import annotations

from .checks import Flag, find_flags
from .compare import Comparison, ComparisonRow, compare
from .identity import Claimant, ClaimantIndex, claimant_list, fold_claimants
from .reference import RatioPoint, Side, ratio_over_time
from .scope import Conflict, pick_conflict, prepare_rows, registry_conflicts
from .timeline import DayRate, Point, Series, build_series, daily_rates

__all__ = ["Claimant", "ClaimantIndex", "Comparison", "ComparisonRow", "Conflict", "DayRate", "Flag", "Point",
           "RatioPoint", "Series", "Side", "build_series", "claimant_list", "compare", "daily_rates", "find_flags",
           "fold_claimants", "pick_conflict", "prepare_rows", "ratio_over_time", "registry_conflicts"]
