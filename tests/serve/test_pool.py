"""The web app's connections: a bounded pool, and a process that never drops its own SQLite locks."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult
from claimledger.errors import LedgerBusy, ReviewError, StoreError
from claimledger.serve.pool import LedgerPool
from claimledger.store import backend, open_ledger

ROOT = Path(__file__).resolve().parents[2]


def _one_claim(text: str = "The army said it killed 12 militants on Sunday.") -> ExtractionResult:
    claim = Claim(claimant="the army", claimant_party="Israel", modality="claimed", category="killed", value=12,
                  qualifier="exact", subject="militants", subject_party="Palestinians",
                  evidence=(Evidence(text=text[:8], start=0, end=8),), confidence=0.9)
    return ExtractionResult(document=Document(text=text, source="r.txt", published="2024-03-04"), claims=(claim,))


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.add_results([_one_claim()])
    return path


def test_the_pool_never_opens_more_than_its_size(ledger_file: Path) -> None:
    pool = LedgerPool(str(ledger_file), size=2)
    seen: list[int] = []

    def request() -> None:
        with pool.borrow() as ledger:
            ledger.counts()
            seen.append(pool.opened)
            time.sleep(0.05)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    pool.close()
    assert len(seen) == 8 and max(seen) <= 2
    assert pool.opened == 0


def test_a_request_waits_then_gets_a_clear_error_when_every_connection_stays_busy(ledger_file: Path) -> None:
    pool = LedgerPool(str(ledger_file), size=1, wait_s=0.2)
    with pool.borrow():
        with pytest.raises(LedgerBusy, match="busy"):
            with pool.borrow():
                pass
    with pool.borrow() as ledger:                       # free again once given back
        assert ledger.counts()["claims"] == 1
    pool.close()


def test_a_refused_review_keeps_the_connection_a_broken_one_is_replaced(ledger_file: Path) -> None:
    pool = LedgerPool(str(ledger_file), size=1)
    with pytest.raises(ReviewError):
        with pool.borrow() as ledger:
            first = ledger
            ledger.review("no-such-claim", "confirm")
    with pool.borrow() as ledger:
        assert ledger is first                          # a bad request is not a bad connection
        ledger.db.conn.close()                          # the connection itself breaks
    with pytest.raises(StoreError):
        with pool.borrow() as ledger:
            ledger.counts()
    with pool.borrow() as ledger:
        assert ledger is not first and ledger.counts()["claims"] == 1
    pool.close()


def test_python_reads_the_header_only_before_the_first_connection(ledger_file: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Closing any descriptor of the file would drop every lock this process holds on it.
    reads: list[str] = []
    real = backend._check_header
    monkeypatch.setattr(backend, "_check_header", lambda path: (reads.append(path), real(path)))
    first = open_ledger(ledger_file)
    second = open_ledger(ledger_file)
    assert len(reads) == 1 and backend.open_connections(ledger_file) == 2
    second.close()
    first.close()
    assert backend.open_connections(ledger_file) == 0
    open_ledger(ledger_file).close()
    assert len(reads) == 2                               # none open in between: checking is safe again


def test_another_process_closing_its_connection_never_deletes_the_wal_in_use(ledger_file: Path) -> None:
    wal, shm = Path(f"{ledger_file}-wal"), Path(f"{ledger_file}-shm")
    held = open_ledger(ledger_file)
    extra = open_ledger(ledger_file)                     # as when two requests overlapped
    extra.close()
    try:
        assert wal.exists() and shm.exists()
        done = subprocess.run([sys.executable, "-m", "claimledger", "status", "--db", str(ledger_file)],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert wal.exists() and shm.exists()             # still this process's, still on disk
        held.review(held.claims()[0]["claim_id"], "reject", note="written while status ran", reviewer="analyst")
    finally:
        held.close()
    fresh = subprocess.run([sys.executable, "-c", "import sys; from claimledger import open_ledger; "
                            "l = open_ledger(sys.argv[1]); print(l.counts()['reviews'])", str(ledger_file)],
                           capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert fresh.stdout.strip() == "1", fresh.stderr


def test_a_special_file_is_refused_as_a_ledger(tmp_path: Path) -> None:
    import os
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "ledger.db")
    with pytest.raises(StoreError, match="not a regular file"):
        open_ledger(tmp_path / "ledger.db")
