"""Exports of ledger rows: each format read back with the tools its users have."""
from __future__ import annotations

import csv
import io
import json
import logging
import re
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.errors import ConfigError
from claimledger.serve.exports import EXPORT_FORMATS, FORMATS, LEDGER_COLUMNS, iter_export, write_export
from claimledger.serve.exports.parquet import encode_parquet

# Places with known coordinates: the order check needs one whose longitude cannot be a latitude.
KYIV = (50.4501234567, 30.5234)
SITTWE = (20.1462, 92.8983)
BAMAKO = (12.6392, -8.0029)

GED_COLUMNS = ("id", "relid", "year", "type_of_violence", "conflict_name", "side_a", "side_b", "source_article",
               "source_office", "source_date", "source_headline", "source_original", "where_description",
               "latitude", "longitude", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
               "deaths_unknown", "best", "low", "high", "category", "modality", "period_kind", "claim_id")
ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "actor2", "country", "location", "latitude", "longitude",
                 "geo_precision", "source", "source_scale", "notes", "fatalities", "tags")
HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def make_row(n: int = 0, **fields: Any) -> dict[str, Any]:
    """A ledger row as the store returns it; ``fields`` override the defaults."""
    row: dict[str, Any] = {
        "claim_id": f"{n:016x}", "document_id": f"doc{n:013d}", "claim_index": n % 5, "assertion_id": f"as{n}",
        "claimant": "Ruritanian Army", "claimant_party": "Ruritania", "modality": "claimed",
        "category": "killed", "value": 24, "qualifier": "at_least", "low": None, "high": None,
        "subject": "Bordurian soldiers", "subject_party": "Borduria", "period_kind": "period",
        "period_start": "2024-02-04", "period_end": "2024-02-11", "location": None,
        "latitude": None, "longitude": None,
        "evidence": [{"text": "Its fighters killed at least 24 Bordurian soldiers this week.", "start": 0, "end": 61}],
        "confidence": 0.8, "part_of": None, "notes": None, "extractor_version": "0.1.0+test",
        "outlet": "Example Wire", "source": "wire.jsonl", "url": f"https://example.org/{n}",
        "title": "Army reports a week of fighting", "published": "2024-02-12",
        "relay_count": 3, "outlet_count": 2, "independent_count": 2, "first_seen": "2024-02-12",
        "review_status": "unreviewed",
    }
    row.update(fields)
    return row


def sample_rows() -> list[dict[str, Any]]:
    """Several categories, ranges, denials, running totals, unicode and awkward evidence."""
    return [
        make_row(0, location="Kyiv", latitude=KYIV[0], longitude=KYIV[1],
                 evidence=[{"text": 'He said, "at least 24",\nthen left; 1,200 more', "start": 5, "end": 47}]),
        make_row(1, category="wounded", qualifier="range", value=None, low=20, high=30, subject="civilians",
                 subject_party="civilians", claimant="Міністерство охорони здоров'я", claimant_party="Borduria",
                 modality="reported", period_kind="event", period_start="2024-03-01", period_end="2024-03-01",
                 evidence=[{"text": "Між 20 і 30 поранено.", "start": 0, "end": 21},
                           {"text": "Second | span", "start": 40, "end": 53}]),
        make_row(2, category="equipment_destroyed", qualifier="exact", value=7, subject="tanks",
                 location="Sittwe", latitude=SITTWE[0], longitude=SITTWE[1], period_kind="event",
                 period_start=None, period_end=None),
        make_row(3, modality="denied", qualifier="exact", value=50, claimant="Bordurian General Staff",
                 claimant_party="Borduria", subject="soldiers", subject_party="Borduria"),
        make_row(4, qualifier="about", value=1200, subject="civilians", subject_party="civilians",
                 claimant="Health Ministry", claimant_party="Borduria", modality="reported",
                 period_kind="cumulative", period_start="2023-10-07", period_end="2024-02-12",
                 location="Bamako", latitude=BAMAKO[0], longitude=BAMAKO[1], part_of="0000000000000000"),
        make_row(5, category="captured", qualifier="vague", value=None, modality="acknowledged",
                 claimant="Ruritanian Army", claimant_party="Ruritania", subject_party="Ruritania",
                 subject="our soldiers", evidence=[], notes="vague: 'dozens'"),
        make_row(6, category="attacks", qualifier="exact", value=57, subject="operations",
                 subject_party="Ruritania", period_kind="event", period_start=None, period_end=None,
                 published=None, url=None, title=None, relay_count=None, first_seen=None),
    ]


def export_bytes(rows: list[dict[str, Any]], fmt: str) -> bytes:
    out = io.BytesIO()
    write_export(rows, fmt, out)
    return out.getvalue()


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def by_id(records: list[dict[str, str]], key: str = "claim_id") -> dict[str, dict[str, str]]:
    return {r[key]: r for r in records}


def check_feature_collection(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A small RFC 7946 check: the members, geometry and coordinate ranges of point features."""
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert isinstance(doc["features"], list)
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature["id"], (str, int))
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(c, float | int) for c in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    return doc["features"]


# -- formats and outputs ------------------------------------------------------------------

def test_export_formats_are_the_seven() -> None:
    assert EXPORT_FORMATS == ("csv", "jsonl", "parquet", "geojson", "ucdp", "acled", "hxl")
    assert all(FORMATS[f].suffix.startswith(".") and FORMATS[f].media_type for f in EXPORT_FORMATS)


def test_unknown_format_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(ConfigError, match="xlsx") as info:
        write_export(sample_rows(), "xlsx", target)
    for name in EXPORT_FORMATS:
        assert name in str(info.value)
    assert not target.exists()


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_path_stream_and_chunks_give_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"claims{FORMATS[fmt].suffix}"
    count = write_export(iter(sample_rows()), fmt, target)
    chunks = iter_export(sample_rows(), fmt.upper())
    assert b"".join(chunks) == target.read_bytes() == export_bytes(sample_rows(), fmt)
    assert count == {"geojson": 3, "ucdp": 3}.get(fmt, 7)  # ucdp: the killed assertions only
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_text_stream_is_written_through_its_buffer() -> None:
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding="utf-8")
    text.write("before\n")
    write_export(sample_rows()[:1], "jsonl", text)
    assert raw.getvalue().startswith(b"before\n{")
    with pytest.raises(ConfigError, match="binary stream"):
        write_export(sample_rows(), "csv", io.StringIO())


def test_unwritable_path_names_the_path(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "claims.csv"
    with pytest.raises(ConfigError, match=r"missing.claims\.csv"):
        write_export(sample_rows(), "csv", target)


def test_failed_export_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "claims.jsonl"
    target.write_text("previous\n", encoding="utf-8")

    def breaking_rows() -> Iterator[dict[str, Any]]:
        yield from sample_rows()
        raise RuntimeError("ledger connection lost")

    with pytest.raises(RuntimeError, match="connection lost"):
        write_export(breaking_rows(), "jsonl", target)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["claims.jsonl"]


# -- bad rows -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_bad_rows_are_reported_and_the_rest_written(fmt: str) -> None:
    good = make_row(9, latitude=1.0, longitude=2.0)
    bad = [
        ["not", "a", "row"],
        make_row(10, value="many"),
        make_row(11, latitude=123.0, longitude=2.0),
        make_row(12, period_end="last week"),
        make_row(13, claim_id=None),
        make_row(14, evidence="a sentence, not a list"),
    ]
    messages: list[str] = []
    count = write_export([bad[0], bad[1], good, *bad[2:]], fmt, io.BytesIO(), on_error=messages.append)
    assert count == 1
    assert len(messages) == 6
    expected = ["row 1 ", "row 2 (claim 000000000000000a) skipped: value: 'many'", "row 4 (claim 000000000000000b)",
                "latitude: 123.0", "period_end: 'last week' is not an ISO date", "claim_id: missing", "evidence:"]
    for fragment in expected:
        assert any(fragment in m for m in messages), (fragment, messages)


def test_skipped_rows_are_logged_by_default(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="claimledger.serve.exports"):
        count = write_export([make_row(1, value="12a"), make_row(2)], "csv", io.BytesIO())
    assert count == 1
    assert "claim 0000000000000001" in caplog.text and "value" in caplog.text


def test_values_from_other_stores_are_typed() -> None:
    row = make_row(1, value=24.0, low="20", published=date(2024, 2, 12), first_seen="2024-02-12T08:30:00+00:00",
                   latitude="50.45", longitude=30, part_of=3, evidence=({"text": "x", "start": "1", "end": 2},))
    [back] = [json.loads(line) for line in export_bytes([row], "jsonl").splitlines()]
    assert (back["value"], back["low"], back["part_of"]) == (24, 20, "3")
    assert (back["published"], back["first_seen"]) == ("2024-02-12", "2024-02-12")
    assert (back["latitude"], back["longitude"]) == (50.45, 30.0)
    assert back["evidence"] == [{"text": "x", "start": 1, "end": 2}]


# -- csv and jsonl ------------------------------------------------------------------------

def test_csv_has_every_ledger_column_and_flat_evidence() -> None:
    data = export_bytes(sample_rows(), "csv")
    records = read_csv(data)
    assert len(records) == 7
    expected = [c for c in LEDGER_COLUMNS if c != "evidence"]
    header = list(records[0])
    assert [c for c in header if not c.startswith("evidence")] == expected
    assert header[header.index("latitude") + 2:header.index("latitude") + 5] == [
        "evidence_text", "evidence_start", "evidence_end"]
    rows = by_id(records)
    first = rows["0000000000000000"]
    assert first["evidence_text"] == 'He said, "at least 24",\nthen left; 1,200 more'
    assert (first["evidence_start"], first["evidence_end"]) == ("5", "47")
    second = rows["0000000000000001"]
    assert second["claimant"] == "Міністерство охорони здоров'я"
    assert second["evidence_text"] == "Між 20 і 30 поранено. | Second | span"
    assert (second["evidence_start"], second["value"], second["low"]) == ("0", "", "20")
    assert rows["0000000000000005"]["evidence_text"] == rows["0000000000000005"]["evidence_start"] == ""


def test_jsonl_keeps_every_column_and_evidence_as_spans() -> None:
    lines = export_bytes(sample_rows(), "jsonl").decode("utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == 7
    assert all(list(o) == list(LEDGER_COLUMNS) for o in objects)
    assert objects[1]["evidence"] == sample_rows()[1]["evidence"]
    assert objects[1]["value"] is None and objects[1]["low"] == 20
    assert "Міністерство" in lines[1]  # UTF-8, not \u escapes


printable_text = st.text(min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(claimant=printable_text, evidence=printable_text, subject=printable_text)
def test_any_text_round_trips_through_csv_and_jsonl(claimant: str, evidence: str, subject: str) -> None:
    row = make_row(1, claimant=claimant, subject=subject, evidence=[{"text": evidence, "start": 0, "end": 1}])
    [back] = read_csv(export_bytes([row], "csv"))
    assert (back["claimant"], back["subject"], back["evidence_text"]) == (claimant, subject, evidence)
    [obj] = [json.loads(line) for line in export_bytes([row], "jsonl").decode("utf-8").split("\n") if line]
    assert (obj["claimant"], obj["subject"], obj["evidence"][0]["text"]) == (claimant, subject, evidence)


# -- parquet ------------------------------------------------------------------------------

def test_parquet_columns_are_typed(tmp_path: Path) -> None:
    target = tmp_path / "claims.parquet"
    assert write_export(sample_rows(), "parquet", target) == 7
    table = pq.read_table(target)
    schema = table.schema
    assert schema.names == list(LEDGER_COLUMNS)
    for name in ("value", "low", "high", "claim_index", "relay_count"):
        assert schema.field(name).type == pa.int64()
    for name in ("latitude", "longitude", "confidence"):
        assert schema.field(name).type == pa.float64()
    for name in ("period_start", "period_end", "published", "first_seen"):
        assert schema.field(name).type == pa.date32()
    assert schema.field("evidence").type == pa.list_(
        pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())]))
    rows = table.to_pylist()
    assert rows[1]["value"] is None and rows[1]["low"] == 20
    assert rows[0]["period_start"] == date(2024, 2, 4)
    assert rows[1]["evidence"] == sample_rows()[1]["evidence"]
    assert rows[5]["evidence"] == [] and rows[6]["published"] is None


def test_parquet_is_written_in_record_batches() -> None:
    rows = (make_row(n) for n in range(25))
    data = b"".join(encode_parquet(rows, batch_rows=10))
    parquet = pq.ParquetFile(pa.BufferReader(data))
    assert (parquet.metadata.num_rows, parquet.metadata.num_row_groups) == (25, 3)


def test_empty_parquet_still_has_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "none.parquet"
    assert write_export([], "parquet", target) == 0
    table = pq.read_table(target)
    assert table.num_rows == 0 and table.schema.names == list(LEDGER_COLUMNS)


def test_pandas_reads_the_parquet_export(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    target = tmp_path / "claims.parquet"
    write_export(sample_rows(), "parquet", target)
    frame = pandas.read_parquet(target)
    assert len(frame) == 7 and list(frame.columns) == list(LEDGER_COLUMNS)


# -- geojson ------------------------------------------------------------------------------

def test_geojson_points_are_longitude_first() -> None:
    doc = json.loads(export_bytes(sample_rows(), "geojson"))
    features = {f["id"]: f for f in check_feature_collection(doc)}
    assert list(features) == ["0000000000000000", "0000000000000002", "0000000000000004"]
    assert features["0000000000000000"]["geometry"]["coordinates"] == [30.5234, 50.450123]
    assert features["0000000000000002"]["geometry"]["coordinates"] == [SITTWE[1], SITTWE[0]]
    assert features["0000000000000004"]["geometry"]["coordinates"] == [BAMAKO[1], BAMAKO[0]]
    props = features["0000000000000000"]["properties"]
    assert props["evidence_text"].startswith('He said, "at least 24"')
    assert not {"evidence", "evidence_start", "evidence_end"} & set(props)
    assert props["claimant"] == "Ruritanian Army" and props["value"] == 24


def test_geojson_without_any_coordinates_is_an_empty_collection() -> None:
    rows = [r for r in sample_rows() if r["latitude"] is None]
    out = io.BytesIO()
    assert write_export(rows, "geojson", out) == 0
    assert check_feature_collection(json.loads(out.getvalue())) == []


# -- ucdp (GED shape) ---------------------------------------------------------------------

def test_ucdp_has_ged_columns_and_figures() -> None:
    records = read_csv(export_bytes(sample_rows(), "ucdp"))
    assert set(GED_COLUMNS) <= set(records[0])
    rows = by_id(records, "relid")
    assert sorted(rows) == [f"{n:016x}" for n in (0, 3, 4)]  # deaths only: other categories left out

    def figures(n: int, *names: str) -> tuple[str, ...]:
        return tuple(rows[f"{n:016x}"][name] for name in names)

    deaths = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    # at least 24 killed of a party that is no registry conflict's side: deaths of unknown status.
    assert figures(0, *deaths, "best", "low", "high") == ("0", "0", "0", "24", "24", "24", "")
    assert figures(0, "claimant_party", "subject_party", "source_original", "source_office") == (
        "Ruritania", "Borduria", "Ruritanian Army", "Example Wire")
    assert figures(0, "date_start", "date_end", "year", "source_date") == (
        "2024-02-04", "2024-02-11", "2024", "2024-02-12")
    # about 1,200 civilians, a running total: no estimate (it would count earlier deaths again).
    assert figures(4, *deaths, "best", "low", "high", "claim_figure") == ("",) * 7 + ("about 1200",)
    assert figures(4, "date_start", "date_end", "date_prec") == ("2023-10-07", "2024-02-12", "5")
    # a denial is no estimate.
    assert figures(3, *deaths, "best", "low", "high", "modality") == ("",) * 7 + ("denied",)


def test_ged_deaths_follow_sides_not_party_names() -> None:
    """Symmetry: swapping the parties moves the dead between deaths_a and deaths_b, by the sides of
    the registry's conflict (Russia is its side A, Ukraine its side B), not by who claims."""
    def deaths(**fields: Any) -> dict[str, str]:
        [record] = read_csv(export_bytes([make_row(1, qualifier="exact", value=5, **fields)], "ucdp"))
        assert (record["side_a"], record["side_b"]) == ("Russia", "Ukraine")
        return {k: v for k, v in record.items() if k.startswith("deaths_") and v != "0"}

    assert deaths(claimant_party="Russia", subject_party="Ukraine") == {"deaths_b": "5"}
    assert deaths(claimant_party="Ukraine", subject_party="Russia") == {"deaths_a": "5"}
    for own in ("Russia", "Ukraine"):
        assert deaths(claimant_party=own, subject_party=own, modality="acknowledged") == \
            {"deaths_a" if own == "Russia" else "deaths_b": "5"}
        assert deaths(claimant_party=own, subject_party="civilians") == {"deaths_civilians": "5"}


# -- acled --------------------------------------------------------------------------------

def test_acled_columns_notes_and_fatalities() -> None:
    records = read_csv(export_bytes(sample_rows(), "acled"))
    assert set(ACLED_COLUMNS) <= set(records[0])
    rows = by_id(records, "event_id_cnty")

    def get(n: int, *names: str) -> tuple[str, ...]:
        return tuple(rows[f"{n:016x}"][name] for name in names)

    assert get(0, "notes") == ("Ruritanian Army: at least 24 Bordurian soldiers killed, 2024-02-04..2024-02-11",)
    assert get(0, "event_date", "year", "time_precision", "fatalities", "actor1", "actor2", "source") == (
        "2024-02-11", "2024", "2", "24", "Ruritania", "Borduria", "Example Wire")
    assert get(0, "disorder_type", "event_type", "sub_event_type", "source_scale") == ("",) * 4
    assert get(0, "country", "iso", "admin1") == ("Ukraine", "804", "Kyiv City")
    assert "modality=claimed" in get(0, "tags")[0] and "category=killed" in get(0, "tags")[0]
    assert get(1, "notes", "fatalities", "time_precision") == (
        "Міністерство охорони здоров'я: 20-30 civilians wounded, 2024-03-01", "0", "1")
    assert get(3, "fatalities") == ("0",) and "denies" in get(3, "notes")[0]
    assert get(4, "fatalities", "time_precision") == ("0", "3")  # a running total is no event
    assert get(4, "notes") == ("Health Ministry: about 1200 civilians killed, cumulative 2023-10-07..2024-02-12",)
    assert get(5, "notes") == ("Ruritanian Army: an unstated number of our soldiers captured, 2024-02-04..2024-02-11",)
    assert get(2, "event_date", "time_precision") == ("2024-02-12", "1")
    assert get(6, "event_date", "time_precision", "notes") == (
        "", "", "Ruritanian Army: 57 operations (attacks), date unknown")


# -- hxl ----------------------------------------------------------------------------------

def test_hxl_tags_are_row_two_and_valid() -> None:
    lines = list(csv.reader(io.StringIO(export_bytes(sample_rows(), "hxl").decode("utf-8"), newline="")))
    header, tags, data = lines[0], lines[1], lines[2:]
    assert len(data) == 7 and len(tags) == len(header)
    assert all(HXL_TAG.match(tag) for tag in tags), tags
    assert len(set(tags)) == len(tags)
    tag_of = dict(zip(header, tags))
    assert tag_of["value"] == "#indicator+num" and tag_of["killed"] == "#affected+killed"
    assert (tag_of["period_start"], tag_of["period_end"], tag_of["published"]) == ("#date+start", "#date+end",
                                                                                   "#date+reported")
    assert (tag_of["latitude"], tag_of["longitude"], tag_of["claim_id"]) == ("#geo+lat", "#geo+lon",
                                                                             "#meta+claim+id")
    records = by_id([dict(zip(header, row)) for row in data])

    def get(n: int, *names: str) -> tuple[str, ...]:
        return tuple(records[f"{n:016x}"][name] for name in names)

    people = ("people", "killed", "wounded", "captured")
    assert get(0, "value", *people) == ("24", "24", "24", "", "")
    assert get(1, "value", "low", *people) == ("", "20", "20", "", "20", "")
    assert get(2, "value", *people) == ("7", "", "", "", "")  # tanks are not people
    assert get(3, "value", *people) == ("50", "", "", "", "")  # a denial counts nobody
    assert get(5, "value", *people) == ("", "", "", "", "")  # vague
    assert get(4, "value", *people) == ("1200", "", "", "", "")  # a running total


# -- streaming ----------------------------------------------------------------------------

class CountingSink(io.RawIOBase):
    """A binary stream that only counts what it is given."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def test_csv_export_of_a_large_generator_stays_small_in_memory() -> None:
    # Few columns, long evidence: the output grows while the per-row work stays small.
    sentence = "Its fighters killed at least 24 Bordurian soldiers this week, the army said on Sunday. "
    base = {"claimant": "Ruritanian Army", "category": "killed", "qualifier": "exact",
            "evidence": [{"text": sentence * 4, "start": 0, "end": 4 * len(sentence)}]}
    rows = (dict(base, claim_id=f"{n:016x}", value=n) for n in range(50_000))
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = write_export(rows, "csv", sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert sink.size > 15_000_000
    assert peak < sink.size / 20
