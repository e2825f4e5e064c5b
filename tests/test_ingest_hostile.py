"""`claimledger ingest` on hostile inputs: every bad record named, the rest ingested, nothing forged.

The directory test is issue 13's acceptance check: a lone-surrogate JSONL record, a 20-digit
figure, a FIFO, a 10 MB CSV cell and a 5 MB report next to good reports; the ingest finishes
within two minutes, ingests every good file, lists each bad one with its reason, and a rerun
adds nothing.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.errors import StoreError
from claimledger.store import Ledger, open_ledger

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"
#: The acceptance limit for the whole hostile directory (issue 13).
LIMIT_S = 120


def _ingest(*args: str | Path, timeout: float = LIMIT_S) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "claimledger", "ingest", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return done, time.monotonic() - started


def _hostile_directory(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    articles = sorted(ARTICLES.glob("*.txt"))
    body = "\n\n".join(p.read_text(encoding="utf-8") for p in articles)
    files = {"good_1": folder / articles[0].name, "good_2": folder / articles[1].name}
    for name in ("good_1", "good_2"):
        files[name].write_text((ARTICLES / files[name].name).read_text(encoding="utf-8"), encoding="utf-8")
    files["records"] = folder / "wire.jsonl"
    files["records"].write_text("\n".join(json.dumps(r) for r in [
        {"text": "The ministry said 4 people were killed in Khan Younis \ud800 on Monday.", "published": "2024-03-04"},
        {"text": "The army said 12345678901234567890 soldiers were killed on Sunday.", "published": "2024-03-04"},
        {"text": "The army said 6 soldiers were wounded on Sunday.", "published": "2024-03-04"},
    ]) + "\n", encoding="utf-8")
    files["fifo"] = folder / "pipe.txt"
    os.mkfifo(files["fifo"])
    cell = (body.replace('"', "'") * (10_000_000 // len(body) + 1))[:10_000_000]
    files["cell"] = folder / "cell.csv"
    files["cell"].write_text(f'text,published\n"{cell}",2024-03-04\n', encoding="utf-8")
    files["report"] = folder / "report_5mb.txt"
    files["report"].write_text((body * (5_000_000 // len(body) + 1))[:5_000_000], encoding="utf-8")
    return files


def _extraction_budget_landed() -> bool:
    """Whether extraction bounds the work per document (claimledger/extract, another change)."""
    from claimledger.extract import pipeline
    return hasattr(pipeline, "Budget")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_directory_of_every_hostile_record_is_ingested_within_two_minutes(tmp_path: Path) -> None:
    if not _extraction_budget_landed():
        # Without a per-document budget the 10 MB cell and the 5 MB report alone take minutes.
        pytest.xfail("needs the per-document extraction budget (claimledger.extract.pipeline.Budget)")
    files = _hostile_directory(tmp_path / "in")
    db = tmp_path / "ledger.db"
    first, took = _ingest(files["fifo"].parent, "--db", db, "--workers", "2")
    assert first.returncode == 1, first.stderr                   # some inputs skipped: the FIFO
    assert took < LIMIT_S, f"took {took:.0f} s"                  # bounded by the extraction budget
    err = first.stderr
    assert f"skipped {files['fifo']}: a named pipe (FIFO), not a report file: not read" in err
    assert f"warning: {files['records']}#1: 1 lone surrogate" in err
    assert f"warning: {files['cell']}#1: " in err                # where the extraction budget bit
    assert f"warning: {files['report']}: " in err
    with open_ledger(db) as ledger:
        sources = {r["source"] for r in ledger.db.execute("SELECT source FROM documents")}
        errors = {e["source"] for e in ledger.errors()}
        figures = [r["value"] for r in ledger.claims(outlet=None) if r["source"] == f"{files['records']}#2"]
    # 20 digits are no count: extraction passes over them, and a figure that still reached the
    # ledger beyond its integer range would be dropped with a warning (tests/store/test_isolation.py).
    assert 12345678901234567890 not in figures
    assert not figures or "not a count; claim dropped" in err
    for name in ("good_1", "good_2", "report"):
        assert str(files[name]) in sources, name
    assert {f"{files['records']}#{n}" for n in (1, 2, 3)} <= sources
    assert f"{files['cell']}#1" in sources
    assert errors == {str(files["fifo"])}
    rerun, _ = _ingest(files["fifo"].parent, "--db", db, "--workers", "2")
    assert rerun.returncode == 1
    assert "0 new" in rerun.stdout and "0 claims added" in rerun.stdout


def test_control_characters_in_names_cannot_forge_lines(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    forged = "x\n2024-01-01T00:00:00  all good: nothing was skipped\x1b[2K.txt"
    (folder / forged).write_text("")                               # empty: an ingest error naming it
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(folder), "--db", db, "--no-progress"])
    assert result.exit_code == 2
    assert "x\\n2024-01-01T00:00:00  all good: nothing was skipped\\x1b[2K.txt: empty file" in result.output
    listed = runner.invoke(cli, ["errors", "--db", db])
    assert listed.exit_code == 0
    assert listed.output.count("\n") == 1 and "\x1b" not in listed.output
    assert "x\\n2024-01-01T00:00:00  all good" in listed.output


def test_report_values_print_literally_in_tables(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("The [/bold] Brigades said they killed 12 soldiers near [red]Gaza on Sunday.")
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(report), "--db", db, "--date", "2024-03-04",
                               "--no-progress"]).exit_code == 0
    table = runner.invoke(cli, ["claims", "--db", db])
    assert table.exit_code == 0, table.output                      # no rich MarkupError
    shown = runner.invoke(cli, ["extract", str(report), "--format", "table"])
    assert shown.exit_code == 0, shown.output


def test_exit_statuses_tell_skipped_inputs_from_a_failed_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    help_text = runner.invoke(cli, ["ingest", "--help"]).output
    for line in ("0  every input was read", "1  some inputs were skipped", "2  no input could be read",
                 "3  the run failed"):
        assert line in help_text
    good = tmp_path / "good.txt"
    good.write_text("The army said 3 soldiers were killed on Sunday.")
    db = str(tmp_path / "ledger.db")
    skipped = runner.invoke(cli, ["ingest", str(good), str(tmp_path / "missing.txt"), "--db", db, "--no-progress"])
    assert skipped.exit_code == 1

    def broken(self: Ledger, *args: object, **kw: object) -> None:
        raise StoreError(f"{db}: disk I/O error")

    monkeypatch.setattr(Ledger, "write_batch", broken)
    other = tmp_path / "other.txt"
    other.write_text("The army said 4 soldiers were killed on Monday.")
    failed = runner.invoke(cli, ["ingest", str(other), "--db", db, "--no-progress"])
    assert failed.exit_code == 3
    assert "disk I/O error" in failed.output and "run the same ingest again" in failed.output
