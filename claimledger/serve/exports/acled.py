"""Claims shaped like an ACLED export, for side-by-side use with ACLED data.

Column names and order follow ACLED's public export. ACLED codes events; a ledger row is a claim,
so the event type is filled only where the claim's category names one on its own (a data file:
extract/data/acled_event_types.yaml), the place's country, ISO number and admin-1 come from the
gazetteer, and the claim itself is spelled out in ``notes`` and ``tags``.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ...extract.gazetteer import ADMIN1, AREA, COUNTRY, SITE, TOWN, Country, GeoPlace
from .figures import claim_window, counted_loss, describe_claim, describe_figure, days_between, year_of
from .geo import row_place
from .rows import Row
from .tabular import Chunks, encode_table

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
    "timestamp",
)
#: claimledger's own columns after the ACLED ones.
EXTRA_COLUMNS = ("claim_id", "assertion_id", "claimant", "category", "modality", "qualifier", "claim_figure",
                 "subject", "period_kind", "period_start", "period_end", "url", "review_status")
COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS
#: ACLED's ``geo_precision``: 1 a town or site, 2 part of a region, 3 a whole region or the country.
GEO_PRECISION = {SITE: 1, TOWN: 1, AREA: 2, ADMIN1: 3, COUNTRY: 3}
EVENT_TYPE_COLUMNS = ("disorder_type", "event_type", "sub_event_type")


def encode_acled(rows: Iterable[Row]) -> Chunks:
    """ACLED-shaped CSV, one line per claim."""
    return encode_table(rows, COLUMNS, to_acled)


def to_acled(row: Row) -> dict[str, Any]:
    """One ACLED-shaped record (mapping: docs/exports.md); unmapped ACLED columns are empty."""
    start, end = claim_window(row)
    return {
        "event_id_cnty": row["claim_id"], "event_date": end, "year": year_of(end),
        "time_precision": time_precision(start, end), **event_type(row),
        "actor1": row["claimant_party"], "actor2": row["subject_party"],
        **_where(row_place(row)),
        "location": row["location"], "latitude": row["latitude"], "longitude": row["longitude"],
        "source": row["outlet"], "notes": describe_claim(row),
        "fatalities": counted_loss(row, "killed") or 0, "tags": acled_tags(row),
        "claim_id": row["claim_id"], "assertion_id": row["assertion_id"], "claimant": row["claimant"],
        "category": row["category"], "modality": row["modality"], "qualifier": row["qualifier"],
        "claim_figure": describe_figure(row),
        "subject": row["subject"], "period_kind": row["period_kind"], "period_start": row["period_start"],
        "period_end": row["period_end"], "url": row["url"], "review_status": row["review_status"],
    }


def _where(place: GeoPlace | None) -> dict[str, Any]:
    if place is None:
        return {}
    found = place.country
    return {"iso": found and found.iso_numeric, "country": found and country_name(found),
            "admin1": place.admin1, "geo_precision": GEO_PRECISION.get(place.kind)}


def country_name(found: Country) -> str:
    """The plain English name: UCDP's without its former name in brackets, else ISO's."""
    return found.ucdp_name.split(" (")[0] if found.ucdp_name else found.name


def event_type(row: Row) -> dict[str, str]:
    """ACLED's disorder, event and sub-event type where the claim's category names one; a denied
    event did not happen by its claimant's word, so it gets none."""
    if row["modality"] == "denied":
        return {}
    for rule in _event_type_rules():
        if rule["category"] == row["category"] and rule.get("subject_party", row["subject_party"]) == \
                row["subject_party"]:
            return {column: rule[column] for column in EVENT_TYPE_COLUMNS if rule.get(column)}
    return {}


@cache
def _event_type_rules() -> list[dict[str, str]]:
    text = resources.files("claimledger.extract").joinpath("data/acled_event_types.yaml").read_text("utf-8")
    return list(yaml.safe_load(text)["rules"])


def time_precision(start: str | None, end: str | None) -> int | None:
    """ACLED-like: 1 the day is known, 2 a window of up to a week, 3 longer or an unknown start."""
    if end is None:
        return None
    days = days_between(start, end)
    if days is None:
        return 3
    return 1 if days == 0 else 2 if days <= 7 else 3


def acled_tags(row: Row) -> str:
    """ACLED-style ``; ``-separated tags saying what kind of claim the row is."""
    keys = ("modality", "category", "qualifier", "period_kind", "review_status")
    return "; ".join(["claimledger", *(f"{key}={row[key]}" for key in keys if row[key])])
