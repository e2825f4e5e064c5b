"""An ingest goes on past any one document: a failing extraction, a worker that dies, a killed parent."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from claimledger import Document
from claimledger.store import Prepared, open_ledger
from claimledger.flow import run_ingest

REPORTS = [f"The army said it killed {n} militants near Rafah on Sunday, {n} March 2024." for n in range(1, 9)]


def _docs(*poisoned: int, word: str) -> list[Document]:
    return [Document(text=text + (f" {word}" if i in poisoned else ""), source=f"r{i}.txt", published="2024-03-04")
            for i, text in enumerate(REPORTS)]


@pytest.fixture
def sabotaged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction of a document saying POISON raises; a worker process given one saying CRASH dies."""
    original = Prepared.of.__func__  # type: ignore[attr-defined]
    parent = os.getpid()

    def of(cls: type[Prepared], result: Any) -> Prepared:
        text = result.document.text
        if "POISON" in text:
            raise RuntimeError("a bug met on this document only")
        if "CRASH" in text and os.getpid() != parent:
            os._exit(3)
        return original(cls, result)

    monkeypatch.setattr(Prepared, "of", classmethod(of))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_whose_extraction_fails_is_an_error_and_the_run_goes_on(tmp_path: Path, sabotaged: None,
                                                                           workers: int) -> None:
    with open_ledger(tmp_path / "ledger.db") as ledger:
        summary = run_ingest(_docs(2, 5, word="POISON"), ledger, workers=workers, batch_size=3)
        assert summary.stats.documents_added == 6
        assert sorted((e.source, e.reason) for e in summary.errors) == [
            ("r2.txt", "extraction failed: RuntimeError: a bug met on this document only"),
            ("r5.txt", "extraction failed: RuntimeError: a bug met on this document only")]
        assert {e["source"] for e in ledger.errors()} == {"r2.txt", "r5.txt"}
        rerun = run_ingest(_docs(2, 5, word="POISON"), ledger, workers=workers, batch_size=3)
        assert rerun.stats.documents_added == 0 and rerun.stats.documents_skipped == 6


def test_a_worker_that_dies_costs_only_the_document_it_died_on(tmp_path: Path, sabotaged: None) -> None:
    with open_ledger(tmp_path / "ledger.db") as ledger:
        summary = run_ingest(_docs(3, word="CRASH"), ledger, workers=2, batch_size=2)
        assert summary.stats.documents_added == len(REPORTS) - 1
        assert [(e.source, e.reason) for e in summary.errors] == [
            ("r3.txt", "extraction failed: the worker process died on it")]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the worker processes")
def test_workers_die_with_a_killed_ingest(tmp_path: Path, corpus_dir: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "ingest", str(corpus_dir), "--db",
                             str(tmp_path / "ledger.db"), "--workers", "2", "--batch-size", "2", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(proc.pid)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
        time.sleep(0.5)                                  # let them get busy extracting
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    deadline = time.monotonic() + 5
    while (left := {w for w in workers if _alive(w)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == set(), "workers outlived the ingest that started them"
