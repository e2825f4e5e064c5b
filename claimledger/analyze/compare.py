"""Claimant against claimant: every claimant's figure for one side's losses over one window.

Only like is set against like: one category (``killed`` is never mixed with ``casualties``) and
one subject party per comparison. Each claimant gives up to two rows, one per basis:

* ``period``: the sum of its period and event claims over the window, day by day as
  :func:`~claimledger.analyze.timeline.daily_rates` spreads them (so overlapping claims count
  once); a claim straddling a window boundary counts for the days inside it (``partial``);
* ``cumulative``: how much its running total grew over the window. Between two running-total
  points the increase is spread evenly over the days in between; the first point counts in full
  from its ``period_start`` ("219 since 27 October"), and when that start is unknown it is only
  the base of the next point. An increase straddling a boundary counts for its days inside
  (``partial``).

Every comparison is of one conflict (:mod:`claimledger.analyze.scope`): the one named, else the
one most of the side's claims of the category belong to; claims of other conflicts are only
counted in the notes. Claimant names are folded first (:mod:`claimledger.analyze.identity`).

The window is inclusive at both ends. By default it is the best covered stretch: the run of
consecutive days that the most claimants' figures cover together (two at least where any two
overlap), so a default window never bridges a gap between unrelated figures. Coverage is the
share of the window's days that a row's figures cover. Ratio and gap are against the reference
row: the one naming ``reference``; else, among the rows covering at least half as many days as
the best covered one, an ``acknowledged`` row if there is one, and the median figure (the upper
one of two) otherwise, so that neither a stray small figure nor an outlier sets the scale.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from ..errors import ConfigError
from ..extract.registry import Registry
from .scope import conflict_counts, in_conflict, pick_conflict, prepare_rows
from .timeline import (
    Point,
    Row,
    Series,
    about_subject,
    build_series,
    fold,
    daily_rates,
    days_between,
    parse_day,
    running_totals,
)

#: Categories that overlap another's people: reported as kept apart, never added in.
RELATED_CATEGORIES = {"killed": ("casualties",), "wounded": ("casualties",), "casualties": ("killed", "wounded")}


@dataclass(frozen=True, slots=True, kw_only=True)
class Increment:
    """A figure spread over days: a running total's growth between two of its points."""

    start: date
    end: date
    value: float
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonRow:
    """One claimant's figure for the window on one basis, with the claims behind it."""

    claimant: str
    claimant_party: str
    modality: str
    subject: str | None             # the counted thing for categories of things (see timeline)
    basis: str                      # period | cumulative
    value: float | None             # None: no figure of this claimant falls in the window
    claims: int                     # assertions (period claims or running-total points) used
    claim_ids: tuple[str, ...]
    document_ids: tuple[str, ...]
    days_covered: int
    coverage: float
    partial: bool
    qualifiers: tuple[str, ...]
    ratio: float | None = None
    gap: float | None = None
    is_reference: bool = False

    @property
    def label(self) -> str:
        thing = f", {self.subject}" if self.subject else ""
        return f"{self.claimant} ({self.claimant_party}), {self.modality}{thing}, {self.basis}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimant": self.claimant, "claimant_party": self.claimant_party, "modality": self.modality,
            "subject": self.subject, "basis": self.basis, "value": self.value, "claims": self.claims,
            "claim_ids": list(self.claim_ids),
            "document_ids": list(self.document_ids), "days_covered": self.days_covered,
            "coverage": self.coverage, "partial": self.partial, "qualifiers": list(self.qualifiers),
            "ratio": self.ratio, "gap": self.gap, "reference": self.is_reference,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """Every claimant's figure for one category of one side's losses over one window."""

    subject_party: str
    category: str
    since: date | None
    until: date | None
    window_from: str                # given | best covered | none
    rows: tuple[ComparisonRow, ...]
    notes: tuple[str, ...] = ()
    conflict: str | None = None     # the conflict compared (None: claims of no registry conflict)

    @property
    def window_days(self) -> int:
        return days_between(self.since, self.until) if self.since and self.until else 0

    @property
    def reference(self) -> ComparisonRow | None:
        """The (first) reference row; with several counted things each has its own."""
        return next((r for r in self.rows if r.is_reference), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict, "subject_party": self.subject_party, "category": self.category,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None, "window_days": self.window_days,
            "window_from": self.window_from, "references": [r.label for r in self.rows if r.is_reference],
            "rows": [r.to_dict() for r in self.rows], "notes": list(self.notes),
        }


def compare(rows: Iterable[Row], *, subject_party: str, category: str, since: str | date | None = None,
            until: str | date | None = None, subject: str | None = None, reference: str | None = None,
            by_party: bool = False, conflict: str | None = None, claimants: Sequence[str] = (),
            registry: Registry | None = None) -> Comparison:
    """Set every claimant's figure for ``category`` of ``subject_party``'s losses side by side.

    Args:
        rows: ledger rows (any selection; rows of other categories, sides or conflicts are left out).
        subject_party: whose losses (exact party name, case-insensitive).
        category: one claim category; related categories are counted in the notes, never added.
        since, until: the window (ISO dates, both included); missing ends come from the claims.
        subject: only claims whose ``subject`` equals it, else contains it ("tanks"); for
            categories of things each counted thing is a row of its own anyway.
        reference: a claimant or claimant party to measure the others against (its folded name
            or party, any case; else a part of one claimant's name).
        by_party: one row per claimant side instead of per claimant name.
        conflict: the conflict to compare in (a registry conflict's name); default: the one most
            of the side's claims of the category belong to.
        claimants: only these claimants (each matched like ``reference``).
        registry: the party registry (default: the shipped one).

    Returns:
        A :class:`Comparison`; rows sorted by claimant, modality and basis.

    Raises:
        ConfigError: ``since``/``until`` is not an ISO date, or ``since`` is after ``until``; the
            conflict, a claimant or the reference names nothing (with the nearest names).
    """
    given = (_option_day("since", since), _option_day("until", until))
    all_rows = prepare_rows(rows, registry=registry)
    about = [r for r in all_rows if r.get("category") == category and _same(r.get("subject_party"), subject_party)]
    chosen = pick_conflict(_in_window(about, *given) or about, conflict, registry=registry)
    scoped = in_conflict(all_rows, chosen)
    wanted = _only_claimants([r for r in about_subject(in_conflict(about, chosen), subject)], claimants)
    series = build_series(wanted, by_party=by_party)
    first, last, source = _window(series, given)
    notes = (*_notes(scoped, subject_party, category), *_other_conflicts(about, chosen))
    if first is None or last is None:
        return Comparison(subject_party=subject_party, category=category, since=first, until=last,
                          window_from="none", rows=(), conflict=chosen,
                          notes=("no dated figures for this category and side", *notes))
    out = [r for s in series for r in _series_rows(s, first, last)]
    return Comparison(subject_party=subject_party, category=category, since=first, until=last,
                      window_from=source, rows=tuple(_with_reference(out, reference)), notes=notes,
                      conflict=chosen)


def _in_window(rows: list[Row], since: date | None, until: date | None) -> list[Row]:
    """The rows whose days (period, else report date) overlap the window given, if one is."""
    if not since and not until:
        return rows
    out = []
    for r in rows:
        end = parse_day(r.get("period_end") or r.get("period_start") or r.get("published"))
        start = parse_day(r.get("period_start")) or end
        if end and start and (not since or end >= since) and (not until or start <= until):
            out.append(r)
    return out


def _only_claimants(rows: list[Row], names: Sequence[str]) -> list[Row]:
    """The rows of the named claimants (all rows when none is named)."""
    if not names:
        return rows
    keep: set[str] = set()
    for name in names:
        keep.add(match_claimant(name, {str(r.get("claimant")) for r in rows},
                                {str(r.get("claimant_party")) for r in rows}, what="claimant"))
    return [r for r in rows if str(r.get("claimant")) in keep or str(r.get("claimant_party")) in keep]


def match_claimant(name: str, claimants: Iterable[str], parties: Iterable[str] = (), *, what: str) -> str:
    """The claimant (or party) ``name`` stands for: equal to it in any case, else the one
    claimant containing it.

    Raises:
        ConfigError: it names none, or several claimants contain it (with the nearest names).
    """
    names, sides = sorted(set(claimants)), sorted(set(parties))
    key = fold(name)
    for pool in (names, sides):
        exact = [n for n in pool if fold(n) == key]
        if exact:
            return exact[0]
    containing = [n for n in names if key and key in fold(n)]
    if len(containing) == 1:
        return containing[0]
    if containing:
        raise ConfigError(f"{what} {name!r} matches several claimants: {', '.join(containing)}; give one exactly")
    close = difflib.get_close_matches(key, [fold(n) for n in names + sides], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ConfigError(f"{what} {name!r} names no claimant with a figure here{hint}")


def _other_conflicts(rows: list[Row], chosen: str | None) -> tuple[str, ...]:
    counts = conflict_counts(r for r in rows if r.get("conflict") != chosen)
    out = [f"{n} claim(s) of this side and category in conflict {c} left out (choose it with conflict)"
           for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))) if c]
    if counts.get(None):
        out.append(f"{counts[None]} claim(s) of this side and category fit no one conflict and are left out")
    return tuple(out)


def _option_day(name: str, value: str | date | None) -> date | None:
    if value is None:
        return None
    day = parse_day(value)
    if day is None:
        raise ConfigError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)")
    return day


def _same(a: Any, b: Any) -> bool:
    return fold(a) == fold(b)


def _window(series: Sequence[Series], given: tuple[date | None, date | None]) -> tuple[date | None, date | None, str]:
    since, until = given
    if since and until and since > until:
        raise ConfigError(f"since {since} is after until {until}")
    if since and until:
        return since, until, "given"
    best = best_covered_window(series)
    if best is None:
        return since, until, "none"
    first, last = best
    if since or until:
        first, last = since or min(first, until or first), until or max(last, since or last)
        return first, last, "given"
    return first, last, "best covered"


def covered_days(series: Series) -> set[date]:
    """The days a series' figures speak for: its periods and its running totals' increases."""
    days: set[date] = set()
    spans = [(p.start, p.day) for p in series.periods if p.start]
    spans += [(inc.start, inc.end) for inc in cumulative_increments(series)]
    for start, end in spans:
        days.update(start + timedelta(days=i) for i in range(days_between(start, end)))
    return days


def best_covered_window(series: Sequence[Series]) -> tuple[date, date] | None:
    """The run of consecutive days most claimants cover together (see the module doc)."""
    count: dict[date, int] = {}
    for s in series:
        for day in covered_days(s):
            count[day] = count.get(day, 0) + 1
    if not count:
        return None
    floor = 2 if max(count.values()) >= 2 else 1
    runs: list[tuple[int, date, date]] = []
    for day in sorted(d for d, n in count.items() if n >= floor):
        if runs and runs[-1][2] + timedelta(days=1) == day:
            score, start, _ = runs[-1]
            runs[-1] = (score + count[day], start, day)
        else:
            runs.append((count[day], day, day))
    # the run with most claimant-days; of equal runs, the latest (the freshest figures)
    _, start, end = max(runs, key=lambda r: (r[0], r[2]))
    return start, end


def cumulative_increments(series: Series) -> list[Increment]:
    """A series' running totals as increases over the days between consecutive points."""
    points = running_totals(series)
    out = []
    if points and points[0].start is not None:
        out.append(Increment(start=points[0].start, end=points[0].day, value=points[0].value, points=(points[0],)))
    for prev, cur in zip(points, points[1:]):
        out.append(Increment(start=prev.day + timedelta(days=1), end=cur.day, value=cur.value - prev.value,
                             points=(prev, cur)))
    return out


def _series_rows(series: Series, first: date, last: date) -> list[ComparisonRow]:
    out = []
    if any(p.start for p in series.periods):
        out.append(_period_row(series, first, last))
    if series.cumulative:
        out.append(_cumulative_row(series, first, last))
    return out


def _period_row(series: Series, first: date, last: date) -> ComparisonRow:
    days = daily_rates(series, first, last)
    used_ids = {a for d in days for a in d.assertion_ids}
    used = [p for p in series.periods if p.assertion_id in used_ids]
    partial = any(p.start and (p.start < first or p.day > last) for p in used)
    return _row(series, "period", sum(d.rate for d in days) if days else None, used, len(days),
                days_between(first, last), partial)


def _cumulative_row(series: Series, first: date, last: date) -> ComparisonRow:
    total, covered, partial = 0.0, 0, False
    used: dict[str, Point] = {}
    for inc in cumulative_increments(series):
        inside = _overlap_days(inc.start, inc.end, first, last)
        if inside:
            length = days_between(inc.start, inc.end)
            total += inc.value * inside / length
            covered += inside
            partial = partial or inside < length
            used.update({p.assertion_id: p for p in inc.points})
    return _row(series, "cumulative", total if used else None, list(used.values()), covered,
                days_between(first, last), partial)


def _overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return days_between(start, end) if start <= end else 0


def _row(series: Series, basis: str, value: float | None, used: list[Point], covered: int, window: int,
         partial: bool) -> ComparisonRow:
    return ComparisonRow(
        claimant=series.claimant, claimant_party=series.claimant_party, modality=series.modality,
        subject=series.subject, basis=basis,
        value=value, claims=len(used), claim_ids=tuple(sorted({c for p in used for c in p.claim_ids})),
        document_ids=tuple(sorted({d for p in used for d in p.document_ids})), days_covered=covered,
        coverage=covered / window if window else 0.0, partial=partial,
        qualifiers=tuple(sorted({p.qualifier for p in used})))


def _with_reference(rows: list[ComparisonRow], reference: str | None) -> list[ComparisonRow]:
    """Rows in order, each measured against the reference among rows counting the same thing."""
    rows = sorted(rows, key=lambda r: (r.subject or "", fold(r.claimant), r.modality, r.basis))
    out: list[ComparisonRow] = []
    for thing in dict.fromkeys(r.subject for r in rows):
        same = [r for r in rows if r.subject == thing]
        ref = _pick_reference([r for r in same if r.value is not None], reference)
        out.extend(_measured(r, ref) if ref else r for r in same)
    if reference and not any(r.is_reference for r in out):
        with_figures = [r for r in rows if r.value is not None]
        # the reason, with the nearest names: no match, or several
        match_claimant(reference, {r.claimant for r in with_figures}, {r.claimant_party for r in with_figures},
                       what="reference")
        raise ConfigError(f"reference {reference!r} names no claimant with a figure in the window")
    return out


def _pick_reference(rows: list[ComparisonRow], reference: str | None) -> ComparisonRow | None:
    if reference:
        return _named_reference(rows, reference)
    usable = [r for r in rows if r.value and r.value > 0]
    if not usable:
        return None
    best = max(r.days_covered for r in usable)
    covered = [r for r in usable if 2 * r.days_covered >= best]
    pool = [r for r in covered if r.modality == "acknowledged"] or covered
    ordered = sorted(pool, key=lambda r: (r.value or 0.0, fold(r.claimant), r.basis))
    return ordered[len(ordered) // 2]  # the median; of two, the larger


def _named_reference(rows: list[ComparisonRow], reference: str) -> ComparisonRow | None:
    """The first row of the claimant (or party) ``reference`` names, when it has a figure here."""
    if not rows:
        return None
    try:
        who = match_claimant(reference, {r.claimant for r in rows}, {r.claimant_party for r in rows},
                             what="reference")
    except ConfigError:
        return None
    return next((r for r in rows if who in (r.claimant, r.claimant_party)), None)


def _measured(row: ComparisonRow, ref: ComparisonRow) -> ComparisonRow:
    if row.value is None or ref.value is None:
        return replace(row, is_reference=row is ref)
    ratio = row.value / ref.value if ref.value else None
    return replace(row, ratio=ratio, gap=row.value - ref.value, is_reference=row is ref)


def _notes(rows: list[Row], subject_party: str, category: str) -> tuple[str, ...]:
    notes = []
    for other in RELATED_CATEGORIES.get(category, ()):
        n = sum(1 for r in rows if r.get("category") == other and _same(r.get("subject_party"), subject_party)
                and r.get("review_status") != "rejected")
        if n:
            notes.append(f"{n} claim(s) of {other} about {subject_party} kept apart (not added to {category})")
    return tuple(notes)
