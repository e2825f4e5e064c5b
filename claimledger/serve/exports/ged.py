"""Claims shaped like the UCDP Georeferenced Event Dataset (GED), for side-by-side use with it.

Column names follow the GED codebook. A GED row is an event with fatality estimates; a ledger row
is a claim, so the mapping is partial and said plainly in docs/exports.md: the sides are the
claimant's party (``side_a``) and the counted group's party (``side_b``), not a coded dyad, and
the ``deaths_*`` columns are filled only for claims of people killed.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import count
from typing import Any

from .figures import (CIVILIANS, NO_SIDE, best_low_high, claim_window, counted_loss, describe_figure,
                      days_between, year_of)
from .rows import Row
from .tabular import Chunks, encode_table

DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
GED_COLUMNS = (
    "id", "relid", "year", "type_of_violence", "conflict_name", "side_a", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_description", "latitude", "longitude", "date_prec", "date_start", "date_end",
    *DEATH_COLUMNS, "best", "high", "low",
)
#: claimledger's own columns after the GED ones.
EXTRA_COLUMNS = ("claim_id", "assertion_id", "category", "modality", "qualifier", "claim_figure", "subject",
                 "period_kind", "review_status")
COLUMNS = GED_COLUMNS + EXTRA_COLUMNS


def encode_ged(rows: Iterable[Row]) -> Chunks:
    """GED-shaped CSV; ``id`` numbers the rows of this file, ``relid`` is the stable claim id."""
    numbers = count(1)
    return encode_table(rows, COLUMNS, lambda row: to_ged(row, next(numbers)))


def to_ged(row: Row, number: int) -> dict[str, Any]:
    """One GED-shaped record (see the module docstring and docs/exports.md)."""
    start, end = claim_window(row)
    best, low, high = best_low_high(row)
    return {
        "id": number, "relid": row["claim_id"], "year": year_of(end or start),
        "type_of_violence": None, "conflict_name": None,
        "side_a": row["claimant_party"], "side_b": row["subject_party"],
        "number_of_sources": row["relay_count"],
        "source_article": row["url"] or row["source"], "source_office": row["outlet"],
        "source_date": row["published"], "source_headline": row["title"], "source_original": row["claimant"],
        "where_description": row["location"], "latitude": row["latitude"], "longitude": row["longitude"],
        "date_prec": date_precision(start, end), "date_start": start, "date_end": end,
        **ged_deaths(row), "best": best, "high": high, "low": low,
        "claim_id": row["claim_id"], "assertion_id": row["assertion_id"], "category": row["category"],
        "modality": row["modality"], "qualifier": row["qualifier"], "claim_figure": describe_figure(row),
        "subject": row["subject"], "period_kind": row["period_kind"], "review_status": row["review_status"],
    }


def ged_deaths(row: Row) -> dict[str, int | None]:
    """The killed claim's lower bound in the column of whose dead they are, zeros in the others.

    Civilians -> ``deaths_civilians``; no side (unknown, mixed) -> ``deaths_unknown``; the
    claimant's own party -> ``deaths_a``; any other party -> ``deaths_b``. Empty for every other
    category, for denials, for running totals (summing them would count each death again) and
    for figures with no lower bound ("up to N", vague).
    """
    figure = counted_loss(row, "killed")
    if figure is None:
        return dict.fromkeys(DEATH_COLUMNS)
    deaths: dict[str, int | None] = dict.fromkeys(DEATH_COLUMNS, 0)
    deaths[_death_column(row)] = figure
    return deaths


def _death_column(row: Row) -> str:
    subject = row["subject_party"] or ""
    if subject == CIVILIANS:
        return "deaths_civilians"
    if subject in NO_SIDE:
        return "deaths_unknown"
    return "deaths_a" if subject == row["claimant_party"] else "deaths_b"


def date_precision(start: str | None, end: str | None) -> int | None:
    """GED-like date precision from the window's length: 1 one day, 2 up to 6 days, 3 a week,
    4 up to a month, 5 longer or with an unknown start; empty with no date at all."""
    days = days_between(start, end)
    if days is None:
        return None if end is None else 5
    for precision, longest in ((1, 0), (2, 5), (3, 7), (4, 31)):
        if days <= longest:
            return precision
    return 5
