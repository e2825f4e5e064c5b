"""``claimledger import-series`` as a user runs it (CliRunner), into a SQLite ledger."""
from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from claimledger.cli import cli

EQUIPMENT = [
    {"date": "2024-02-29", "tank": 6600, "APC": 12500},
    {"date": "2024-03-01", "tank": 6610, "APC": "twelve thousand"},
]
GAZA = [{"report_date": "2023-10-14", "report_source": "mohtel", "killed_cum": 1700, "injured_cum": 6100}]


@pytest.fixture
def store() -> ModuleType:
    store = pytest.importorskip("claimledger.store")
    if not hasattr(store, "open_ledger"):
        pytest.skip("claimledger.store has no open_ledger yet")
    return store


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"equipment": tmp_path / "equipment.json", "gaza": tmp_path / "casualties.json",
           "tolls": tmp_path / "tolls.csv", "unknown": tmp_path / "notes.csv"}
    out["equipment"].write_text(json.dumps(EQUIPMENT), encoding="utf-8")
    out["gaza"].write_text(json.dumps(GAZA), encoding="utf-8")
    out["tolls"].write_text("day,killed\n2024-01-05,\"1,250\"\n2024-01-06,1300\n", encoding="utf-8")
    out["unknown"].write_text("name,remark\nx,y\n", encoding="utf-8")
    return out


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["import-series", *map(str, args)], catch_exceptions=False)


def test_import_and_reimport(store: ModuleType, files: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    first = run(files["equipment"], files["gaza"], "--db", db)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == ("imported 2 of 2 files: 3 new documents, 0 already in the ledger, "
                                    "5 claims added, 1 row skipped")
    assert f"{files['equipment']} row 2: column 'APC': 'twelve thousand' is not a count" in first.stderr
    again = run(files["equipment"], files["gaza"], "--db", db)
    assert "0 new documents, 3 already in the ledger, 0 claims added" in again.stdout
    with store.open_ledger(db) as ledger:
        rows = ledger.claims()
    assert len(rows) == 5
    killed = next(r for r in rows if r["category"] == "killed")
    assert (killed["claimant"], killed["value"], killed["period_start"], killed["period_end"]) == (
        "Gaza Ministry of Health", 1700, "2023-10-07", "2023-10-14")


def test_generic_csv_with_options(store: ModuleType, files: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    res = run(files["tolls"], "--format", "csv", "--date-column", "day", "--value-column", "killed",
              "--claimant", "Health Ministry", "--party", "Lebanon", "--subject-party", "Lebanon",
              "--category", "killed", "--subject", "people killed", "--start", "2023-10-08", "--db", db)
    assert res.exit_code == 0, res.output
    with store.open_ledger(db) as ledger:
        rows = ledger.claims()
    assert [(r["claimant"], r["claimant_party"], r["modality"], r["value"], r["period_start"]) for r in rows] == [
        ("Health Ministry", "Lebanon", "reported", 1250, "2023-10-08"),
        ("Health Ministry", "Lebanon", "reported", 1300, "2023-10-08")]


def test_bad_files_are_named_and_the_rest_imported(store: ModuleType, files: dict[str, Path],
                                                   tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    res = run(files["unknown"], files["gaza"], files["tolls"], "--db", db)
    assert res.exit_code == 1
    assert f"skipped {files['unknown']}: not a known series format; use --format" in res.stderr
    assert f"skipped {files['tolls']}: not a known series format" in res.stderr  # its columns are not date/value
    assert res.stdout.startswith("imported 1 of 3 files: 1 new document,")
    none = run(files["unknown"], tmp_path / "absent.json", "--db", db)
    assert none.exit_code == 2 and "absent.json" in none.stderr


def test_bad_option_stops_before_anything_is_written(store: ModuleType, files: dict[str, Path],
                                                    tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    res = CliRunner().invoke(cli, ["import-series", str(files["gaza"]), "--start", "last week", "--db", str(db)])
    assert res.exit_code == 2 and "not an ISO date" in res.output
    with store.open_ledger(db) as ledger:
        assert ledger.counts()["claims"] == 0


def test_help_lists_the_formats() -> None:
    res = CliRunner().invoke(cli, ["import-series", "--help"])
    assert res.exit_code == 0
    for name in ("general-staff", "gaza-moh", "oryx", "ocha-soldiers", "csv"):
        assert name in res.output
