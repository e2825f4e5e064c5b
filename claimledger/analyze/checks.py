"""Consistency checks over the ledger: figures that contradict the claimant's own other figures.

Kinds of flag (the same tests for every party):

* ``revision_down``: a running total lower than the claimant's previous running total;
* ``unexplained_jump``: a running total that grew between two points by more than the
  claimant's own period claims for the days in between add up to (only checked where those
  period claims cover every day in between), by more than ``jump_share`` and ``jump_min``;
* ``breakdown_exceeds_total``: breakdowns (``part_of`` the same total) whose least possible sum
  exceeds the most the total can be ("more than 60" has no upper bound, "about 60" allows 10%).
  Only parts like their total count: the same category (or casualties with killed or wounded),
  a period inside the total's, and no running total under a figure that is not one, so a
  running total wrongly linked to one incident's figure ("683" under "50") is no breakdown of it;
* ``revised_claim``: the same claimant, category, side, counted group, period and place given a
  different figure in another report (two figures of one report are two claims, not a revision).

Figures are only set against figures of the same conflict (:mod:`claimledger.analyze.scope`),
the same counted group ("children" are not "women") and, for things, the same thing; claimant
names are folded first, so "Russian MoD" and "Russia's Defence Ministry" are one claimant.

Severity grows with the relative size of the discrepancy: ``low`` under 2%, ``medium`` under
10%, ``high`` from 10%.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..extract.registry import Registry
from .scope import in_conflict, pick_conflict, prepare_rows
from .timeline import (
    Point,
    Row,
    Series,
    build_series,
    claim_value,
    daily_rates,
    fold,
    running_totals,
    subject_key,
)

KINDS = ("revision_down", "unexplained_jump", "breakdown_exceeds_total", "revised_claim")
#: Categories of people hurt: "casualties" overlaps killed and wounded, so a part may be either.
PEOPLE_HURT = frozenset({"killed", "wounded", "casualties"})
#: Slack allowed around an ``about`` figure when it is a total.
ABOUT_SLACK = 0.10


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """One inconsistency, in plain words, with the claims and documents behind it."""

    kind: str
    severity: str          # low | medium | high
    message: str
    claim_ids: tuple[str, ...]
    document_ids: tuple[str, ...]
    conflict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message, "conflict": self.conflict,
                "claim_ids": list(self.claim_ids), "document_ids": list(self.document_ids)}


def find_flags(rows: Iterable[Row], *, kinds: Sequence[str] = KINDS, jump_share: float = 0.2,
               jump_min: float = 10, conflict: str | None = None, registry: Registry | None = None) -> list[Flag]:
    """Every inconsistency of the given kinds among ledger rows.

    Args:
        rows: ledger rows (rejected claims are ignored).
        kinds: which checks to run (default: all of :data:`KINDS`).
        jump_share, jump_min: how far a running total's growth may exceed the period claims
            for the same days before it is an ``unexplained_jump`` (both must be exceeded).
        conflict: only the claims of this conflict (default: every conflict, each checked
            on its own).
        registry: the party registry (default: the shipped one).

    Returns:
        Flags grouped by kind in the order of ``kinds``, high severity first within a kind.

    Raises:
        ConfigError: ``conflict`` names no conflict (with the nearest name).
    """
    rows = [r for r in prepare_rows(rows, registry=registry) if r.get("review_status") != "rejected"]
    if conflict:
        rows = in_conflict(rows, pick_conflict(rows, conflict, registry=registry))
    series = build_series(rows) if {"revision_down", "unexplained_jump"} & set(kinds) else []
    found: dict[str, list[Flag]] = {
        "revision_down": [f for s in series for f in _revisions_down(s)],
        "unexplained_jump": [f for s in series for f in _jumps(s, jump_share, jump_min)],
        "breakdown_exceeds_total": _breakdowns(rows) if "breakdown_exceeds_total" in kinds else [],
        "revised_claim": _revised(rows) if "revised_claim" in kinds else [],
    }
    rank = {"high": 0, "medium": 1, "low": 2}
    return [f for kind in kinds for f in sorted(found.get(kind, []), key=lambda f: rank[f.severity])]


def severity(difference: float, base: float) -> str:
    """How serious a discrepancy of ``difference`` against a figure of ``base`` is."""
    share = abs(difference) / abs(base) if base else 1.0
    return "high" if share >= 0.10 else "medium" if share >= 0.02 else "low"


def _flag(kind: str, sev: str, message: str, points: Iterable[Point] = (), rows: Iterable[Row] = (),
          conflict: str | None = None) -> Flag:
    points, rows = list(points), list(rows)
    claims = {c for p in points for c in p.claim_ids} | {str(r["claim_id"]) for r in rows if r.get("claim_id")}
    docs = {d for p in points for d in p.document_ids} | {str(r["document_id"]) for r in rows if r.get("document_id")}
    conflicts = {r.get("conflict") for r in rows} | {conflict}
    conflicts.discard(None)
    return Flag(kind=kind, severity=sev, message=message, claim_ids=tuple(sorted(claims)),
                document_ids=tuple(sorted(docs)), conflict=next(iter(conflicts)) if len(conflicts) == 1 else None)


def _what(s: Series) -> str:
    return f"{s.claimant} ({s.claimant_party}) running total of {s.what}"


def _row_what(r: Row) -> str:
    thing = f": {r.get('subject')}" if subject_key(r) else ""
    return f"{r.get('category')}{thing} ({r.get('subject_party')})"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _revisions_down(s: Series) -> list[Flag]:
    points = running_totals(s)
    return [_flag("revision_down", severity(b.value - a.value, a.value),
                  f"{_what(s)} fell from {_num(a.value)} on {a.day} to {_num(b.value)} on {b.day} "
                  f"({_num(b.value - a.value)})", points=(a, b), conflict=s.conflict)
            for a, b in zip(points, points[1:]) if b.value < a.value]


def _jumps(s: Series, share: float, minimum: float) -> list[Flag]:
    points = running_totals(s)
    if len(points) < 2 or not s.periods:
        return []
    out = []
    for a, b in zip(points, points[1:]):
        first, last = a.day + timedelta(days=1), b.day
        days = daily_rates(s, first, last)
        if len(days) < (last - first).days + 1:
            continue  # period claims do not cover every day in between: nothing to hold the growth to
        growth, claimed = b.value - a.value, sum(d.rate for d in days)
        excess = growth - claimed
        if excess > minimum and excess > share * max(claimed, 0.0):
            used = [p for p in s.periods if p.assertion_id in {x for d in days for x in d.assertion_ids}]
            out.append(_flag("unexplained_jump", severity(excess, claimed or growth),
                             f"{_what(s)} grew by {_num(growth)} from {a.day} ({_num(a.value)}) to {b.day} "
                             f"({_num(b.value)}), but its own claims for {first}..{last} add up to "
                             f"{_num(claimed)}: {_num(excess)} unexplained", points=(a, b, *used),
                             conflict=s.conflict))
    return out


def _lower_bound(row: Row) -> float:
    """The least a figure can mean (a breakdown counts at least this much)."""
    q, v = row.get("qualifier"), claim_value(row)
    if q == "range":
        return float(row.get("low") or 0)
    if v is None or q in ("up_to", "fewer_than", "vague"):
        return 0.0
    return v + 1 if q == "more_than" else v * (1 - ABOUT_SLACK) if q == "about" else v


def _upper_bound(row: Row) -> float | None:
    """The most a figure can mean; None when it has no upper bound ("at least", "more than")."""
    q, v = row.get("qualifier"), claim_value(row)
    if q == "range":
        return float(row["high"]) if row.get("high") is not None else None
    if v is None or q in ("at_least", "more_than", "vague"):
        return None
    return v - 1 if q == "fewer_than" else v * (1 + ABOUT_SLACK) if q == "about" else v


def _breakdowns(rows: list[Row]) -> list[Flag]:
    by_id = {str(r.get("claim_id")): r for r in rows if r.get("claim_id")}
    parts: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.get("part_of") is not None:
            parts[str(r["part_of"])].append(r)
    out = []
    for total_id, linked in parts.items():
        total = by_id.get(total_id)
        members = [r for r in linked if total is not None and _part_like_total(r, total)]
        most = _upper_bound(total) if total and members else None
        least = sum(_lower_bound(r) for r in members)
        if total is None or most is None or least <= most:
            continue
        figures = " + ".join(_num(claim_value(r) or 0) for r in members)
        out.append(_flag("breakdown_exceeds_total", severity(least - most, most),
                         f"{total.get('claimant')} ({total.get('claimant_party')}): parts {figures} of "
                         f"{_row_what(total)} add up to at least {_num(least)}, "
                         f"more than the total {_num(claim_value(total) or 0)} ({total.get('qualifier')}) allows",
                         rows=(total, *members)))
    return out


def _part_like_total(part: Row, total: Row) -> bool:
    """Whether a breakdown counts the same kind of figure as its total (see the module doc)."""
    category, whole = part.get("category"), total.get("category")
    if category != whole and not ({category, whole} <= PEOPLE_HURT and "casualties" in {category, whole}):
        return False
    if part.get("period_kind") == "cumulative" and total.get("period_kind") != "cumulative":
        return False  # a running total is never a part of one incident's or one week's figure
    if part.get("conflict") != total.get("conflict"):
        return False
    inner = (part.get("period_start") or part.get("period_end"), part.get("period_end") or part.get("period_start"))
    outer = (total.get("period_start"), total.get("period_end"))
    # ISO dates compare as text; an unknown end bounds nothing
    return not (inner[0] and outer[0] and str(inner[0]) < str(outer[0])) and \
        not (inner[1] and outer[1] and str(inner[1]) > str(outer[1]))


def _revised(rows: list[Row]) -> list[Flag]:
    groups: dict[tuple[str, ...], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.get("part_of") is None and r.get("modality") != "denied" and claim_value(r) is not None \
                and r.get("period_end"):
            groups[_period_key(r)][str(r.get("assertion_id") or r.get("claim_id"))].append(r)
    out = []
    for assertions in groups.values():
        # one statement per assertion (its relays are the same figure), in the order first seen
        ordered = sorted(assertions.values(), key=lambda rs: min(_seen(r) for r in rs))
        for a, b in zip(ordered, ordered[1:]):
            # a later report's other figure: two figures of one report are two claims
            if claim_value(a[0]) != claim_value(b[0]) and _documents(a) != _documents(b):
                out.append(_revision_flag(a, b))
    return out


def _documents(rows: list[Row]) -> set[str]:
    return {str(r.get("document_id")) for r in rows}


def _seen(r: Row) -> tuple[str, str]:
    return (str(r.get("first_seen") or r.get("published") or ""), str(r.get("claim_id") or ""))


def _period_key(r: Row) -> tuple[str, ...]:
    return (str(r.get("conflict") or ""), fold(r.get("claimant")), fold(r.get("claimant_party")),
            str(r.get("category")), subject_key(r), fold(r.get("subject_party")), str(r.get("period_kind")),
            str(r.get("period_start")), str(r.get("period_end")), fold(r.get("location")))


def _revision_flag(a: list[Row], b: list[Row]) -> Flag:
    first, then = min(a, key=_seen), min(b, key=_seen)
    va, vb = claim_value(first) or 0.0, claim_value(then) or 0.0
    when = f"{first.get('period_start') or '?'}..{first.get('period_end')}"
    return _flag("revised_claim", severity(vb - va, va),
                 f"{first.get('claimant')} ({first.get('claimant_party')}) gave {_num(va)} {_row_what(first)} "
                 f"for {first.get('period_kind')} {when} in a report of "
                 f"{_seen(first)[0] or 'unknown date'}, then {_num(vb)} in a report of "
                 f"{_seen(then)[0] or 'unknown date'}", rows=(*a, *b))
