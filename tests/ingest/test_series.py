"""Reference series as claims: ``read_series`` on files written here and on the shared data."""
from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.errors import ConfigError, IngestError
from claimledger.ingest import SERIES_FORMATS, read_series
from claimledger.ingest.series import detect_format, parse_count
from claimledger.models import ExtractionResult

Write = Callable[[str, "bytes | str"], Path]
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

EQUIPMENT = [
    {"date": "2024-02-29", "day": 736, "tank": 6600, "APC": 12500, "drone": 7700, "cruise missiles": 1900,
     "naval ship": 0},
    {"date": "2024-03-01", "day": 737, "tank": 6610, "APC": 12582, "drone": 7794, "cruise missiles": 1912,
     "naval ship": 0, "greatest losses direction": "Avdiivka", "robot dogs": 3},
]
PERSONNEL = [
    {"date": "2022-03-07", "day": 12, "personnel": 11000, "personnel*": "more", "POW": 259},
    {"date": "2024-03-01", "day": 737, "personnel": 414680, "personnel*": "about"},
]
GAZA = [
    {"report_date": "2023-10-11", "report_source": "gmotel", "killed_cum": 1100, "injured_cum": 5184,
     "ext_killed_cum": 1100},
    {"report_date": "2023-10-12", "report_source": "missing", "ext_killed_cum": 1300, "killed_cum": 1300},
    {"report_date": "2023-10-13", "report_source": "mohtel", "ext_killed_cum": 1500, "ext_injured_cum": 6000},
    {"report_date": "2023-10-14", "report_source": "mohtel", "killed_cum": 1700, "ext_killed_cum": 1700,
     "injured_cum": 6100},
]
LEBANON = [
    {"report_date": "2023-11-14", "report_source": "ocha", "report_period": 888, "phase": 1,
     "killed_cum": 70, "killed_cum_reported": 70, "injured_cum_reported": 250},
    {"report_date": "2024-12-04", "report_source": "moph_lb", "report_period": 144, "phase": 1,
     "killed_cum": 4000, "killed_cum_reported": 4000},
    {"report_date": "2026-03-05", "report_source": "moph_lb", "report_period": 96, "phase": 2,
     "killed_cum": 4120, "killed_cum_reported": 120},
]
ORYX = """country,equipment_type,destroyed,abandoned,captured,damaged,type_total,date_recorded
Russia,Tanks,0,0,0,0,0,2022-02-23
Russia,Tanks,1800,270,540,150,2760,2024-03-01
Russia,Helicopters,100,2,1,10,113,2024-03-01
Ukraine,"Losses excluding Recon Drones and Trucks - 7014, of which: destroyed: 5107",5107,472,906,529,7014,2024-03-01
Ukraine,Tanks,800,90,140,80,1110,2024-03-02
"""
SOLDIERS = "date,killed_soldiers_gaza\n2023-10-10,0\n2024-01-04,170\n2024-01-04,171\n2024-09-27,340\n"


def results(path: Path, fmt: str | None = None, **kw: object) -> list[ExtractionResult]:
    return list(read_series(path, fmt, **kw))


def claims_of(res: list[ExtractionResult]) -> list:
    return [c for r in res for c in r.claims]


def by_subject(res: list[ExtractionResult], date: str) -> dict:
    return {c.subject: c for r in res for c in r.claims if c.period_end == date}


def assert_auditable(res: list[ExtractionResult]) -> None:
    for r in res:
        assert r.claims
        for c in r.claims:
            assert c.doc_id == r.document.doc_id and c.period_kind == "cumulative" and c.confidence == 1.0
            (ev,) = c.evidence
            assert r.document.text[ev.start:ev.end] == ev.text
            assert f"{c.value:,}" in ev.text and c.period_end == r.document.published


# -- General Staff -------------------------------------------------------------------------------

def test_general_staff_equipment(write: Write) -> None:
    path = write("equipment.json", json.dumps(EQUIPMENT))
    res = results(path)
    assert detect_format(path) == "general-staff"
    assert [r.document.published for r in res] == ["2024-02-29", "2024-03-01"]
    doc = res[1].document
    assert doc.source == f"{path}#2024-03-01" and doc.title == "General Staff daily losses, 2024-03-01"
    assert doc.outlet == "General Staff of the Armed Forces of Ukraine"
    day = by_subject(res, "2024-03-01")
    tanks = day["tanks"]
    assert (tanks.value, tanks.category, tanks.subject_party, tanks.claimant_party, tanks.modality,
            tanks.qualifier, tanks.period_start) == (6610, "equipment_destroyed", "Russia", "Ukraine",
                                                    "claimed", "exact", "2022-02-24")
    assert tanks.evidence[0].text == ("2024-03-01 — General Staff of the Armed Forces of Ukraine: tanks (Russia) "
                                      "6,610 (cumulative since 2022-02-24; row 2 of equipment.json)")
    assert day["armoured personnel carriers"].value == 12582
    assert day["drones"].category == day["cruise missiles"].category == "aircraft_downed"
    assert day["robot dogs"].category == "equipment_destroyed"  # a column new to the mapping
    assert "warships and boats" not in day  # zero: no claim
    assert len(day) == 5
    assert_auditable(res)


def test_general_staff_personnel_qualifiers(write: Write) -> None:
    res = results(write("personnel.json", json.dumps(PERSONNEL)))
    early, late = by_subject(res, "2022-03-07"), by_subject(res, "2024-03-01")
    assert (early["personnel"].qualifier, early["personnel"].category, early["personnel"].value) == (
        "more_than", "casualties", 11000)
    assert (early["prisoners of war"].category, early["prisoners of war"].qualifier) == ("captured", "exact")
    assert (late["personnel"].qualifier, late["personnel"].value) == ("about", 414680)
    assert "about 414,680" in late["personnel"].evidence[0].text
    assert_auditable(res)


@pytest.mark.parametrize("name, rows", [
    ("losses_correction.json", EQUIPMENT),
    ("deltas.json", [{"date": "2023-10-03", "tank": 5, "aircraft": -1, "personnel": 0}]),
])
def test_corrections_file_is_refused_with_the_reason(write: Write, name: str, rows: list) -> None:
    path = write(name, json.dumps(rows))
    with pytest.raises(IngestError, match="deltas") as err:
        read_series(path)
    assert err.value.source == str(path)


# -- health ministries ---------------------------------------------------------------------------

def test_gaza_two_claimants_reported_values_only(write: Write) -> None:
    res = results(write("casualties.json", json.dumps(GAZA)))
    assert [r.document.published for r in res] == ["2023-10-11", "2023-10-14"]  # missing / ext-only: none
    first, last = by_subject(res, "2023-10-11"), by_subject(res, "2023-10-14")
    assert first["Palestinians killed"].claimant == "Government Media Office"
    assert res[0].document.outlet == "Government Media Office"
    killed = last["Palestinians killed"]
    assert (killed.claimant, killed.claimant_party, killed.modality, killed.category, killed.value,
            killed.subject_party, killed.period_start) == ("Gaza Ministry of Health", "Palestinians", "reported",
                                                          "killed", 1700, "Palestinians", "2023-10-07")
    assert (last["Palestinians injured"].category, last["Palestinians injured"].value) == ("wounded", 6100)
    assert_auditable(res)


def test_lebanon_phases_restart_the_count(write: Write) -> None:
    res = results(write("lebanon.json", json.dumps(LEBANON)))
    ocha = by_subject(res, "2023-11-14")
    assert (ocha["people killed in Lebanon"].claimant_party, ocha["people injured in Lebanon"].value) == ("UN", 250)
    first = by_subject(res, "2024-12-04")["people killed in Lebanon"]
    second = by_subject(res, "2026-03-05")["people killed in Lebanon"]
    assert (first.claimant_party, first.value, first.period_start, first.notes) == ("Lebanon", 4000, "2023-10-08", None)
    assert (second.value, second.period_start) == (120, "2026-03-01")  # 96 hours before its first report
    assert "phase 2" in second.notes


# -- Oryx and tables -----------------------------------------------------------------------------

def test_oryx_type_totals_with_statuses(write: Write) -> None:
    path = write("daily_count.csv", ORYX)
    res = results(path)
    assert detect_format(path) == "oryx"
    assert [r.document.published for r in res] == ["2024-03-01", "2024-03-02"]  # the zero baseline: none
    day = {(c.subject_party, c.subject): c for c in res[0].claims}
    tanks = day["Russia", "tanks"]
    assert (tanks.value, tanks.category, tanks.claimant, tanks.claimant_party, tanks.modality) == (
        2760, "equipment_destroyed", "Oryx", "media", "reported")
    assert tanks.notes == "destroyed 1,800, damaged 150, abandoned 270, captured 540"
    assert day["Russia", "helicopters"].category == "aircraft_downed"
    assert day["Ukraine", "losses excluding recon drones and trucks"].value == 7014
    assert res[1].claims[0].subject_party == "Ukraine"
    assert_auditable(res)


def test_ocha_soldiers(write: Write) -> None:
    res = results(write("soldiers.csv", SOLDIERS))
    assert [len(r.claims) for r in res] == [2, 1]  # a date given twice keeps both rows
    c = res[1].claims[0]
    assert (c.claimant, c.claimant_party, c.modality, c.category, c.subject_party, c.value, c.location) == (
        "Israeli military (via UN OCHA)", "Israel", "acknowledged", "killed", "Israel", 340, "Gaza Strip")
    assert_auditable(res)


def test_generic_csv_from_options_and_row_columns(write: Write) -> None:
    path = write("tolls.csv", "day,total,category,subject_party\n"
                              "2024-01-05,\"1,250\",killed,Lebanon\n"
                              "2024-01-06,400,wounded,\n")
    with pytest.raises(IngestError, match="claimant"):
        read_series(path, "csv", columns={"date": "day", "value": "total"})
    res = results(path, "csv", columns={"date": "day", "value": "total"}, claimant="Health Ministry",
                  claimant_party="Lebanon", subject_party="civilians", subject="people", start="2024-01-01")
    first, second = res[0].claims[0], res[1].claims[0]
    assert (first.value, first.category, first.subject_party, first.subject, first.modality) == (
        1250, "killed", "civilians", "people", "reported")  # an option wins over a row's cell
    assert (second.category, second.period_start) == ("wounded", "2024-01-01")
    assert res[1].document.title == "tolls, 2024-01-06"
    assert_auditable(res)


def test_generic_csv_row_values_fill_in(write: Write) -> None:
    path = write("rows.csv", "date,value,category,subject,subject_party\n2024-02-01,7,captured,fishermen,civilians\n")
    (c,) = claims_of(results(path, claimant="Coast Guard", claimant_party="other"))
    assert (c.category, c.subject, c.subject_party, c.period_start) == ("captured", "fishermen", "civilians", None)
    assert "(cumulative; row 1 of rows.csv)" in c.evidence[0].text


def test_options_override_the_mapping(write: Write) -> None:
    path = write("equipment.json", json.dumps(EQUIPMENT))
    problems: list[IngestError] = []
    res = list(read_series(path, claimant="Someone Else", claimant_party="other", modality="reported",
                           start="2024-03-01", on_error=problems.append))
    assert {(c.claimant, c.claimant_party, c.modality, c.period_start) for c in claims_of(res)} == {
        ("Someone Else", "other", "reported", "2024-03-01")}
    assert [r.document.published for r in res] == ["2024-03-01"]
    assert problems and all("before the series' start" in p.reason for p in problems)


# -- bad input -----------------------------------------------------------------------------------

def test_unknown_layout_is_a_clear_error(write: Write) -> None:
    path = write("totals.csv", "country,equipment_type,type_total\nRussia,Tanks,10\n")
    with pytest.raises(IngestError, match="not a known series format; use --format") as err:
        read_series(path)
    assert err.value.source == str(path)


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ('{"date": "2024-01-01"}', "not a JSON array of objects"),
    (b"\xff\xfe\x00bad", "UTF-8"),
])
def test_unreadable_files(write: Write, content: str | bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        read_series(write("broken.json", content))


def test_missing_file_and_bad_options(tmp_path: Path, write: Write) -> None:
    with pytest.raises(IngestError, match=str(tmp_path / "nope.csv")):
        read_series(tmp_path / "nope.csv")
    path = write("soldiers.csv", SOLDIERS)
    with pytest.raises(ConfigError, match="unknown series format"):
        read_series(path, "acled")
    with pytest.raises(ConfigError, match="not an ISO date"):
        read_series(path, start="March 2024")
    with pytest.raises(ConfigError, match="category"):
        read_series(path, category="deaths")
    with pytest.raises(IngestError, match="--value-column"):
        read_series(path, "csv", claimant="x", claimant_party="x", category="killed", subject_party="x")


def test_bad_rows_are_skipped_and_reported(write: Write) -> None:
    rows = EQUIPMENT + [{"date": "2024-03-02", "tank": "n/a", "APC": 12600}, {"date": "soon", "tank": 1}]
    path = write("equipment.json", json.dumps(rows))
    problems: list[IngestError] = []
    res = list(read_series(path, on_error=problems.append))
    assert [(p.source, p.reason) for p in problems] == [
        (f"{path} row 3", "column 'tank': 'n/a' is not a count"),
        (f"{path} row 4", "no date in column 'date' ('soon')")]
    assert [c.subject for c in res[-1].claims] == ["armoured personnel carriers"]
    assert res[-1].document.warnings == ("row 3: column 'tank': 'n/a' is not a count; skipped",)
    with pytest.raises(IngestError, match="not a count"):  # no handler: the error is raised
        list(read_series(path))


# -- idempotence and parsing ---------------------------------------------------------------------

def test_same_file_same_documents_wherever_it_lies(tmp_path: Path) -> None:
    ids = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "soldiers.csv"
        path.write_text(SOLDIERS, encoding="utf-8")
        first, again = results(path), results(path)
        assert [r.document for r in first] == [r.document for r in again]
        ids.append([r.document.doc_id for r in first])
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0])


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["{:d}", "{:,}", "{:_}", "{:d}.0", " {:,} "]))
def test_parse_count_reads_written_counts(n: int, shape: str) -> None:
    assert parse_count(shape.format(n)) == n


@given(st.text(max_size=12))
def test_parse_count_never_guesses(text: str) -> None:
    value = parse_count(text)
    assert value is None or (value >= 0 and any(ch.isdigit() for ch in text))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6))
def test_generic_csv_round_trip(values: list[int]) -> None:
    lines = ["date,value"] + [f'2024-01-{i + 1:02d},"{v:,}"' for i, v in enumerate(values)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        res = results(path, claimant="A", claimant_party="other", category="killed", subject_party="unknown")
    assert [c.value for c in claims_of(res)] == values
    assert_auditable(res)


def test_every_format_is_described() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "series.md").read_text(encoding="utf-8")
    for name, fmt in SERIES_FORMATS.items():
        assert fmt.summary and f"`{name}`" in docs, name


# -- the shared data -----------------------------------------------------------------------------

REAL = {  # file -> (format, documents, claims)
    "ua_general_staff/russia_losses_equipment.json": ("general-staff", 1626, 20683),
    "ua_general_staff/russia_losses_personnel.json": ("general-staff", 1626, 1684),
    "gaza_moh/casualties_daily.json": ("gaza-moh", 1021, 2041),
    "gaza_moh/lebanon_casualties_daily.json": ("lebanon-moh", 187, 374),
    "gaza_moh/israel_soldiers_killed_ocha.csv": ("ocha-soldiers", 169, 172),
    "oryx/daily_count.csv": ("oryx", 208, 1363),
    "oryx/derived_oryx_alltypes_tanks_from_git_history.csv": ("oryx", 603, 1976),
}


@pytest.fixture(scope="module")
def real() -> Callable[[str], list[ExtractionResult]]:
    cache: dict[str, list[ExtractionResult]] = {}

    def read(name: str) -> list[ExtractionResult]:
        if not (DATA / name).is_file():
            pytest.skip(f"{name} is not under {DATA}")
        if name not in cache:
            cache[name] = results(DATA / name)
        return cache[name]

    return read


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_counts_and_evidence(real: Callable[[str], list[ExtractionResult]], name: str) -> None:
    fmt, n_docs, n_claims = REAL[name]
    res = real(name)
    assert detect_format(DATA / name) == fmt
    assert (len(res), len(claims_of(res))) == (n_docs, n_claims)
    assert_auditable(res)


def test_real_spot_values(real: Callable[[str], list[ExtractionResult]]) -> None:
    assert by_subject(real("ua_general_staff/russia_losses_equipment.json"), "2024-03-01")["tanks"].value == 6610
    personnel = by_subject(real("ua_general_staff/russia_losses_personnel.json"), "2024-03-01")["personnel"]
    assert (personnel.value, personnel.qualifier) == (414680, "about")
    gaza = by_subject(real("gaza_moh/casualties_daily.json"), "2024-03-01")
    assert (gaza["Palestinians killed"].value, gaza["Palestinians injured"].value) == (30228, 71377)
    oryx = [c for r in real("oryx/derived_oryx_alltypes_tanks_from_git_history.csv") for c in r.claims
            if c.period_end == "2024-03-02" and c.subject_party == "Russia" and c.subject == "tanks"]
    assert [c.value for c in oryx] == [2777]
    soldiers = by_subject(real("gaza_moh/israel_soldiers_killed_ocha.csv"), "2024-09-27")
    assert soldiers["Israeli soldiers killed in Gaza"].value == 346


def test_real_reimport_is_identical(real: Callable[[str], list[ExtractionResult]]) -> None:
    name = "gaza_moh/casualties_daily.json"
    first = real(name)
    assert [r.document.doc_id for r in first] == [r.document.doc_id for r in results(DATA / name)]


def test_real_corrections_file_is_refused() -> None:
    path = DATA / "ua_general_staff" / "russia_losses_equipment_correction.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with pytest.raises(IngestError, match="already include them"):
        read_series(path)
