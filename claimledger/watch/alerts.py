"""Alerts on a round's new claims, each set against what the ledger held before the round.

Three kinds, the same tests for every party (docs/watch.md):

* ``new_claimant``: a claimant the ledger has no claim of yet (within its party);
* ``outside_range``: an event or period figure above ``highest * (1 + tolerance)`` or below
  ``lowest / (1 + tolerance)`` of the claimant's earlier figures of the same kind, once there
  are enough of them (running totals grow by nature, so they are left to the next kind);
* ``running_total_down``: a running total lower than the claimant's previous running total
  (the latest one dated on or before it, from another report).

Figures are compared like with like: the same claimant, category, side whose losses, counted
group ("children" are not "people") and period kind. Claimant names are folded through the
party registry ("IDF" and "Israeli army" are one claimant), else compared with case, accents
and spacing aside. New claims of one round are taken in date order, each seeing the ones before it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..analyze.identity import RegistryNames, name_key
from ..analyze.timeline import claim_value, subject_key
from ..store import ClaimFilter, Ledger
from .config import AlertRules

KINDS = ("new_claimant", "outside_range", "running_total_down")
Row = dict[str, Any]
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert on a new claim, in plain words, with the earlier claims it was set against."""

    kind: str
    claim: Row
    message: str
    earlier: tuple[str, ...] = ()        # claim ids


def new_claim_rows(ledger: Ledger, document_ids: Sequence[str], *, since: str) -> list[Row]:
    """The (not rejected) claims of those of these documents the ledger took in at ``since`` or
    later (an ISO timestamp: the round's start); documents it already held are not new."""
    rows: list[Row] = []
    ids = sorted(set(document_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        fresh = [r["id"] for r in ledger.db.execute(
            f"SELECT id FROM documents WHERE id IN ({', '.join('?' for _ in chunk)}) AND ingested_at >= ?",
            (*chunk, since))]
        if fresh:
            rows += ledger.claims(ClaimFilter(document_id=fresh))
    return sorted(rows, key=_arrival)


def find_alerts(new_rows: Iterable[Row], ledger: Ledger, rules: AlertRules, *, before: str) -> list[Alert]:
    """Alerts on ``new_rows`` against the ledger's claims from documents ingested before ``before``
    (an ISO timestamp: the round's start) and the new rows ahead of each one."""
    history = _History(ledger, before)
    alerts: list[Alert] = []
    for row in sorted(new_rows, key=_arrival):
        alerts += _alerts_on(row, history, rules)
        history.add(row)
    return alerts


def _alerts_on(row: Row, history: _History, rules: AlertRules) -> list[Alert]:
    out = []
    who = history.identity(row)
    if who not in history.claimants(row["claimant_party"]):
        out.append(Alert("new_claimant", row,
                         f"New claimant: {claimant_label(row)}, first seen claiming {figure_label(row)}"))
    value = claim_value(row)
    if value is None:
        return out
    earlier = [r for r in history.figures(row) if r["document_id"] != row["document_id"]
               and claim_value(r) is not None]
    if row["period_kind"] == "cumulative":
        out += _total_down(row, value, earlier)
    else:
        out += _outside_range(row, value, earlier, rules)
    return out


def _outside_range(row: Row, value: float, earlier: list[Row], rules: AlertRules) -> list[Alert]:
    if len(earlier) < rules.range_min_history:
        return []
    values = [claim_value(r) or 0.0 for r in earlier]
    low, high = min(values), max(values)
    factor = 1 + rules.range_tolerance
    if low / factor <= value <= high * factor:
        return []
    way = "above" if value > high else "below"
    return [Alert("outside_range", row,
                  f"{claimant_label(row)} gives {figure_label(row)}, {way} its usual range {_num(low)}-{_num(high)} "
                  f"({len(earlier)} earlier figures of {_what(row)})", tuple(r["claim_id"] for r in earlier))]


def _total_down(row: Row, value: float, earlier: list[Row]) -> list[Alert]:
    day = _day(row)
    dated = [r for r in earlier if day and _day(r) and _day(r) <= day]
    if not dated:
        return []
    latest = max(str(_day(r)) for r in dated)
    previous = [r for r in dated if _day(r) == latest][-1]     # the latest day's last statement
    before = claim_value(previous) or 0.0
    if value >= before:
        return []
    return [Alert("running_total_down", row,
                  f"{claimant_label(row)} running total of {_what(row)} went down from {_num(before)} "
                  f"({_day(previous)}) to {_num(value)} ({day})", (previous["claim_id"],))]


class _History:
    """The claims a new claim is set against, read from the ledger once per party or figure kind."""

    def __init__(self, ledger: Ledger, before: str) -> None:
        self.ledger = ledger
        self.before = before
        self.names = RegistryNames()
        self._claimants: dict[str, set[str]] = {}
        self._figures: dict[tuple[str, ...], list[Row]] = {}
        self._new: set[str] | None = None

    def identity(self, row: Row) -> str:
        name, party = str(row.get("claimant") or ""), str(row.get("claimant_party") or "")
        return name_key(self.names.canonical(name, party) or name)

    def claimants(self, party: str) -> set[str]:
        if party not in self._claimants:
            rows = self.ledger.db.execute(
                "SELECT DISTINCT c.claimant FROM claims c JOIN documents d ON d.id = c.document_id "
                "WHERE c.claimant_party = ? AND c.review_status <> 'rejected' AND d.ingested_at < ?",
                (party, self.before))
            self._claimants[party] = {self.identity({"claimant": r["claimant"], "claimant_party": party})
                                      for r in rows}
        return self._claimants[party]

    def figures(self, row: Row) -> list[Row]:
        """Earlier claims of the same claimant, category, side, counted group and period kind."""
        kind = _kind(row)
        if kind not in self._figures:
            party, category, side, period = kind
            rows = self.ledger.iter_claims(ClaimFilter(claimant_party=party, category=category,
                                                       subject_party=side, period_kind=period))
            new = self._new_documents()
            self._figures[kind] = [r for r in rows if r["document_id"] not in new]
        who, group = self.identity(row), subject_key(row)
        return [r for r in self._figures[kind] if self.identity(r) == who and subject_key(r) == group]

    def add(self, row: Row) -> None:
        self.claimants(row["claimant_party"]).add(self.identity(row))
        self.figures(row)                        # loads the ledger's figures before this one joins them
        self._figures[_kind(row)].append(row)

    def _new_documents(self) -> set[str]:
        """Documents of this round (their claims join the history one by one, in order)."""
        if self._new is None:
            rows = self.ledger.db.execute("SELECT id FROM documents WHERE ingested_at >= ?", (self.before,))
            self._new = {r["id"] for r in rows}
        return self._new


def _kind(row: Row) -> tuple[str, ...]:
    return tuple(str(row.get(k) or "") for k in ("claimant_party", "category", "subject_party", "period_kind"))


def _arrival(row: Row) -> tuple[str, str, int]:
    return (str(row.get("published") or ""), str(row.get("document_id") or ""), int(row.get("claim_index") or 0))


def _day(row: Row) -> str | None:
    return row.get("period_end") or row.get("period_start") or row.get("published")


def claimant_label(row: Row) -> str:
    return f"{row.get('claimant')} ({row.get('claimant_party')})"


def _what(row: Row) -> str:
    group = subject_key(row)
    return f"{row.get('category')}{': ' + group if group else ''} of {row.get('subject_party')}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def figure_label(row: Row) -> str:
    """'at least 5 killed (Palestinians)': the figure as claimed, qualifier kept."""
    if row.get("qualifier") == "range":
        number = f"{row.get('low')}-{row.get('high')}"
    elif row.get("value") is None:
        number = "an unstated number of"
    else:
        qualifier = "" if row.get("qualifier") in ("exact", None) else str(row["qualifier"]).replace("_", " ") + " "
        number = f"{qualifier}{_num(float(row['value']))}"
    period = row.get("period_kind")
    span = " running total" if period == "cumulative" else ""
    return f"{number} {row.get('category')} ({row.get('subject_party')}, {row.get('subject')}){span}"
