"""``claimledger compare | timeline | flags | ratio`` on a small ledger, as a user runs them."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.models import Claim, Document, Evidence, ExtractionResult

store = pytest.importorskip("claimledger.store")


def report(text: str, published: str, outlet: str, *claims: dict[str, Any]) -> ExtractionResult:
    """A report whose every claim is evidenced by its whole text."""
    doc = Document(text=text, source=f"{outlet}-{published}.txt", outlet=outlet, published=published)
    evidence = (Evidence(text=text, start=0, end=len(text)),)
    base = dict(claimant="Northland army", claimant_party="Northland", modality="claimed", category="killed",
                qualifier="exact", subject="soldiers", subject_party="Southland", period_kind="period")
    return ExtractionResult(document=doc, claims=tuple(Claim(**{**base, **c}, evidence=evidence) for c in claims))


def ministry(value: int, day: str) -> ExtractionResult:
    return report(f"The Southland ministry said {value} of its soldiers have been killed in total.", day,
                  "Southland Radio", dict(claimant="Southland ministry", claimant_party="Southland",
                                          modality="acknowledged", value=value, period_kind="cumulative",
                                          period_end=day))


def tanks(who: str, party: str, modality: str, value: int, day: str) -> ExtractionResult:
    return report(f"{who}: {value} Southland tanks lost so far.", day, "Tank Tracker",
                  dict(claimant=who, claimant_party=party, modality=modality, category="equipment_destroyed",
                       subject="tanks", value=value, period_kind="cumulative", period_start="2024-01-01",
                       period_end=day))


WEEK_ONE = dict(value=70, period_start="2024-03-01", period_end="2024-03-07")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("ledger") / "ledger.db")
    results = [
        report("The Northland army said it killed 70 Southland soldiers last week.", "2024-03-08", "Wire A",
               WEEK_ONE),
        report("Northland's army claims 70 Southland soldiers were killed in the past week.", "2024-03-09",
               "Wire B", WEEK_ONE),
        report("The Northland army said it killed 35 Southland soldiers this week.", "2024-03-15", "Wire A",
               dict(value=35, period_start="2024-03-08", period_end="2024-03-14")),
        ministry(100, "2024-02-29"), ministry(130, "2024-03-07"), ministry(144, "2024-03-14"),
        ministry(140, "2024-03-20"),
        tanks("Northland General Staff", "Northland", "claimed", 300, "2024-03-01"),
        tanks("Northland General Staff", "Northland", "claimed", 330, "2024-03-05"),
        tanks("Open-source counters", "media", "reported", 100, "2024-03-01"),
        tanks("Open-source counters", "media", "reported", 120, "2024-03-04"),
    ]
    with store.open_ledger(path) as ledger:
        ledger.add_results(results)
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def claim_ids(db: str, **filters: Any) -> set[str]:
    with store.open_ledger(db) as ledger:
        return {r["claim_id"] for r in ledger.claims(**filters)}


def test_compare_json_gives_each_figure_with_its_claims(db: str) -> None:
    res = run("compare", "--db", db, "--subject-party", "Southland", "--category", "killed", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["since"], out["until"], out["window_days"]) == ("2024-03-01", "2024-03-14", 14)
    rows = {r["claimant"]: r for r in out["rows"]}
    army, acked = rows["Northland army"], rows["Southland ministry"]
    assert army["value"] == 105 and army["claims"] == 2 and len(army["document_ids"]) == 3  # one relayed twice
    assert set(army["claim_ids"]) == claim_ids(db, claimant="Northland army")
    assert acked["value"] == 44 and acked["reference"] and out["references"] == [
        "Southland ministry (Southland), acknowledged, cumulative"]
    assert army["ratio"] == pytest.approx(105 / 44) and army["gap"] == 61


def test_compare_table_and_csv(db: str) -> None:
    table = run("compare", "--db", db, "--subject-party", "Southland", "--category", "killed",
                "--since", "2024-03-04", "--until", "2024-03-10")
    assert table.exit_code == 0
    assert "Northland army" in table.stdout and "Southland ministry (Southland) *" in table.stdout
    assert "2024-03-04 .. 2024-03-10" in table.stdout and "yes" in table.stdout  # partial
    res = run("compare", "--db", db, "--subject-party", "Southland", "--category", "killed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["claimant"]: float(r["value"]) for r in rows} == {"Northland army": 105, "Southland ministry": 44}


def test_timeline_lists_each_claimants_points(db: str) -> None:
    res = run("timeline", "--db", db, "--subject-party", "Southland", "--category", "killed", "--format", "json")
    series = {s["claimant"]: s for s in json.loads(res.stdout)}
    assert [p["value"] for p in series["Southland ministry"]["points"]] == [100, 130, 144, 140]
    assert [p["daily_rate"] for p in series["Northland army"]["points"]] == [10, 5]
    res = run("timeline", "--db", db, "--claimant", "army", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [(r["date"], r["value"]) for r in rows] == [("2024-03-07", "70.0"), ("2024-03-14", "35.0")]
    assert "per day" in run("timeline", "--db", db).stdout


def test_flags_names_the_fall_of_a_running_total(db: str) -> None:
    res = run("flags", "--db", db, "--format", "json")
    (flag,) = json.loads(res.stdout)
    assert flag["kind"] == "revision_down" and "fell from 144 on 2024-03-14 to 140 on 2024-03-20" in flag["message"]
    assert json.loads(run("flags", "--db", db, "--kind", "revised_claim", "--format", "json").stdout) == []
    assert "revision_down" in run("flags", "--db", db).stdout


def test_ratio_of_claimed_to_verified(db: str) -> None:
    res = run("ratio", "--db", db, "--numerator", "General Staff", "--denominator", "counters", "--category",
              "equipment_destroyed", "--subject-party", "Southland", "--subject", "tanks", "--format", "json")
    points = json.loads(res.stdout)
    assert [(p["date"], p["ratio"], p["lag_days"]) for p in points] == [("2024-03-01", 3.0, 0),
                                                                         ("2024-03-05", 2.75, 1)]
    assert points[0]["numerator_claim_ids"] and points[0]["denominator_claim_ids"]
    table = run("ratio", "--db", db, "--numerator", "General Staff", "--denominator", "counters", "--category",
                "equipment_destroyed", "--subject-party", "Southland")
    assert table.exit_code == 0 and "2.75" in table.stdout


@pytest.mark.parametrize(("args", "message", "status"), [
    (("compare", "--subject-party", "Southland", "--category", "killed", "--since", "2024-02-30"),
     "'2024-02-30' is not an ISO date", 2),                   # a bad option value: a usage error
    (("timeline", "--since", "March"), "YYYY-MM-DD", 2),
    (("compare", "--subject-party", "Southland", "--category", "killed", "--reference", "nobody"),
     "names no claimant", 1),
])
def test_bad_options_end_with_the_reason(db: str, args: tuple[str, ...], message: str, status: int) -> None:
    res = run(*args, "--db", db)
    assert res.exit_code == status and message in res.stderr


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"these are not the tables you are looking for" * 20)
    res = run("flags", "--db", str(junk))
    assert res.exit_code == 1 and str(junk) in res.stderr
