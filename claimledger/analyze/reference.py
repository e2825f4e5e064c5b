"""One claimant's running total against another's, over time.

The use is a claimed figure against a reference count of the same thing: an army's cumulative
claims of enemy tanks destroyed against a photo-verified count, a ministry's toll against
another office's. Only running totals (``cumulative`` claims) take part. Each numerator point
is paired with the denominator's point of the same date, else its latest point at most
``max_lag_days`` earlier (a reference count is published less often than daily claims).

Both sides are taken from one conflict (:mod:`claimledger.analyze.scope`): the one named, else
the one most of their running totals belong to. Claimant names are folded first, so a side
named "Russian Defence Ministry" takes the claims written "Russian MoD" too.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import ConfigError
from ..extract.registry import Registry
from .scope import in_conflict, pick_conflict, prepare_rows
from .timeline import (
    Point,
    Row,
    Series,
    about_subject,
    build_series,
    counts_as_figure,
    fold,
    running_totals,
    subject_key,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """Which claims make one side of a ratio.

    ``claimant`` matches a claimant name containing it or a claimant party equal to it (both
    case-insensitive); ``modality`` narrows further when given.
    """

    claimant: str
    modality: str | None = None

    def matches(self, row: Row) -> bool:
        key = fold(self.claimant)
        named = (key in fold(row.get("claimant")) or key in fold(row.get("claimant_raw"))
                 or key == fold(row.get("claimant_party")))
        return named and (self.modality is None or row.get("modality") == self.modality)


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioPoint:
    """The numerator's running total on one date over the denominator's aligned one."""

    day: date
    numerator: float
    denominator: float
    denominator_day: date
    ratio: float | None            # None when the denominator is 0
    numerator_claim_ids: tuple[str, ...]
    denominator_claim_ids: tuple[str, ...]
    document_ids: tuple[str, ...]

    @property
    def lag_days(self) -> int:
        return (self.day - self.denominator_day).days

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "numerator": self.numerator, "denominator": self.denominator,
            "denominator_date": self.denominator_day.isoformat(), "lag_days": self.lag_days, "ratio": self.ratio,
            "numerator_claim_ids": list(self.numerator_claim_ids),
            "denominator_claim_ids": list(self.denominator_claim_ids), "document_ids": list(self.document_ids),
        }


def ratio_over_time(rows: Iterable[Row], *, numerator: Side | str, denominator: Side | str, category: str,
                    subject_party: str, subject_contains: str | None = None,
                    max_lag_days: int = 7, conflict: str | None = None,
                    registry: Registry | None = None) -> list[RatioPoint]:
    """The ratio of two claimants' running totals of the same thing, date by date.

    Args:
        rows: ledger rows.
        numerator, denominator: a :class:`Side`, or a claimant name (substring) or party.
        category, subject_party: what is counted, and whose (exact, case-insensitive party).
        subject_contains: narrows to claims whose ``subject`` equals it, else contains it
            ("tanks"). For categories of things one subject must remain on each side.
        max_lag_days: how far back the denominator's point may lie behind the numerator's date.
        conflict: the conflict both sides are taken from (default: the one most of the two
            sides' running totals belong to).
        registry: the party registry (default: the shipped one).

    Returns:
        One :class:`RatioPoint` per numerator date that has a denominator point, in date order.

    Raises:
        ConfigError: a side holds running totals of several things (narrow with
            ``subject_contains``), ``max_lag_days`` is negative, or ``conflict`` names none.
    """
    if max_lag_days < 0:
        raise ConfigError(f"max_lag_days must be 0 or more, not {max_lag_days}")
    num_side, den_side = _side(numerator), _side(denominator)
    wanted = [r for r in prepare_rows(rows, registry=registry) if counts_as_figure(r)
              and r.get("period_kind") == "cumulative" and r.get("category") == category
              and fold(r.get("subject_party")) == fold(subject_party)]
    sides = [r for r in wanted if num_side.matches(r) or den_side.matches(r)]
    wanted = in_conflict(wanted, pick_conflict(sides, conflict, registry=registry))
    num = _totals([r for r in wanted if num_side.matches(r)], subject_contains, "numerator")
    den = _totals([r for r in wanted if den_side.matches(r)], subject_contains, "denominator")
    return _align(num, den, max_lag_days)


def _side(side: Side | str) -> Side:
    return side if isinstance(side, Side) else Side(claimant=side)


def _totals(rows: list[Row], subject: str | None, which: str) -> list[Point]:
    """One side's running totals, one point per date (several claimants of a side merge)."""
    rows = _with_subject(rows, subject, which)
    merged = Series(claimant=which, claimant_party="", modality="", category="", subject_party="", subject=None,
                    points=tuple(p for s in build_series(rows) for p in s.points))
    return running_totals(merged)


def _with_subject(rows: list[Row], subject: str | None, which: str) -> list[Row]:
    matched = about_subject(rows, subject)
    things = {subject_key(r) for r in matched}
    if len(things) > 1:  # running totals of different things (tanks, drones) cannot be merged
        names = ", ".join(sorted({str(r.get("subject")) for r in matched}))
        asked = f" for {subject!r}" if subject else ""
        raise ConfigError(f"the {which} matches several subjects{asked}: {names}; give one of them exactly")
    return matched


def _align(num: list[Point], den: list[Point], max_lag: int) -> list[RatioPoint]:
    days = [p.day for p in den]
    out = []
    for p in num:
        i = bisect_right(days, p.day) - 1
        if i < 0 or (p.day - den[i].day).days > max_lag:
            continue
        q = den[i]
        out.append(RatioPoint(day=p.day, numerator=p.value, denominator=q.value, denominator_day=q.day,
                              ratio=p.value / q.value if q.value else None, numerator_claim_ids=p.claim_ids,
                              denominator_claim_ids=q.claim_ids,
                              document_ids=tuple(sorted({*p.document_ids, *q.document_ids}))))
    return out
