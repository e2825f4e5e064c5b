"""``claimledger review`` and ``claimledger reextract`` from the command line."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from claimledger.cli import cli

TEXT = ("The Strelzov Command said on Monday that its forces had killed 40 enemy fighters near the border "
        "and destroyed 3 tanks.\n\nIt said 12 of its soldiers were wounded in the fighting, according to a "
        "statement.\n")
ALIAS = """parties:
  - name: Ruritania
    kind: belligerent
    names: [Ruritania]
    organs:
      - name: Ruritanian army
        aliases: ["Strelzov Command"]
        role: military
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    report = tmp_path / "report.txt"
    report.write_text(TEXT, encoding="utf-8")
    db = str(tmp_path / "l.db")
    ok("ingest", str(report), "--db", db, "--no-progress", "--date", "2024-03-04")
    return db


def queue(db: str) -> list[dict]:
    return [json.loads(line) for line in ok("review", "--db", db, "--format", "jsonl").splitlines()]


def test_the_queue_lists_unreviewed_claims_least_confident_first(ledger: str) -> None:
    rows = queue(ledger)
    assert len(rows) == 3
    assert [r["confidence"] for r in rows] == sorted(r["confidence"] for r in rows)
    table = ok("review", "--db", ledger)
    assert "3 unreviewed claims" in table and rows[0]["claim_id"] in table      # full ids
    ok("review", "confirm", rows[0]["claim_id"], "--db", ledger, "--reviewer", "ana")
    assert [r["claim_id"] for r in queue(ledger)] == [r["claim_id"] for r in rows[1:]]


def test_review_actions_need_a_reviewer_and_check_their_values(ledger: str) -> None:
    claim = queue(ledger)[0]["claim_id"]
    missing = invoke("review", "confirm", claim, "--db", ledger)
    assert missing.exit_code == 2 and "--reviewer" in missing.output
    typo = invoke("review", "correct", claim, "--db", ledger, "--reviewer", "ana", "--set", "subject_party=Isreal")
    assert typo.exit_code == 1 and "did you mean 'Israel'" in typo.output
    bad = invoke("review", "correct", claim, "--db", ledger, "--reviewer", "ana", "--set", "category=kiled")
    assert bad.exit_code == 1 and "did you mean 'killed'" in bad.output
    out = ok("review", "correct", claim, "--db", ledger, "--reviewer", "ana", "--set", "subject_party=israel",
             "--set", "value=4")
    assert "subject_party unknown → Israel" in out and "now corrected" in out


def test_a_rejected_claim_comes_back_only_by_unreject(ledger: str) -> None:
    claim = queue(ledger)[0]["claim_id"]
    ok("review", "--db", ledger, "reject", claim, "--reviewer", "ana", "--note", "a repeat")   # group's --db
    refused = invoke("review", "correct", claim, "--db", ledger, "--reviewer", "ben", "--set", "value=9")
    assert refused.exit_code == 1 and "is rejected: un-reject it first" in refused.output
    assert "now unreviewed" in ok("review", "unreject", claim, "--db", ledger, "--reviewer", "ben")
    assert "now corrected" in ok("review", "correct", claim, "--db", ledger, "--reviewer", "ben", "--set", "value=9")
    not_rejected = invoke("review", "unreject", claim, "--db", ledger, "--reviewer", "ben")
    assert not_rejected.exit_code == 1 and "is not rejected" in not_rejected.output


def test_the_review_log_exports_as_csv_and_jsonl(ledger: str, tmp_path: Path) -> None:
    first, second = (r["claim_id"] for r in queue(ledger)[:2])
    ok("review", "reject", first, "--db", ledger, "--reviewer", "ana", "--note", "=HYPERLINK(\"x\")")
    ok("review", "correct", second, "--db", ledger, "--reviewer", "ben", "--set", "value=7")
    rows = list(csv.DictReader(io.StringIO(ok("review", "log", "--db", ledger))))
    assert [(r["claim_id"], r["action"], r["reviewer"]) for r in rows] == [(first, "reject", "ana"),
                                                                           (second, "correct", "ben")]
    assert rows[0]["note"].startswith("'=")                   # a spreadsheet does not run it
    assert json.loads(rows[1]["changes"])["value"][1] == 7
    out = tmp_path / "log.jsonl"
    result = invoke("review", "log", "--db", ledger, "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0 and "wrote 2 reviews" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["claim_status"]) for e in lines] == [("reject", "rejected"), ("correct", "corrected")]


def test_read_commands_refuse_a_missing_ledger(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.db")
    for args in (["review"], ["review", "log"], ["reextract"]):
        result = invoke(*args, "--db", missing)
        assert result.exit_code == 2 and "no ledger at" in result.output
    assert not Path(missing).exists()


def test_reextract_after_a_registry_change_keeps_reviews_and_reports(ledger: str, tmp_path: Path) -> None:
    registry = tmp_path / "ruritania.yaml"
    registry.write_text(ALIAS, encoding="utf-8")
    claims = {r["category"]: r["claim_id"] for r in queue(ledger)}
    ok("review", "correct", claims["killed"], "--db", ledger, "--reviewer", "ana", "--set", "value=41")
    ok("review", "confirm", claims["wounded"], "--db", ledger, "--reviewer", "ana")
    again = ok("ingest", str(tmp_path / "report.txt"), "--db", ledger, "--no-progress", "--registry", str(registry))
    assert "--registry was not applied" in again and "claimledger reextract" in again
    out = ok("reextract", "--db", ledger, "--registry", str(registry))
    assert "re-extracted 1 document" in out and "2 reviewed claims kept their review" in out
    assert claims["wounded"] in out                       # confirmed, and now read with another claimant
    rows = {r["category"]: r for r in json.loads(ok("claims", "--db", ledger, "--format", "json"))}
    assert rows["killed"]["claim_id"] == claims["killed"] and rows["killed"]["value"] == 41
    assert {r["claimant_party"] for r in rows.values()} == {"Ruritania"}
    assert "nothing re-extracted" in ok("reextract", "--db", ledger, "--since", "2030-01-01")
    bad = invoke("reextract", "--db", ledger, "--since", "2024-13-01")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
