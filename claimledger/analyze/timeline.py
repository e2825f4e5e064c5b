"""Each claimant's figures over time: series of points built from ledger rows.

A ledger row is the plain dict the store returns for one claim (claim fields, document fields,
``assertion_id``, ``first_seen``, ``review_status`` ...). Rules, the same for every party:

* a claim relayed by several reports is one assertion and counts once (rows sharing
  ``assertion_id``; the point keeps every claim id and document id behind it);
* breakdowns (``part_of`` set), rejected claims, denials and vague counts give no point;
* a ``range`` counts as its midpoint; other qualifiers count as the number written (the
  qualifier stays on the point, so "more than 60" is never shown as a plain 60 without it);
* one series per claimant, modality, category and whose losses; for categories of things
  (equipment, aircraft, projectiles ...) also per counted thing, since "tanks" and "drones"
  are different running totals, while "troops" and "soldiers" are the same people; for
  people also per part of them the lexicon names ("children", "women", "aid workers"), since a
  children's toll is not a revision of a women's toll;
* one series per conflict too, when the rows carry one (:func:`analyze.scope.prepare_rows`);
* ``event`` and ``period`` claims are rates over days (an event is one day at ``period_end``,
  else ``period_start``, else the publication date); ``cumulative`` claims are running-total
  points dated at ``period_end`` (the statement's date), else the publication date.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

Row = Mapping[str, Any]
#: Called with a row that gives no point although it should (bad date, no date) and the reason.
OnSkip = Callable[[Row, str], None]

_REVIEW_RANK = {"corrected": 0, "confirmed": 1}
#: Categories of things: each counted thing (tanks, drones, rockets) is a series of its own.
THING_CATEGORIES = frozenset({"equipment_destroyed", "aircraft_downed", "materiel_seized", "buildings_destroyed",
                              "projectiles", "other"})


def parse_day(value: Any) -> date | None:
    """An ISO date (or the date part of an ISO timestamp) as a ``date``; None when absent or malformed."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def days_between(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both included."""
    return (end - start).days + 1


def each_day(start: date, end: date) -> Iterable[date]:
    for i in range(days_between(start, end)):
        yield start + timedelta(days=i)


def claim_value(row: Row) -> float | None:
    """The figure a claim counts as: the number written, a range's midpoint, None for vague counts."""
    if row.get("qualifier") == "range":
        low, high = row.get("low"), row.get("high")
        if low is None or high is None:
            return None
        return (float(low) + float(high)) / 2
    value = row.get("value")
    return None if value is None else float(value)


def fold(name: Any) -> str:
    """A name folded so that case and spacing variants compare equal."""
    return " ".join(str(name or "").split()).casefold()


def subject_key(row: Row) -> str:
    """The counted thing or group where it tells figures apart: tanks and drones are different
    totals, and so are children and women; empty for people named as a whole, whom texts name in
    many ways ("troops", "soldiers", "civilians") for the same count."""
    if row.get("category") in THING_CATEGORIES:
        return fold(row.get("subject"))
    return people_group(row.get("subject"))


#: Words for civilians as a whole (the other civilian nouns of the lexicon name a part of them).
WHOLE_CIVILIANS = frozenset({"civilians", "civilian", "non-combatants", "noncombatants", "people", "persons"})
_WORD = re.compile(r"[\w'-]+")


@lru_cache(maxsize=1)
def _group_nouns() -> dict[tuple[str, ...], str]:
    """The lexicon's words for a part of the civilians ("children", "aid workers"), as word
    tuples, each with its group's key (singular and plural share one)."""
    from ..extract.lexicon import default_lexicon  # the lexicon is data shared with the extractor

    words = default_lexicon().nouns.get("civilian", [])
    return {tuple(_WORD.findall(w.casefold())): _singular(w.casefold()) for w in words
            if w.casefold() not in WHOLE_CIVILIANS}


def _singular(noun: str) -> str:
    for plural, single in (("children", "child"), ("women", "woman"), ("men", "man"), ("people", "person")):
        if noun.endswith(plural):
            return noun[: -len(plural)] + single
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


@lru_cache(maxsize=4096)
def people_group(subject: Any) -> str:
    """The part of the people a subject names ("child" for "Palestinian children", "child+woman"
    for "women and children"); empty when it names people as a whole ("soldiers", "civilians")."""
    words = _WORD.findall(str(subject or "").casefold())
    nouns = _group_nouns()
    found: set[str] = set()
    i = 0
    while i < len(words):
        for size in (3, 2, 1):  # the longest noun first: "aid workers" before "workers"
            if tuple(words[i:i + size]) in nouns:
                found.add(nouns[tuple(words[i:i + size])])
                i += size
                break
        else:
            i += 1
    return "+".join(sorted(found))


def about_subject(rows: Iterable[Row], subject: str | None) -> list[Row]:
    """Rows whose ``subject`` equals ``subject`` (case-insensitive), else those containing it."""
    rows = list(rows)
    if not subject:
        return rows
    key = fold(subject)
    exact = [r for r in rows if fold(r.get("subject")) == key]
    return exact or [r for r in rows if key in fold(r.get("subject"))]


def counts_as_figure(row: Row) -> bool:
    """Whether a row is a figure of its own (not a breakdown, rejection, denial or vague count)."""
    return (row.get("part_of") is None and row.get("review_status") != "rejected"
            and row.get("modality") != "denied" and claim_value(row) is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """One assertion on a timeline: a period/event figure or a running total."""

    day: date                 # the last day the figure covers (a running total's date)
    start: date | None        # the first day covered (a running total: since when; None if unknown)
    kind: str                 # event | period | cumulative
    value: float
    qualifier: str
    published: date | None    # when the assertion was first seen (its first report's date)
    location: str | None
    assertion_id: str
    claim_ids: tuple[str, ...]
    document_ids: tuple[str, ...]

    @property
    def days(self) -> int | None:
        """Days a period/event figure covers; None when its start is unknown or for running totals."""
        if self.kind == "cumulative" or self.start is None:
            return None
        return days_between(self.start, self.day)

    @property
    def daily_rate(self) -> float | None:
        days = self.days
        return None if days is None else self.value / days

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "start": _iso(self.start), "kind": self.kind, "value": self.value,
            "qualifier": self.qualifier, "days": self.days, "daily_rate": self.daily_rate,
            "published": _iso(self.published), "location": self.location, "assertion_id": self.assertion_id,
            "claim_ids": list(self.claim_ids), "document_ids": list(self.document_ids),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """One claimant's figures for one category of one side's losses, in date order."""

    claimant: str
    claimant_party: str
    modality: str
    category: str
    subject_party: str
    subject: str | None     # the counted thing for categories of things; None for people
    points: tuple[Point, ...]
    conflict: str | None = None   # set when the rows were scoped (analyze.scope.prepare_rows)

    @property
    def label(self) -> str:
        return f"{self.claimant} ({self.claimant_party}), {self.modality}"

    @property
    def what(self) -> str:
        """What is counted, and whose: "killed (Southland)", "equipment_destroyed: tanks (Russia)"."""
        thing = f": {self.subject}" if self.subject else ""
        return f"{self.category}{thing} ({self.subject_party})"

    @property
    def cumulative(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.kind == "cumulative")

    @property
    def periods(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.kind != "cumulative")

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimant": self.claimant, "claimant_party": self.claimant_party, "modality": self.modality,
            "category": self.category, "subject_party": self.subject_party, "subject": self.subject,
            "conflict": self.conflict, "points": [p.to_dict() for p in self.points],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRate:
    """The figure a claimant's period/event claims give one day, and the assertions behind it."""

    day: date
    rate: float
    assertion_ids: tuple[str, ...]
    claim_ids: tuple[str, ...]
    document_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "rate": self.rate, "assertion_ids": list(self.assertion_ids),
                "claim_ids": list(self.claim_ids), "document_ids": list(self.document_ids)}


def build_series(rows: Iterable[Row], *, by_party: bool = False, on_skip: OnSkip | None = None) -> list[Series]:
    """Group ledger rows into one series per claimant, modality, category and subject party
    (and counted thing, for categories of things: see :data:`THING_CATEGORIES`).

    Args:
        rows: ledger rows (the store's ``Ledger.claims()`` dicts).
        by_party: group by the claimant's side instead of the claimant's name (the series is
            then named after the party: all of a side's spokesmen together).
        on_skip: called with each row that should give a point but cannot (no usable date).

    Returns:
        Series sorted by category, subject party, claimant and modality; points sorted by date.
    """
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        if counts_as_figure(row):
            groups[_series_key(row, by_party)].append(row)
    series = [_make_series(members, by_party, on_skip) for members in groups.values()]
    return sorted((s for s in series if s.points),
                  key=lambda s: (s.conflict or "", s.category, s.subject_party, s.subject or "", fold(s.claimant),
                                 s.modality))


def _series_key(row: Row, by_party: bool) -> tuple[str, ...]:
    who = fold(row.get("claimant_party")) if by_party else fold(row.get("claimant"))
    # a claim's conflict (when set) keeps one war's figures out of another's series
    return (who, fold(row.get("claimant_party")), str(row.get("modality")),
            str(row.get("category")), str(row.get("subject_party")), subject_key(row), str(row.get("conflict") or ""))


def _make_series(rows: list[Row], by_party: bool, on_skip: OnSkip | None) -> Series:
    by_assertion: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_assertion[str(row.get("assertion_id") or row.get("claim_id"))].append(row)
    points = [p for aid, members in by_assertion.items() if (p := _make_point(aid, members, on_skip))]
    first = min(rows, key=_representative_order)
    party = str(first.get("claimant_party") or "")
    name = " ".join(str(first.get("claimant") or "").split())  # spacing variants are one name
    return Series(claimant=party if by_party else name, claimant_party=party,
                  modality=str(first.get("modality")), category=str(first.get("category")),
                  subject_party=str(first.get("subject_party")),
                  subject=str(first.get("subject") or "") if subject_key(first) else None,
                  conflict=first.get("conflict"), points=tuple(sorted(points, key=lambda p: (p.day, p.published or p.day, p.assertion_id))))


def _representative_order(row: Row) -> tuple[Any, ...]:
    # A reviewed row speaks for its assertion; otherwise the earliest report does.
    return (_REVIEW_RANK.get(str(row.get("review_status")), 2), str(row.get("published") or "9999"),
            str(row.get("claim_id") or ""))


def _make_point(assertion_id: str, rows: list[Row], on_skip: OnSkip | None) -> Point | None:
    row = min(rows, key=_representative_order)
    dates = _point_dates(row)
    if isinstance(dates, str):
        if on_skip:
            on_skip(row, dates)
        return None
    start, end = dates
    published = [d for r in rows if (d := parse_day(r.get("first_seen") or r.get("published")))]
    value = claim_value(row)
    if value is None:  # only possible when the rows of an assertion disagree; the reviewed one wins
        return None
    return Point(day=end, start=start, kind=str(row.get("period_kind") or "event"), value=value,
                 qualifier=str(row.get("qualifier") or "exact"), published=min(published, default=None),
                 location=row.get("location"), assertion_id=assertion_id,
                 claim_ids=_unique(r.get("claim_id") for r in rows),
                 document_ids=_unique(r.get("document_id") for r in rows))


def _point_dates(row: Row) -> tuple[date | None, date] | str:
    """(start, end) of a claim, or the reason it cannot be placed in time."""
    for key in ("period_start", "period_end", "published"):
        if row.get(key) and parse_day(row.get(key)) is None:
            return f"{key} {row.get(key)!r} is not an ISO date"
    start, end = parse_day(row.get("period_start")), parse_day(row.get("period_end"))
    kind = row.get("period_kind") or "event"
    if end is None:
        end = start if kind == "event" and start else parse_day(row.get("published"))
    if end is None:
        return "no period end and no publication date"
    if kind == "event" and start is None:
        start = end
    if start is not None and start > end:
        return f"period starts ({start}) after it ends ({end})"
    return start, end


def _unique(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values if v}))


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def daily_rates(series: Series, start: date | str | None = None, end: date | str | None = None) -> list[DayRate]:
    """Spread a series' period and event claims onto days, without counting a day twice.

    Every claim with a known start gives each day it covers ``value / days``. Where claims of
    the claimant overlap, each day keeps only some of the claims covering it, in this order:

    1. a claim whose period strictly contains another's is a summary of it (a weekly total and
       the daily figures it adds up): the summary stands, its parts drop;
    2. the same period stated again in a later report is a revision: the later figure stands,
       unless the two name different places; figures for the same period published the same
       day are separate incidents and add up;
    3. of partly overlapping periods (consecutive "past week" statements sharing a day), the
       period of the latest statement stands for the shared days.

    Args:
        series: one claimant's series (from :func:`build_series`).
        start, end: the days to return (ISO strings or dates); default: the days the claims cover.

    Returns:
        One :class:`DayRate` per covered day in order; days no claim covers are left out.
    """
    spans = [p for p in series.periods if p.start is not None]
    if not spans:
        return []
    first = parse_day(start) if start is not None else min(p.start for p in spans if p.start)
    last = parse_day(end) if end is not None else max(p.day for p in spans)
    if first is None or last is None:
        return []
    out = []
    for day in each_day(first, last):
        covering = [p for p in spans if p.start and p.start <= day <= p.day]
        if covering:
            kept = _standing(covering)
            out.append(DayRate(day=day, rate=sum(p.daily_rate or 0.0 for p in kept),
                               assertion_ids=tuple(p.assertion_id for p in kept),
                               claim_ids=_unique(c for p in kept for c in p.claim_ids),
                               document_ids=_unique(d for p in kept for d in p.document_ids)))
    return out


def _standing(covering: list[Point]) -> list[Point]:
    """The claims that count for a day, of those covering it (rules: :func:`daily_rates`)."""
    widest = [p for p in covering if not any(_strictly_contains(q, p) for q in covering)]
    periods: dict[tuple[date | None, date], list[Point]] = defaultdict(list)
    for p in sorted(widest, key=_statement_order, reverse=True):
        same = periods[(p.start, p.day)]
        # a later statement of the same period and place revises this one; figures of one
        # statement (or one day's reports) for the same period are separate incidents
        if all(_different_places(p, q) or _published(q) == _published(p) for q in same):
            same.append(p)
    # of partly overlapping periods, the latest statement's period stands (a total order: no cycles)
    return max(periods.values(), key=lambda ps: _statement_order(ps[0]))


def _strictly_contains(a: Point, b: Point) -> bool:
    if a.start is None or b.start is None:
        return False
    return a.start <= b.start and b.day <= a.day and (a.start, a.day) != (b.start, b.day)


def _published(p: Point) -> date:
    return p.published or p.day


def _statement_order(p: Point) -> tuple[date, date, str]:
    return (p.published or p.day, p.day, p.assertion_id)


def _different_places(a: Point, b: Point) -> bool:
    return bool(a.location and b.location and fold(a.location) != fold(b.location))


def running_totals(series: Series) -> list[Point]:
    """A series' running-total points, one per date: the latest statement of each day stands."""
    by_day: dict[date, Point] = {}
    for p in series.cumulative:
        if p.day not in by_day or _statement_order(p) > _statement_order(by_day[p.day]):
            by_day[p.day] = p
    return [by_day[d] for d in sorted(by_day)]

