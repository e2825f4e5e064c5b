"""The analyses as the pages, the API and the report run them: read rows, call ``analyze``."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..analyze import Comparison, Flag, RatioPoint, Series, build_series, compare, find_flags, ratio_over_time
from ..analyze.compare import RELATED_CATEGORIES
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
                until: str | None = None, reference: str | None = None, by_party: bool = False) -> Comparison:
    """Every claimant's figure for one category of one side's losses (related categories in the notes)."""
    check_category(category)
    rows = ledger.claims(subject_party=subject_party, category=[category, *RELATED_CATEGORIES.get(category, ())])
    return compare(rows, subject_party=subject_party, category=category, since=since or None,
                   until=until or None, reference=reference or None, by_party=by_party)


def run_flags(ledger: Ledger, f: ClaimFilter) -> list[Flag]:
    return find_flags(ledger.iter_claims(replace(f, limit=None, offset=0)))


def claimant_rows(ledger: Ledger, name: str | None, party: str | None) -> list[dict[str, object]]:
    """A claimant's claims: the exact name (any case) when it has claims, else names containing it."""
    rows = ledger.claims(claimant=name or None, claimant_party=party or None)
    if name:
        exact = [r for r in rows if fold(r["claimant"]) == fold(name)]
        return exact or rows
    return rows


def run_timeline(ledger: Ledger, f: ClaimFilter, *, by_party: bool = False) -> list[Series]:
    return build_series(ledger.iter_claims(replace(f, limit=None, offset=0)), by_party=by_party)


@dataclass(slots=True, kw_only=True)
class RatioView:
    """The ratio asked for (or chosen), its points, and the other pairs the ledger offers."""

    choice: RatioChoice | None
    points: list[RatioPoint] = field(default_factory=list)
    choices: list[RatioChoice] = field(default_factory=list)


def run_ratio(ledger: Ledger, *, numerator: str | None = None, denominator: str | None = None,
              category: str | None = None, subject_party: str | None = None, subject: str | None = None,
              numerator_modality: str | None = None, denominator_modality: str | None = None,
              max_lag_days: int = 7) -> RatioView:
    """One running total over another; without a pair given, the best covered pair in the ledger."""
    given = [numerator, denominator, category, subject_party]
    if any(given) and not all(given):
        raise ConfigError("give numerator, denominator, category and subject_party together (or none of "
                          "them, to let the ledger's best covered pair be chosen)")
    rows = ledger.claims(period_kind="cumulative")
    choices = ratio_choices(rows)
    if all(given):
        choice = RatioChoice(numerator=str(numerator), numerator_modality=numerator_modality or "",
                             denominator=str(denominator), denominator_modality=denominator_modality or "",
                             category=check_category(str(category)), subject_party=str(subject_party),
                             subject=subject or "", points=0)
    elif choices:
        choice = choices[0]
    else:
        return RatioView(choice=None)
    num, den = choice.sides()
    points = ratio_over_time(rows, numerator=replace(num, modality=num.modality or None),
                             denominator=replace(den, modality=den.modality or None), category=choice.category,
                             subject_party=choice.subject_party, subject_contains=choice.subject or None,
                             max_lag_days=max_lag_days)
    return RatioView(choice=choice, points=points, choices=choices)
