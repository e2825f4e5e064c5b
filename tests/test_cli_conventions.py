"""Conventions every command keeps (issue 9, item 8): a missing ledger is refused, fixed-value
options suggest the value meant, dates are checked, -q/-v, a closed pipe ends quietly, ids are
whole in machine formats, counts agree with their nouns, and export --format sqlite copies."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from claimledger.cli import cli
from claimledger.models import Claim, Document, Evidence, ExtractionResult
from claimledger.store import open_ledger

HEX16 = re.compile(r"^[0-9a-f]{16}$")


def run(*args: object, ok: bool = True) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _report(i: int) -> ExtractionResult:
    """One dated report whose sentence states one figure, written without the extractor."""
    sentence = (f"The Health Ministry said {i + 3} people were killed in strike number {i} on the town, "
                "and rescuers were still searching the rubble of the buildings for survivors late into the night")
    text = f"Report {i}. {sentence}."
    start = text.index(sentence)
    claim = Claim(claimant="Health Ministry", claimant_party="Lebanon", modality="reported", category="killed",
                  value=i + 3, qualifier="exact", subject="people", subject_party="Lebanon",
                  evidence=(Evidence(text=sentence, start=start, end=start + len(sentence)),))
    doc = Document(text=text, source=f"report-{i}.txt", outlet="Wire", published=f"2024-10-{1 + i % 28:02d}",
                   url=f"https://example.org/{i}")
    return ExtractionResult(document=doc, claims=(claim,))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of 600 one-claim reports: enough output to overflow a pipe's buffer."""
    path = tmp_path_factory.mktemp("conventions") / "ledger.db"
    with open_ledger(path) as db:
        db.add_results(_report(i) for i in range(600))
    return path


def _ledger_ids(path: Path) -> dict[str, set[str]]:
    con = sqlite3.connect(path)
    try:
        return {"claim_id": {r[0] for r in con.execute("SELECT id FROM claims")},
                "document_id": {r[0] for r in con.execute("SELECT id FROM documents")},
                "assertion_id": {r[0] for r in con.execute("SELECT id FROM assertions")}}
    finally:
        con.close()


# -- a missing ledger ----------------------------------------------------------------------------
READ_COMMANDS = [
    ("claims",), ("export",), ("errors",), ("status",), ("timeline",), ("flags",), ("report",), ("serve",),
    ("compare", "--subject-party", "Lebanon", "--category", "killed"),
    ("ratio", "--numerator", "a", "--denominator", "b", "--category", "killed", "--subject-party", "Lebanon"),
    ("datasette-metadata",),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=[c[0] for c in READ_COMMANDS])
def test_read_commands_refuse_a_missing_ledger_and_create_nothing(command: tuple[str, ...], tmp_path: Path) -> None:
    missing = tmp_path / "ledgr.db"
    result = run(*command, "--db", missing, ok=False)
    assert result.exit_code == 2
    assert "no ledger at" in result.output and "ledgr.db" in result.output
    assert "Traceback" not in result.output
    assert not missing.exists()


def test_the_ledger_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status"], env={"CLAIMLEDGER_DB": str(tmp_path / "absent.db")})
    assert result.exit_code == 2 and "no ledger at" in result.output


def test_import_series_still_creates_a_ledger(tmp_path: Path) -> None:
    series = tmp_path / "tolls.csv"
    series.write_text("date,value\n2024-01-05,1250\n", encoding="utf-8")
    db = tmp_path / "new.db"
    run("import-series", series, "--format", "csv", "--claimant", "Health Ministry", "--party", "Lebanon",
        "--subject-party", "Lebanon", "--category", "killed", "--start", "2023-10-08", "--db", db)
    assert db.exists()


# -- did you mean --------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "option", "meant"), [
    (("claims", "--category", "kiled"), "--category", "killed"),
    (("claims", "--modality", "claimd"), "--modality", "claimed"),
    (("claims", "--period-kind", "cumulativ"), "--period-kind", "cumulative"),
    (("claims", "--format", "jsn"), "--format", "json"),
    (("export", "--format", "sqlit"), "--format", "sqlite"),
    (("flags", "--kind", "revison_down"), "--kind", "revision_down"),
    (("compare", "--subject-party", "Lebanon", "--category", "wounde"), "--category", "wounded"),
    (("claims", "--subject-party", "lebanon"), "--subject-party", "Lebanon"),
    (("claims", "--claimant-party", "Lebannon"), "--claimant-party", "Lebanon"),
    (("timeline", "--subject-party", "Lebnon"), "--subject-party", "Lebanon"),
])
def test_a_value_outside_the_set_is_refused_with_the_nearest(ledger: Path, args: tuple[str, ...], option: str,
                                                             meant: str) -> None:
    result = run(*args, "--db", ledger, ok=False)
    assert result.exit_code == 2
    assert option in result.output and f"did you mean '{meant}'?" in result.output


def test_a_side_nothing_resembles_is_refused_without_a_guess(ledger: Path) -> None:
    result = run("claims", "--subject-party", "Atlantis", "--db", ledger, ok=False)
    assert result.exit_code == 2 and "'Atlantis' is not a side" in result.output
    assert "did you mean" not in result.output


def test_a_known_side_with_no_claims_is_accepted(ledger: Path) -> None:
    assert json.loads(run("claims", "--subject-party", "Israel", "--format", "json", "--db", ledger).output) == []


# -- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("claims", "--since", "2024-13-01"),
    ("export", "--until", "2024-02-30"),
    ("timeline", "--since", "March"),
    ("compare", "--subject-party", "Lebanon", "--category", "killed", "--until", "2024-04-31"),
    ("ingest", "nothing.txt", "--date", "2024-13-01"),
])
def test_a_date_that_does_not_exist_is_refused(ledger: Path, args: tuple[str, ...]) -> None:
    result = run(*args, "--db", ledger, ok=False)
    assert result.exit_code == 2
    assert "is not an ISO date" in result.output and "YYYY-MM-DD" in result.output


# -- quiet and verbose ----------------------------------------------------------------------------
def _series(tmp_path: Path, bad_rows: int) -> Path:
    rows = ["date,value", "2024-01-05,1250", *[f"2024-02-{d:02d},many" for d in range(1, bad_rows + 1)]]
    path = tmp_path / "tolls.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


SERIES_OPTIONS = ("--format", "csv", "--claimant", "Health Ministry", "--party", "Lebanon",
                  "--subject-party", "Lebanon", "--category", "killed", "--start", "2023-10-08")


@pytest.mark.parametrize("where", ["group", "command"])
def test_quiet_leaves_only_errors(tmp_path: Path, where: str) -> None:
    path = _series(tmp_path, bad_rows=1)
    args = ["import-series", str(path), *SERIES_OPTIONS, "--db", str(tmp_path / "q.db")]
    args = ["--quiet", *args] if where == "group" else [*args, "-q"]
    result = run(*args)
    assert result.stdout == ""
    assert "many" in result.stderr                      # the skipped row is still reported
    loud = run("import-series", path, *SERIES_OPTIONS, "--db", tmp_path / "q.db")
    assert loud.stdout.startswith("imported 1 of 1 file:")


def test_verbose_lists_every_skipped_row(tmp_path: Path) -> None:
    path = _series(tmp_path, bad_rows=25)
    db = tmp_path / "v.db"
    default = run("import-series", path, *SERIES_OPTIONS, "--db", db)
    assert default.stderr.count("skipped") == 20 and "and 5 more rows" in default.stderr
    verbose = run("-v", "import-series", path, *SERIES_OPTIONS, "--db", db)
    assert verbose.stderr.count("skipped") == 25 and "more rows" not in verbose.stderr


def test_quiet_export_says_nothing_but_writes(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    result = run("export", "--db", ledger, "--format", "jsonl", "--out", out, "--quiet")
    assert result.output == "" and len(out.read_text().splitlines()) == 600
    said = run("export", "--db", ledger, "--format", "jsonl", "--out", out, "--category", "killed",
               "--since", "2024-10-28")
    assert re.search(r"wrote \d+ claims to", said.stderr)


# -- a closed pipe ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("export", "--format", "jsonl"), ("export", "--format", "csv"),
                                  ("claims", "--format", "jsonl"), ("claims",)])
def test_a_closed_pipe_ends_quietly(ledger: Path, args: tuple[str, ...]) -> None:
    writer = subprocess.Popen([sys.executable, "-m", "claimledger", *args, "--db", str(ledger)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.Popen(["head", "-1"], stdin=writer.stdout, stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.close()                                   # only head reads it now
    first, _ = head.communicate(timeout=120)
    err = writer.stderr.read()
    writer.stderr.close()
    status = writer.wait(timeout=120)
    assert len(first.splitlines()) == 1
    assert status == 0, err.decode()
    assert err == b""


# -- whole ids ---------------------------------------------------------------------------------------
def test_machine_formats_carry_whole_ids(ledger: Path) -> None:
    ids = _ledger_ids(ledger)
    rows = json.loads(run("claims", "--db", ledger, "--format", "json").output)
    for column, known in ids.items():
        assert {r[column] for r in rows} == known
        assert all(HEX16.match(r[column]) for r in rows)
    lines = run("claims", "--db", ledger, "--format", "jsonl", "--limit", "5").output.splitlines()
    assert all(json.loads(line)["claim_id"] in ids["claim_id"] for line in lines)
    csv_text = run("export", "--db", ledger, "--format", "csv").output
    assert all(claim_id in csv_text for claim_id in ids["claim_id"])


def test_the_table_shows_whole_ids(ledger: Path) -> None:
    ids = _ledger_ids(ledger)["claim_id"]
    table = run("claims", "--db", ledger, "--since", "2024-10-27").output
    shown = set(re.findall(r"\b[0-9a-f]{16}\b", table))
    assert shown and shown <= ids
    assert "…" not in table


# -- plurals ------------------------------------------------------------------------------------------
def test_counts_agree_with_their_nouns(tmp_path: Path) -> None:
    series = _series(tmp_path, bad_rows=1)
    db = tmp_path / "p.db"
    one = run("import-series", series, *SERIES_OPTIONS, "--db", db).stdout
    assert one.strip() == "imported 1 of 1 file: 1 new document, 0 already in the ledger, 1 claim added, 1 row skipped"
    assert re.search(r"^\s*1 claim\s*$", run("claims", "--db", db).output, re.M)       # the table's title
    out = tmp_path / "one.csv"
    assert "wrote 1 claim to" in run("export", "--db", db, "--out", out).stderr
    assert "0 flags" in run("flags", "--db", db).output

    report = tmp_path / "r.txt"
    report.write_text("The army said 3 soldiers were killed on Sunday near Gaza.", encoding="utf-8")
    ingested = run("ingest", report, "--db", tmp_path / "i.db", "--date", "2024-03-04", "--no-progress").stdout
    assert "read 1 document: 1 new" in ingested and "1 claim added" in ingested
    assert "0 inputs could not be read" in ingested
    assert re.search(r"ledger .*: 1 document, 1 claim, 1 assertion, 0 ingest errors", ingested)


# -- progress with a total ----------------------------------------------------------------------------
def test_ingest_progress_counts_against_the_files_found(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(3):
        (folder / f"r{i}.txt").write_text(f"The army said {i + 2} soldiers were killed on Sunday.", encoding="utf-8")
    (folder / ".hidden.txt").write_text("The army said 9 soldiers were killed.", encoding="utf-8")
    result = run("ingest", folder, "--db", tmp_path / "g.db", "--date", "2024-03-04", "--progress")
    assert "3/3" in result.stderr
    records = tmp_path / "posts.jsonl"
    records.write_text(json.dumps({"text": "The army said 4 soldiers were wounded."}) + "\n", encoding="utf-8")
    counted = run("ingest", records, "--db", tmp_path / "g.db", "--date", "2024-03-04", "--progress")
    assert "/1" not in counted.stderr and "1 document read" in counted.stderr
    silent = run("ingest", folder, "--db", tmp_path / "g.db", "--date", "2024-03-04", "--quiet")
    assert silent.output == ""


# -- a copy to share ---------------------------------------------------------------------------------
def test_export_sqlite_writes_one_self_contained_file(ledger: Path, tmp_path: Path) -> None:
    with open_ledger(ledger) as db:         # a review still in the -wal file, not yet checkpointed
        claim_id = db.claims(limit=1)[0]["claim_id"]
        db.review(claim_id, "confirm", note="seen", reviewer="tester")
    copy = tmp_path / "share" / "ledger.db"
    copy.parent.mkdir()
    result = run("export", "--format", "sqlite", "--out", copy, "--db", ledger)
    assert re.search(r"wrote a copy of the ledger to .*: 600 documents, 600 claims, \d+ reviews?", result.stderr)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["ledger.db"]     # no -wal, no -shm
    con = sqlite3.connect(f"file:{copy}?immutable=1", uri=True)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 600
        assert con.execute("SELECT reviewer FROM reviews WHERE claim_id = ?", (claim_id,)).fetchone() == ("tester",)
        hits = con.execute("SELECT COUNT(*) FROM claims_fts WHERE claims_fts MATCH 'rubble'").fetchone()[0]
        assert hits == 600
    finally:
        con.close()


@pytest.mark.parametrize(("args", "message"), [
    (("--category", "killed", "--out", "x.db"), "--category cannot apply"),
    ((), "give --out FILE"),
])
def test_export_sqlite_refuses_filters_and_stdout(ledger: Path, args: tuple[str, ...], message: str) -> None:
    result = run("export", "--format", "sqlite", *args, "--db", ledger, ok=False)
    assert result.exit_code == 2 and message in result.output


def test_export_sqlite_never_overwrites_the_ledger(ledger: Path) -> None:
    result = run("export", "--format", "sqlite", "--out", ledger, "--db", ledger, ok=False)
    assert result.exit_code == 2 and "is the ledger itself" in result.output


def test_datasette_metadata_is_keyed_by_the_file_name(ledger: Path) -> None:
    data = json.loads(run("datasette-metadata", "--db", ledger).output)
    assert list(data["databases"]) == ["ledger"]
    tables = data["databases"]["ledger"]["tables"]
    assert tables["document_bands"]["hidden"] is True and tables["claims_view"]["fts_table"] == "claims_fts"
