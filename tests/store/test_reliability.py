"""What the ledger promises when things go wrong: a killed ingest, two ingests at once, bad inputs.

Each runs on SQLite and on PostgreSQL, with real ``claimledger ingest`` processes.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from claimledger import iter_documents
from claimledger.store import open_ledger
from claimledger.flow import run_ingest


def _ingest_cmd(db: str, *inputs: Path | str, batch: int = 3, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "claimledger", "ingest", *map(str, inputs), "--db", db,
            "--batch-size", str(batch), "--workers", str(workers), "--no-progress"]


def _snapshot(url: str) -> dict[str, Any]:
    """Everything that must come out the same: documents, claims and their assertions' counts."""
    with open_ledger(url) as ledger:
        rows = ledger.claims()
        docs = ledger.db.execute("SELECT id FROM documents ORDER BY id")
        return {
            "documents": [d["id"] for d in docs],
            "claims": sorted((r["document_id"], r["claim_index"], r["category"], r["value"], r["assertion_id"],
                              r["relay_count"], r["outlet_count"]) for r in rows),
            "counts": ledger.counts(),
        }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The corpus ingested once, calmly, in this process: what every other run must equal."""
    def make(corpus: Path) -> dict[str, Any]:
        key = str(corpus)
        if key not in cache:
            url = str(tmp_path_factory.mktemp("reference") / "ledger.db")
            with open_ledger(url) as ledger:
                run_ingest(iter_documents([corpus]), ledger, batch_size=10)
            cache[key] = _snapshot(url)
        return cache[key]
    cache: dict[str, dict[str, Any]] = {}
    return make


def _claims_per_document(snapshot: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for claim in snapshot["claims"]:
        out[claim[0]] = out.get(claim[0], 0) + 1
    return out


def test_kill_9_mid_ingest_leaves_whole_batches_and_a_rerun_completes(ledger_url: str, corpus_dir: Path,
                                                                     reference: Any) -> None:
    ref = reference(corpus_dir)
    open_ledger(ledger_url).close()                     # created before, so polling can start at once
    proc = subprocess.Popen(_ingest_cmd(ledger_url, corpus_dir, batch=3), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with open_ledger(ledger_url) as ledger:
                if ledger.counts()["documents"] >= 6:
                    break
            assert proc.poll() is None, "the ingest ended before it could be killed"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    killed = _snapshot(ledger_url)                      # the ledger opens
    n_docs = len(killed["documents"])
    assert 6 <= n_docs < len(ref["documents"])
    assert n_docs % 3 == 0                              # whole batches only
    expected = _claims_per_document(ref)
    got = _claims_per_document(killed)
    for doc_id in killed["documents"]:                  # every document written has all its claims
        assert got.get(doc_id, 0) == expected.get(doc_id, 0)

    rerun = subprocess.run(_ingest_cmd(ledger_url, corpus_dir, batch=3), capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n_docs:,} already in the ledger" in rerun.stdout
    final = _snapshot(ledger_url)
    assert final["documents"] == ref["documents"]
    assert final["claims"] == ref["claims"]             # no duplicates, same merged assertions
    assert final["counts"] == ref["counts"]


def test_two_ingests_at_once_lose_nothing(ledger_url: str, corpus_dir: Path, reference: Any,
                                          tmp_path: Path) -> None:
    ref = reference(corpus_dir)
    files = sorted(corpus_dir.iterdir())
    third = len(files) // 3
    # overlapping halves: the middle third is ingested by both processes at the same time
    left, right = tmp_path / "left", tmp_path / "right"
    for folder, chosen in ((left, files[:2 * third]), (right, files[third:])):
        folder.mkdir()
        for f in chosen:
            (folder / f.name).symlink_to(f)
    open_ledger(ledger_url).close()
    procs = [subprocess.Popen(_ingest_cmd(ledger_url, folder, batch=2), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for folder in (left, right)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    final = _snapshot(ledger_url)
    assert final["documents"] == ref["documents"]
    assert final["claims"] == ref["claims"]
    assert final["counts"] == ref["counts"]


def test_bad_inputs_are_recorded_and_the_rest_goes_on(ledger_url: str, tmp_path: Path,
                                                      reference: Any) -> None:
    from click.testing import CliRunner

    from claimledger.cli import cli

    good = Path(__file__).resolve().parents[1] / "data" / "articles"
    first = sorted(good.glob("*.txt"))[0]
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(first), "--db", ledger_url, "--no-progress"])
    assert done.exit_code == 0, done.output
    before = _snapshot(ledger_url)

    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_text("")
    (batch / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (batch / "latin1.txt").write_bytes("Le porte-parole a d\xe9clar\xe9 que 12 soldats ont \xe9t\xe9 tu\xe9s. "
                                       .encode("latin-1") * 3 + b"\xff\xfe\x00")
    (batch / "huge.txt").write_text("The army said 3 soldiers were killed. " * 5000)
    (batch / "records.jsonl").write_text('{"text": "The ministry said 4 people were killed on Monday."}\n'
                                         '{"text": "unterminated\n')
    (batch / "page.html").write_text("<html><body><p>The army said <b>2 drones were downed</b> on Sunday"
                                     "</body></htm")  # broken HTML is still read
    second = sorted(good.glob("*.txt"))[1]
    (batch / second.name).write_text(second.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(batch), str(tmp_path / "missing.txt"), "--db", ledger_url,
                                 "--max-bytes", "100000", "--no-progress"])
    assert result.exit_code == 1, result.output
    with open_ledger(ledger_url) as ledger:
        errors = {re.split(r"[#:]", Path(e["source"]).name)[0]: e["reason"] for e in ledger.errors()}
        after = ledger.counts()
        kept = ledger.db.execute("SELECT id FROM documents")
    assert set(errors) >= {"empty.txt", "image.txt", "huge.txt", "records.jsonl", "missing.txt"}
    assert "empty" in errors["empty.txt"].lower()
    assert "binary" in errors["image.txt"].lower()
    assert "100" in errors["huge.txt"] or "large" in errors["huge.txt"].lower()
    assert "line 2" in errors["records.jsonl"].lower() or "json" in errors["records.jsonl"].lower()
    for name in ("empty.txt", "image.txt", "huge.txt", "missing.txt"):
        assert name in result.output                    # reported at the end too
    # what was there is intact, and the good inputs of the batch went in
    assert set(before["documents"]) <= {d["id"] for d in kept}
    assert after["documents"] >= before["counts"]["documents"] + 3   # second article, JSONL record, page
    assert after["claims"] > before["counts"]["claims"]


def test_a_foreign_file_is_never_overwritten_by_ingest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimledger.cli import cli

    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n" * 100)
    before = notes.read_bytes()
    report = tmp_path / "r.txt"
    report.write_text("The army said 3 soldiers were killed on Sunday.")
    result = CliRunner().invoke(cli, ["ingest", str(report), "--db", str(notes), "--no-progress"])
    assert result.exit_code == 3                        # the run failed, not "some inputs skipped"
    assert "not a SQLite database" in result.output
    assert notes.read_bytes() == before
