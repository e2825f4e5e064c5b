"""The web app and the command line on one SQLite ledger at once, with the server killed by SIGKILL.

A real ``claimledger serve`` process answers overlapping requests and takes reviews while
every ledger command runs on the same file in other processes; the server is killed at a
random moment three times (and restarted). A fresh process must then find every review the
server acknowledged and every claim any process wrote. The server must never be left holding
a ``-wal`` or ``-shm`` file that another process deleted.
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimledger.store import open_ledger

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CLI = [sys.executable, "-m", "claimledger"]
ROUNDS = 3
GETS = ("/flags", "/flags", "/?limit=500", "/api/claims?limit=500", "/api/facets", "/compare",
        "/api/flags", "/claimants")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to check open files")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cl(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def _deleted_ledger_files(pid: int, db: Path) -> list[str]:
    """The ledger's files this process still holds although they were deleted (the data-loss symptom)."""
    held = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            held.append(target)
    return held


class Server:
    """``claimledger serve`` in its own process."""

    def __init__(self, db: Path, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.proc = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(self.port)],
                                     stdout=self.log, stderr=self.log, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{self.base}/api/claims?limit=1", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not start within 60 s")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()


@dataclass
class Traffic:
    """Overlapping GETs and reviews against the server until told to stop, recording what it acknowledged."""

    server: Server
    claim_ids: list[str]
    rng: random.Random
    tag: str
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: dict[str, str] = field(default_factory=dict)     # review note -> claim id
    failures: list[str] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for target in (self._gets, self._gets, self._reviews):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def _gets(self) -> None:
        with httpx.Client(base_url=self.server.base, timeout=30) as client:
            while not self.stop.is_set():
                path = self.rng.choice(GETS)
                try:
                    status = client.get(path).status_code
                except httpx.TransportError:
                    return                                  # killed
                if status != 200:
                    self.failures.append(f"GET {path}: {status}")
                time.sleep(0.02)                             # overlapping, not a load test: leave the CLI some CPU

    def _reviews(self) -> None:
        actions = [("confirm", None), ("reject", None), ("correct", {"value": "17"}),
                   ("correct", {"location": "Khartoum"}), ("confirm", None)]
        with httpx.Client(base_url=self.server.base, timeout=30) as client:
            n = 0
            while not self.stop.is_set():
                claim_id = self.rng.choice(self.claim_ids)
                action, changes = self.rng.choice(actions)
                note = f"{self.tag}-{n}"
                n += 1
                try:
                    r = client.post(f"/api/claims/{claim_id}/review",
                                    json={"action": action, "changes": changes, "note": note, "reviewer": "test"})
                except httpx.TransportError:
                    return
                if r.status_code == 200:
                    self.acknowledged[note] = claim_id
                elif r.status_code != 422:                 # 'the correction changes nothing' is fine
                    self.failures.append(f"review {claim_id}: {r.status_code} {r.text[:200]}")


def _fresh_view(db: Path) -> dict[str, Any]:
    """Reviews and claims as a new process sees them."""
    code = ("import json, sys\n"
            "from claimledger import open_ledger\n"
            "with open_ledger(sys.argv[1]) as l:\n"
            "    reviews = l.db.execute('SELECT note, claim_id FROM reviews')\n"
            "    claims = [r['claim_id'] for r in l.claims(include_rejected=True)]\n"
            "    print(json.dumps({'reviews': {r['note']: r['claim_id'] for r in reviews}, 'claims': claims,\n"
            "                      'counts': l.counts()}))\n")
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _series(folder: Path, n: int) -> Path:
    """A small new reference series for round ``n``: new documents and claims, written in seconds."""
    path = folder / f"round_{n}.csv"
    path.write_text("date,value\n" + "".join(f"2023-0{n + 1}-{day:02d},{100 * n + day}\n" for day in (1, 8, 15)),
                    encoding="utf-8")
    return path


def _import(db: Path, series: Path, claimant: str) -> tuple[str | Path, ...]:
    return ("import-series", series, "--format", "csv", "--db", db, "--claimant", claimant, "--party", "media",
            "--modality", "reported", "--category", "equipment_destroyed", "--subject-party", "Russia",
            "--subject", "Russian tanks", "--start", "2022-02-24")


def _commands(db: Path, tmp: Path, n: int, *, every: bool) -> Iterator[tuple[str | Path, ...]]:
    """The CLI commands of round ``n``: every one once, then the writing and reading core."""
    yield _import(db, _series(tmp, n), f"Monitor {n}")
    yield ("status", "--db", db)
    yield ("claims", "--db", db, "--format", "json", "--include-rejected")
    if not every:
        return
    yield ("ingest", EXAMPLES / "reports", "--db", db, "--no-progress")
    yield _import(db, EXAMPLES / "series" / "oryx_russian_tanks.csv", "Oryx")
    yield ("errors", "--db", db)
    yield ("export", "--db", db, "--format", "csv", "--out", tmp / "claims.csv")
    yield ("compare", "--db", db, "--subject-party", "Israel", "--category", "killed")
    yield ("timeline", "--db", db, "--category", "killed")
    yield ("flags", "--db", db)
    yield ("ratio", "--db", db, "--numerator", "General Staff", "--denominator", "Oryx",
           "--category", "equipment_destroyed", "--subject-party", "Russia")
    yield ("report", "--db", db, "--out", tmp / "report.html")


def test_web_app_and_every_command_share_one_sqlite_ledger_through_three_kills(tmp_path: Path) -> None:
    rng = random.Random(13)
    db = tmp_path / "ledger.db"
    log = tmp_path / "serve.log"
    seeded = _cl("import-series", EXAMPLES / "series" / "general_staff_russian_tanks.csv", "--format", "csv",
                 "--db", db, "--claimant", "General Staff of the Armed Forces of Ukraine", "--party", "Ukraine",
                 "--modality", "claimed", "--category", "equipment_destroyed", "--subject-party", "Russia",
                 "--subject", "Russian tanks", "--start", "2022-02-24")
    assert seeded.returncode == 0, seeded.stderr

    acknowledged: dict[str, str] = {}
    seen_claims: set[str] = set()
    for n in range(ROUNDS):
        server = Server(db, log)
        try:
            # What other processes wrote is visible to the restarted server, and nothing acknowledged is gone.
            listed = httpx.get(f"{server.base}/api/claims?limit=1000&include_rejected=true", timeout=30).json()
            ids = [row["claim_id"] for row in listed["claims"]]
            assert seen_claims <= set(ids)
            traffic = Traffic(server, ids, rng, tag=f"round{n}")
            traffic.start()
            commands = list(_commands(db, tmp_path, n, every=n == 0))
            kill_after = rng.randrange(1, len(commands) + 1)        # a random point of this round's work
            with ThreadPoolExecutor(max_workers=3) as pool:         # commands overlap each other too
                running = {pool.submit(_cl, *args): args for args in commands}
                for i, fut in enumerate(as_completed(running), 1):
                    args, done = running[fut], fut.result()
                    assert done.returncode == 0, (args, done.stderr)
                    if args[0] == "claims":
                        seen_claims |= {row["claim_id"] for row in json.loads(done.stdout)}
                    if server.proc.poll() is None:
                        assert _deleted_ledger_files(server.proc.pid, db) == [], args
                        if args[0] in ("ingest", "import-series"):  # what another process wrote is served
                            with open_ledger(db) as ledger:
                                count = ledger.counts()["claims"]
                            served = httpx.get(f"{server.base}/api/claims?limit=1&include_rejected=true",
                                               timeout=30).json()
                            assert served["total"] >= count
                    if i == kill_after:
                        time.sleep(rng.uniform(0.0, 0.5))
                        server.kill()
            traffic.join()
            assert traffic.failures == []
            acknowledged.update(traffic.acknowledged)
        finally:
            if server.proc.poll() is None:
                server.kill()

        view = _fresh_view(db)
        missing = {note: cid for note, cid in acknowledged.items() if view["reviews"].get(note) != cid}
        assert missing == {}, f"reviews acknowledged but lost: {sorted(missing)[:5]}"
        assert seen_claims <= set(view["claims"])

    final = _fresh_view(db)
    assert len(acknowledged) >= ROUNDS                    # reviews really were taken during the rounds
    assert final["counts"]["reviews"] >= len(acknowledged)
    assert final["counts"]["documents"] >= 4 + 3 * ROUNDS     # the example reports and each round's series
    assert not any(_deleted_ledger_files(os.getpid(), db))
