"""analyze stage: timelines, claimant against claimant, consistency checks, claimed vs reference."""
from __future__ import annotations

from .checks import Flag, find_flags
from .compare import Comparison, ComparisonRow, compare
from .reference import RatioPoint, Side, ratio_over_time
from .timeline import DayRate, Point, Series, build_series, daily_rates

__all__ = ["Comparison", "ComparisonRow", "DayRate", "Flag", "Point", "RatioPoint", "Series", "Side",
           "build_series", "compare", "daily_rates", "find_flags", "ratio_over_time"]
