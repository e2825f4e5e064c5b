"""The ACLED export's place and event-type columns, through the export API."""
from __future__ import annotations

import csv
import io
from typing import Any

from claimledger.serve.exports import write_export


def acled(**fields: Any) -> dict[str, str]:
    row: dict[str, Any] = {"claim_id": "00000000000000aa", "assertion_id": "as1", "claimant": "Army",
                           "claimant_party": "Russia", "modality": "claimed", "category": "killed", "value": 5,
                           "qualifier": "exact", "subject_party": "Ukraine", "period_kind": "event",
                           "period_end": "2024-03-01", "location": None, "latitude": None, "longitude": None}
    row.update(fields)
    out = io.BytesIO()
    assert write_export([row], "acled", out) == 1
    [record] = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"), newline=""))
    return record


def place(record: dict[str, str]) -> tuple[str, ...]:
    return tuple(record[k] for k in ("country", "iso", "admin1", "geo_precision"))


def test_a_known_place_gives_country_numeric_iso_and_admin1() -> None:
    assert place(acled(location="Kharkiv", latitude=49.9935, longitude=36.2304)) == ("Ukraine", "804", "Kharkiv", "1")
    assert place(acled(location="Khan Younis", latitude=31.3462, longitude=34.3063)) == (
        "Palestine", "275", "Gaza Strip", "1")
    assert place(acled(location="Kharkiv Oblast", latitude=49.6, longitude=36.5))[:3] == ("Ukraine", "804", "Kharkiv")


def test_an_unknown_place_leaves_the_columns_empty() -> None:
    assert place(acled()) == ("", "", "", "")
    assert place(acled(location="Nowhereville Qx")) == ("", "", "", "")


def test_event_types_only_where_the_category_names_one() -> None:
    def types(**fields: Any) -> tuple[str, str, str]:
        record = acled(**fields)
        return record["disorder_type"], record["event_type"], record["sub_event_type"]

    assert types(category="arrested", subject_party="civilians") == (
        "Strategic developments", "Strategic developments", "Arrests")
    assert types(category="aircraft_downed") == ("Strategic developments", "Strategic developments",
                                                 "Disrupted weapons use")
    assert types(category="projectiles") == ("Political violence", "Explosions/Remote violence", "")
    assert types(category="captured", subject_party="civilians")[2] == "Abduction/forced disappearance"
    # A battle, a strike and an attack on civilians all kill: no type from a death toll alone.
    assert types(category="killed") == ("", "", "") == types(category="captured")
    assert types(category="arrested", modality="denied") == ("", "", "")


def test_event_types_do_not_depend_on_which_side_claims() -> None:
    for category in ("arrested", "aircraft_downed", "projectiles", "killed"):
        one = acled(category=category, claimant_party="Russia", subject_party="Ukraine")
        other = acled(category=category, claimant_party="Ukraine", subject_party="Russia")
        assert [one[k] for k in ("event_type", "sub_event_type")] == [other[k] for k in ("event_type", "sub_event_type")]
