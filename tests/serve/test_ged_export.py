"""The GED export as a researcher uses it: ingest reports, export, read the file with pandas.

It must have GED 24.1's 49 columns in GED's order, ids that do not change between exports or
ledgers, and a ``best`` column whose sum is deaths only, each assertion once.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from claimledger.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "tests" / "data" / "articles"
#: Reports from several conflicts, with deaths, other categories, a running total and relays.
REPORTS = [ROOT / "examples" / "reports", *(ARTICLES / name for name in (
    "a01_idf_rafah_weekly.txt", "a03_gaza_health_toll_wire.txt", "a11_jabalia_capture_claim_wire.txt",
    "b01_general_staff_daily_losses.txt", "b04_zelensky_military_death_toll.txt", "c05_drc_goma_death_toll.txt",
    "c08_mali_jnim_dioura_attack.txt", "d01_idf_khan_younis.txt"))]

#: UCDP GED 24.1's columns, in its order (the codebook's and the API's list).
GED_24_1 = (
    "id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
    "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id "
    "side_b number_of_sources source_article source_office source_date source_headline source_original "
    "where_prec where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid "
    "country country_id region event_clarity date_prec date_start date_end deaths_a deaths_b "
    "deaths_civilians deaths_unknown best high low gwnoa gwnob"
).split()
DEATHS = ["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def ingest(db: Path) -> Path:
    run("ingest", "--db", str(db), *map(str, REPORTS))
    return db


def export(db: Path, fmt: str) -> str:
    return run("export", "--db", str(db), "--format", fmt)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest(tmp_path_factory.mktemp("ged") / "ledger.db")


@pytest.fixture(scope="module")
def frame(ledger: Path) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(export(ledger, "ucdp")))


def test_the_first_49_columns_are_ged_24_1_in_order(frame: pd.DataFrame) -> None:
    assert len(GED_24_1) == 49
    assert list(frame.columns[:49]) == GED_24_1
    assert len(frame) > 0


def test_ids_are_integers_stable_across_exports_and_ledgers(ledger: Path, frame: pd.DataFrame,
                                                            tmp_path: Path) -> None:
    assert frame["id"].dtype == "int64" and frame["id"].is_unique
    again = pd.read_csv(io.StringIO(export(ledger, "ucdp")))
    assert list(again["id"]) == list(frame["id"])
    fresh = pd.read_csv(io.StringIO(export(ingest(tmp_path / "fresh.db"), "ucdp")))
    assert sorted(fresh["id"]) == sorted(frame["id"])
    assert dict(zip(fresh["id"], fresh["best"].fillna(-1))) == dict(zip(frame["id"], frame["best"].fillna(-1)))


def test_best_sums_deaths_only_each_assertion_once(ledger: Path, frame: pd.DataFrame) -> None:
    rows = [json.loads(line) for line in export(ledger, "jsonl").splitlines()]
    assert {r["category"] for r in rows} - {"killed"}, "the reports should hold other categories too"
    expected: dict[str, int] = {}
    for r in rows:
        if r["category"] == "killed" and r["modality"] != "denied" and r["period_kind"] != "cumulative":
            floor = r["low"] if r["qualifier"] == "range" else r["value"] if r["qualifier"] in (
                "exact", "about", "at_least", "more_than") else None
            if floor is not None:
                expected[r["assertion_id"]] = floor
    assert set(frame["category"]) == {"killed"}
    assert frame["assertion_id"].is_unique
    assert frame["best"].sum() == sum(expected.values()) > 0
    with_best = frame[frame["best"].notna()]
    assert (with_best[DEATHS].sum(axis=1) == with_best["best"]).all()


def test_places_and_sides_are_filled_where_known(frame: pd.DataFrame) -> None:
    gaza = frame[frame["country"] == "Palestine"]
    assert len(gaza) > 0 and set(gaza["adm_1"].dropna()) <= {"Gaza Strip", "West Bank"}
    placed = frame[frame["latitude"].notna()]
    assert placed["geom_wkt"].str.startswith("POINT (").all() and placed["priogrid_gid"].notna().all()
    ukraine = frame[frame["conflict_name"] == "russia-ukraine"]
    assert set(ukraine["side_a"]) == {"Russia"} and set(ukraine["gwnoa"]) == {365}
    assert set(ukraine["type_of_violence"]) == {1}
