"""The analyses as the pages, the API and the report run them: read rows, call ``analyze``."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..analyze import (
    Comparison,
    Flag,
    RatioPoint,
    Series,
    build_series,
    claimant_list,
    compare,
    find_flags,
    pick_conflict,
    ratio_over_time,
)
from ..analyze.compare import RELATED_CATEGORIES
from ..analyze.scope import in_conflict, prepared_claims
from ..errors import ConfigError
from ..models import CATEGORIES
from ..store import ClaimFilter, Ledger
from .choices import RatioChoice, ratio_choices
from .views import fold


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise ConfigError(f"category: {category!r} is not one of {', '.join(CATEGORIES)}")
    return category


def run_compare(ledger: Ledger, *, subject_party: str, category: str, since: str | None = None,
                until: str | None = None, reference: str | None = None, by_party: bool = False,
                conflict: str | None = None, claimants: Sequence[str] = ()) -> Comparison:
    """Every claimant's figure for one category of one side's losses in one conflict (related
    categories in the notes)."""
    check_category(category)
    rows = prepared_claims(ledger, subject_party=subject_party,
                           category=[category, *RELATED_CATEGORIES.get(category, ())])
    return compare(rows, subject_party=subject_party, category=category, since=since or None,
                   until=until or None, reference=reference or None, by_party=by_party,
                   conflict=conflict or None, claimants=[c for c in claimants if c])


def run_flags(ledger: Ledger, f: ClaimFilter, *, conflict: str | None = None) -> list[Flag]:
    return find_flags(prepared_claims(ledger, f), conflict=conflict or None)


def claimant_rows(ledger: Ledger, name: str | None, party: str | None) -> list[dict[str, Any]]:
    """A claimant's claims: its folded name or a spelling of it (any case) when it has claims,
    else the names containing it."""
    rows = prepared_claims(ledger, claimant_party=party or None)
    if not name:
        return rows
    key = fold(name)
    exact = [r for r in rows if key in (fold(r["claimant"]), fold(r.get("claimant_raw")))]
    if exact:
        names = {r["claimant"] for r in exact}  # every spelling of the claimants it names
        return [r for r in rows if r["claimant"] in names]
    return [r for r in rows if key in fold(r["claimant"]) or key in fold(r.get("claimant_raw"))]


def run_timeline(ledger: Ledger, f: ClaimFilter, *, by_party: bool = False,
                 conflict: str | None = None) -> list[Series]:
    rows = prepared_claims(ledger, f)
    if conflict:
        rows = in_conflict(rows, pick_conflict(rows, conflict))
    return build_series(rows, by_party=by_party)


def claimants(ledger: Ledger, f: ClaimFilter) -> list[dict[str, Any]]:
    """One row per claimant (folded name and side) with its claims and the spellings used."""
    return [{"claimant": c.name, "claimant_party": c.party, "n": c.claims, "spellings": c.spellings}
            for c in claimant_list(prepared_claims(ledger, f))]


@dataclass(slots=True, kw_only=True)
class RatioView:
    """The ratio asked for (or chosen), its points, and the other pairs the ledger offers."""

    choice: RatioChoice | None
    points: list[RatioPoint] = field(default_factory=list)
    choices: list[RatioChoice] = field(default_factory=list)


def run_ratio(ledger: Ledger, *, numerator: str | None = None, denominator: str | None = None,
              category: str | None = None, subject_party: str | None = None, subject: str | None = None,
              numerator_modality: str | None = None, denominator_modality: str | None = None,
              max_lag_days: int = 7, conflict: str | None = None) -> RatioView:
    """One running total over another in one conflict; without a pair given, the best covered
    pair of the conflict (of the ledger, when none is named)."""
    given = [numerator, denominator, category, subject_party]
    if any(given) and not all(given):
        raise ConfigError("give numerator, denominator, category and subject_party together (or none of "
                          "them, to let the ledger's best covered pair be chosen)")
    rows = prepared_claims(ledger, period_kind="cumulative")
    chosen = pick_conflict(rows, conflict) if conflict else None
    choices = [c for c in ratio_choices(rows) if not chosen or c.conflict == chosen]
    if all(given):
        choice = RatioChoice(numerator=str(numerator), numerator_modality=numerator_modality or "",
                             denominator=str(denominator), denominator_modality=denominator_modality or "",
                             category=check_category(str(category)), subject_party=str(subject_party),
                             subject=subject or "", points=0, conflict=chosen or "")
    elif choices:
        choice = choices[0]
    else:
        return RatioView(choice=None)
    num, den = choice.sides()
    points = ratio_over_time(rows, numerator=replace(num, modality=num.modality or None),
                             denominator=replace(den, modality=den.modality or None), category=choice.category,
                             subject_party=choice.subject_party, subject_contains=choice.subject or None,
                             max_lag_days=max_lag_days, conflict=choice.conflict or None)
    return RatioView(choice=choice, points=points, choices=choices)
