"""Claims of deaths shaped like the UCDP Georeferenced Event Dataset (GED) 24.1, column for column.

A GED row is an event with fatality estimates; here a row is one *assertion* of deaths (a claim
of people killed, however many reports relayed it), so the file holds only ``category: killed``
and one row per assertion, and summing ``best`` adds up deaths, each claim once. Other
categories (wounded, equipment, attacks ...) are left out: they are in the other formats. The
first 49 columns are GED's, in GED's order; claimledger's own follow. Mapping: docs/exports.md.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ...extract.gazetteer import ADMIN1, AREA, COUNTRY, SITE, TOWN, GeoPlace
from .figures import CIVILIANS, best_low_high, claim_window, counted_loss, describe_figure, days_between, year_of
from .geo import gw_code, is_state, priogrid_gid, row_conflict, row_place, wkt_point
from .rows import Row
from .tabular import Chunks, encode_table

DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
#: The 49 columns of UCDP GED 24.1, in GED's order.
GED_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
    "date_end", *DEATH_COLUMNS, "best", "high", "low", "gwnoa", "gwnob",
)
#: claimledger's own columns after GED's.
EXTRA_COLUMNS = ("claim_id", "assertion_id", "category", "claimant", "claimant_party", "subject", "subject_party",
                 "modality", "qualifier", "claim_figure", "period_kind", "review_status")
COLUMNS = GED_COLUMNS + EXTRA_COLUMNS

#: GED's ``where_prec`` by kind of place: 1 the exact site, 2 a town (the figure may cover its
#: surroundings), 4 a first-order division, 5 an area that is no division, 6 the country only.
WHERE_PRECISION = {SITE: 1, TOWN: 2, ADMIN1: 4, AREA: 5, COUNTRY: 6}
#: GED's ``type_of_violence``: 1 state-based (a state is a side), 2 non-state.
STATE_BASED, NON_STATE = 1, 2
_HEX_ID = re.compile(r"[0-9a-f]{16}")


def encode_ged(rows: Iterable[Row]) -> Chunks:
    """GED-shaped CSV: one line per assertion of deaths (see the module docstring)."""
    return encode_table(death_assertions(rows), COLUMNS, to_ged)


def death_assertions(rows: Iterable[Row]) -> Iterator[Row]:
    """The killed claims, the first row of each assertion only (rows come earliest report first)."""
    seen: set[int] = set()
    for row in rows:
        if row["category"] != "killed":
            continue
        key = ged_id(row)
        if key not in seen:
            seen.add(key)
            yield row


def ged_id(row: Row) -> int:
    """A stable integer id from the assertion id: its first 15 hex digits (below 2**60, so it
    fits GED's integer column in any tool); an id that is not hex is hashed first."""
    key = row["assertion_id"] or row["claim_id"]
    digits = key if _HEX_ID.fullmatch(key) else hashlib.sha256(key.encode("utf-8")).hexdigest()
    return int(digits[:15], 16)


def to_ged(row: Row) -> dict[str, Any]:
    """One GED-shaped record (mapping: docs/exports.md)."""
    start, end = claim_window(row)
    return {
        "id": ged_id(row), "relid": row["claim_id"], "year": year_of(end or start),
        **_dyad(row),
        "number_of_sources": row["relay_count"],
        "source_article": row["url"] or row["source"], "source_office": row["outlet"],
        "source_date": row["published"], "source_headline": row["title"], "source_original": row["claimant"],
        **_where(row, row_place(row)),
        "event_clarity": 1 if row["period_kind"] == "event" else 2,
        "date_prec": date_precision(start, end), "date_start": start, "date_end": end,
        **_deaths(row),
        "claim_id": row["claim_id"], "assertion_id": row["assertion_id"], "category": row["category"],
        "claimant": row["claimant"], "claimant_party": row["claimant_party"], "subject": row["subject"],
        "subject_party": row["subject_party"], "modality": row["modality"], "qualifier": row["qualifier"],
        "claim_figure": describe_figure(row), "period_kind": row["period_kind"],
        "review_status": row["review_status"],
    }


def _dyad(row: Row) -> dict[str, Any]:
    """The registry conflict's two sides, in the registry's order, and what follows from them."""
    conflict = row_conflict(row)
    if conflict is None:
        return {}
    side_a, side_b = conflict.sides
    violence = STATE_BASED if is_state(side_a) or is_state(side_b) else NON_STATE
    return {"type_of_violence": violence, "conflict_name": conflict.id, "dyad_name": f"{side_a} - {side_b}",
            "side_a": side_a, "side_b": side_b, "gwnoa": gw_code(side_a), "gwnob": gw_code(side_b)}


def _where(row: Row, place: GeoPlace | None) -> dict[str, Any]:
    lat = row["latitude"] if row["latitude"] is not None else place and place.latitude
    lon = row["longitude"] if row["longitude"] is not None else place and place.longitude
    where = {"where_description": row["location"], "latitude": lat, "longitude": lon,
             "geom_wkt": wkt_point(lat, lon), "priogrid_gid": priogrid_gid(lat, lon)}
    if place is None:
        return where
    country = place.country
    return {**where, "where_prec": WHERE_PRECISION.get(place.kind), "where_coordinates": place.name,
            "adm_1": place.admin1,
            "country": country and (country.ucdp_name or country.name),
            "country_id": country and country.gw_code, "region": country and country.region}


def _deaths(row: Row) -> dict[str, Any]:
    """``best`` is the claim's lower bound, split into ``deaths_*`` by whose dead they are, so
    that each row's deaths add up to its ``best``. Denials and running totals have no estimate:
    a denial's figure is someone else's, a total would count every earlier death again."""
    best = counted_loss(row, "killed")
    if best is None:
        return {}
    _, low, high = best_low_high(row)
    deaths = dict.fromkeys(DEATH_COLUMNS, 0)
    deaths[_death_column(row)] = best
    return {**deaths, "best": best, "low": low, "high": high}


def _death_column(row: Row) -> str:
    """Civilians; else side A's or side B's dead by the registry conflict's sides; else unknown."""
    subject = row["subject_party"] or ""
    if subject == CIVILIANS:
        return "deaths_civilians"
    conflict = row_conflict(row)
    if conflict is not None and subject in conflict.sides:
        return "deaths_a" if subject == conflict.sides[0] else "deaths_b"
    return "deaths_unknown"


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
