"""Consistency checks over the ledger: figures that contradict the claimant's own other figures.

Kinds of flag (the same tests for every party):

* ``revision_down``: a running total lower than the claimant's previous running total;
* ``unexplained_jump``: a running total that grew between two points by more than the
  claimant's own period claims for the days in between add up to (only checked where those
  period claims cover every day in between), by more than ``jump_share`` and ``jump_min``;
* ``breakdown_exceeds_total``: breakdowns (``part_of`` the same total) whose least possible sum
  exceeds the most the total can be ("more than 60" has no upper bound, "about 60" allows 10%);
* ``revised_claim``: the same claimant, category, side, period and place given a different
  figure in another report.

Severity grows with the relative size of the discrepancy: ``low`` under 2%, ``medium`` under
10%, ``high`` from 10%.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "claim_ids": list(self.claim_ids), "document_ids": list(self.document_ids)}


def find_flags(rows: Iterable[Row], *, kinds: Sequence[str] = KINDS, jump_share: float = 0.2,
               jump_min: float = 10) -> list[Flag]:
    """Every inconsistency of the given kinds among ledger rows.

    Args:
        rows: ledger rows (rejected claims are ignored).
        kinds: which checks to run (default: all of :data:`KINDS`).
        jump_share, jump_min: how far a running total's growth may exceed the period claims
            for the same days before it is an ``unexplained_jump`` (both must be exceeded).

    Returns:
        Flags grouped by kind in the order of ``kinds``, high severity first within a kind.
    """
    rows = [r for r in rows if r.get("review_status") != "rejected"]
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


def _flag(kind: str, sev: str, message: str, points: Iterable[Point] = (), rows: Iterable[Row] = ()) -> Flag:
    points, rows = list(points), list(rows)
    claims = {c for p in points for c in p.claim_ids} | {str(r["claim_id"]) for r in rows if r.get("claim_id")}
    docs = {d for p in points for d in p.document_ids} | {str(r["document_id"]) for r in rows if r.get("document_id")}
    return Flag(kind=kind, severity=sev, message=message, claim_ids=tuple(sorted(claims)),
                document_ids=tuple(sorted(docs)))


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
                  f"({_num(b.value - a.value)})", points=(a, b))
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
                             f"{_num(claimed)}: {_num(excess)} unexplained", points=(a, b, *used)))
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
    for total_id, members in parts.items():
        total = by_id.get(total_id)
        most = _upper_bound(total) if total else None
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
            if claim_value(a[0]) != claim_value(b[0]):
                out.append(_revision_flag(a, b))
    return out


def _seen(r: Row) -> tuple[str, str]:
    return (str(r.get("first_seen") or r.get("published") or ""), str(r.get("claim_id") or ""))


def _period_key(r: Row) -> tuple[str, ...]:
    return (fold(r.get("claimant")), str(r.get("category")), subject_key(r), fold(r.get("subject_party")),
            str(r.get("period_kind")), str(r.get("period_start")), str(r.get("period_end")),
            fold(r.get("location")))


def _revision_flag(a: list[Row], b: list[Row]) -> Flag:
    first, then = min(a, key=_seen), min(b, key=_seen)
    va, vb = claim_value(first) or 0.0, claim_value(then) or 0.0
    when = f"{first.get('period_start') or '?'}..{first.get('period_end')}"
    return _flag("revised_claim", severity(vb - va, va),
                 f"{first.get('claimant')} ({first.get('claimant_party')}) gave {_num(va)} {_row_what(first)} "
                 f"for {first.get('period_kind')} {when} in a report of "
                 f"{_seen(first)[0] or 'unknown date'}, then {_num(vb)} in a report of "
                 f"{_seen(then)[0] or 'unknown date'}", rows=(*a, *b))
