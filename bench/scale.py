"""Scale: extraction on a Dask LocalCluster with 1 and 2 workers and the bulk load into
PostgreSQL, at 10k, 100k and 1M documents.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--workers 1,2] [--pg URL]
                                    [--shard-docs 2500] [--no-load] [--sqlite] [--work DIR]

Corpus: the largest size's documents are generated once, as JSONL shards of ``--shard-docs``
records (each a partition); a smaller size is the first shards of it, so every size reads
the same kind of text. A document is 1 to 5 sentences drawn from the project's own articles and
the shared Telegram posts, in a new order, with its figures redrawn (same number of digits;
years and days of months kept) and a date and outlet drawn from fixed lists. So documents are
not copies of each other (a copy would be skipped, and one article copied a hundred thousand
times would make every near-duplicate lookup and every relay count a hundred thousand rows
long, which is not what a real corpus looks like). Relays are made on purpose: one document in
``RELAY_SHARE`` repeats one of the last thousand under another outlet, with a line added, as a
wire copy does, so merging relays and finding near-duplicates are part of what is measured.

Runs, each a fresh ``python -m claimledger`` process timed from start to exit:

* ``extract SHARDS --engine dask --workers N --out DIR`` for each size and each N;
* ``load DIR --db postgresql://...`` of the 2-worker shards of each size, into a new database
  (``--pg URL``, else ``$CLAIMLEDGER_TEST_PG``, else a throwaway server from
  ``scripts/postgres.sh``); with ``--sqlite`` also into a new SQLite file.

Memory is sampled every ``SAMPLE_S`` per process: the first process is the client, and a local
cluster's scheduler and nannies run inside it; the worker processes are its children started by
multiprocessing. Reported: the client/scheduler's peak RSS, each worker's peak RSS (the largest),
and the whole tree's peak.

Figures: documents/s per run, 2 workers over 1 per size, seconds per 1,000 documents per size
(linear when it stays the same as the size grows), and memory per size (flat when it does not
grow). Results go to ``bench/results/scale.json``; a table is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the ingest benchmark's helpers

from ingest_speed import (ROOT, SHARED, descendants, fresh_database, own_articles,  # noqa: E402
                          postgres_server, telegram_posts)

SEED = 20261203
SIZES = (10_000, 100_000, 1_000_000)
SHARD_DOCS = 2_500
SAMPLE_S = 0.2
RELAY_SHARE = 0.15          # documents that are a relay of a recent one
RELAY_WINDOW = 1_000        # how far back a relay looks
SENTENCES = (1, 5)          # sentences in a document, inclusive (about 65 words on average)
FIRST_DAY, DAYS = date(2022, 2, 24), 1_600
OUTLETS = tuple(f"outlet-{i:02d}" for i in range(1, 41))

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z0-9])")
# Figures, not times ("13:13") or decimals.
_NUMBER = re.compile(r"(?<![\w.,:])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d,]*\d)(?![.:]\d)")
_MONTHS = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$|^\s*(?:st|nd|rd|th)?\s*"
                     r"(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


# --- corpus -------------------------------------------------------------------------------------

def sentence_pool(shared: Path = SHARED) -> list[str]:
    """Every sentence of the own articles and the shared posts, each once."""
    texts = [r["text"] for r in own_articles() + telegram_posts(shared)]
    seen: dict[str, None] = {}
    for text in texts:
        for para in text.split("\n"):
            for sentence in _SENTENCE_END.split(para.strip()):
                if len(sentence.split()) >= 3:
                    seen.setdefault(sentence.strip(), None)
    return list(seen)


def redraw_figures(sentence: str, rng: random.Random) -> str:
    """The sentence with each figure of two or more digits replaced by another of as many digits;
    years (1900-2099) and numbers next to a month name (days) are kept."""
    def swap(m: re.Match[str]) -> str:
        raw = m.group()
        digits = raw.replace(",", "")
        if len(digits) < 2 or (len(digits) == 4 and 1900 <= int(digits) <= 2099):
            return raw
        if _MONTHS.search(sentence[max(0, m.start() - 12):m.start()]) or _MONTHS.search(sentence[m.end():m.end() + 14]):
            return raw
        new = str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))
        return f"{int(new):,}" if "," in raw else new
    return _NUMBER.sub(swap, sentence)


def documents(pool: Sequence[str], n_docs: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """``n_docs`` records: new documents composed from the pool, and relays of recent ones."""
    recent: list[dict[str, Any]] = []
    for i in range(1, n_docs + 1):
        if recent and rng.random() < RELAY_SHARE:
            original = rng.choice(recent)
            record = dict(original, outlet=rng.choice(OUTLETS),
                          text=f"{original['text']}\n\n(Relayed, item {i}.)")
        else:
            sentences = [redraw_figures(s, rng) for s in rng.sample(pool, rng.randint(*SENTENCES))]
            paragraphs, at = [], 0
            while at < len(sentences):
                take = rng.randint(1, 3)
                paragraphs.append(" ".join(sentences[at:at + take]))
                at += take
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            record = {"text": "\n\n".join(paragraphs) + f"\n\nItem {i}.", "published": day.isoformat(),
                      "outlet": rng.choice(OUTLETS), "title": None}
            recent.append(record)
            if len(recent) > RELAY_WINDOW:
                recent.pop(0)
        yield {k: v for k, v in record.items() if v}


def generate_corpus(out_dir: Path, n_docs: int, *, seed: int = SEED, shard_docs: int = SHARD_DOCS,
                    shared: Path = SHARED) -> list[Path]:
    """Write ``n_docs`` records as JSONL shards of ``shard_docs`` under ``out_dir``, in order."""
    if n_docs < 1 or shard_docs < 1:
        raise ValueError(f"need at least one document and one per shard, not {n_docs} and {shard_docs}")
    pool = sentence_pool(shared)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = documents(pool, n_docs, rng)
    shards = []
    for start in range(0, n_docs, shard_docs):
        shard = out_dir / f"shard_{start // shard_docs:05d}.jsonl"
        with shard.open("w", encoding="utf-8") as f:
            for _ in range(min(shard_docs, n_docs - start)):
                f.write(json.dumps(next(records), ensure_ascii=False) + "\n")
        shards.append(shard)
    return shards


# --- measuring processes by role ----------------------------------------------------------------

class RoleSampler(threading.Thread):
    """Peak RSS of each process under a root, sampled until stopped, and of the tree as a whole."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_kb: dict[int, int] = {}
        self.cmdline: dict[int, str] = {}
        self.parent: dict[int, int] = {}
        self.cpu_s: dict[int, float] = {}     # last seen user + system seconds
        self.peak_tree_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            total = 0
            for pid in descendants(self.root_pid):
                kb = _rss_kb(pid)
                if kb is None:
                    continue
                total += kb
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), kb)
                self.cpu_s[pid] = _cpu_s(pid) or self.cpu_s.get(pid, 0.0)
                if pid not in self.cmdline:
                    self.cmdline[pid] = _cmdline(pid)
                    self.parent[pid] = _ppid(pid)
            self.peak_tree_kb = max(self.peak_tree_kb, total)
            self._stop_event.wait(SAMPLE_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def roles(self) -> dict[str, Any]:
        """Peak RSS in MB of the client (with a local cluster's scheduler and nannies), of the
        largest worker, and of the tree."""
        workers = [pid for pid in self.peak_kb
                   if pid != self.root_pid and "spawn_main" in self.cmdline.get(pid, "")
                   and self.parent.get(pid) == self.root_pid]
        return {"client_scheduler_mb": _mb(self.peak_kb.get(self.root_pid, 0)),
                "worker_max_mb": _mb(max((self.peak_kb[p] for p in workers), default=0)),
                "workers_seen": len(workers),
                "tree_mb": _mb(self.peak_tree_kb),
                "client_scheduler_cpu_s": round(self.cpu_s.get(self.root_pid, 0.0), 1),
                "workers_cpu_s": sorted(round(self.cpu_s.get(p, 0.0), 1) for p in workers)}


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a live process (/proc/PID/stat fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


_TICKS = os.sysconf("SC_CLK_TCK")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


@dataclass(slots=True)
class Run:
    """One timed claimledger process."""

    command: list[str]
    seconds: float
    cpu_s: float
    load_avg: float
    memory: dict[str, Any]
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


def run_claimledger(args: Sequence[str], log: Path) -> Run:
    """``python -m claimledger ARGS`` in a fresh process, timed and sampled; its output kept in ``log``."""
    cmd = [sys.executable, "-m", "claimledger", *args]
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=out, stdin=subprocess.DEVNULL)
        sampler = RoleSampler(proc.pid)
        sampler.start()
        stdout = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"claimledger {' '.join(args)} exited with {proc.returncode}:\n{stderr[-2000:]}")
    return Run(["claimledger", *args], round(seconds, 2), round(usage.ru_utime + usage.ru_stime, 2),
               round(os.getloadavg()[0], 2), sampler.roles(), stdout.decode(errors="replace"), stderr)


# --- the measurements ---------------------------------------------------------------------------

_WROTE = re.compile(r"wrote ([\d,]+) shards? to .*?: ([\d,]+) documents?, ([\d,]+) claims?")


def measure_extract(shards: Sequence[Path], n_docs: int, workers: int, out: Path, log: Path) -> dict[str, Any]:
    run = run_claimledger(["extract", *map(str, shards), "--engine", "dask", "--workers", str(workers),
                           "--out", str(out)], log)
    said = _WROTE.search(run.stderr)
    if not said:
        raise RuntimeError(f"no summary in the extract output:\n{run.stderr[-1000:]}")
    n_shards, docs, claims = (int(g.replace(",", "")) for g in said.groups())
    return _figures(run, n_docs) | {"workers": workers, "shards": n_shards, "documents_extracted": docs,
                                    "claims": claims}


def measure_load(shard_dir: Path, n_docs: int, db: str, log: Path) -> dict[str, Any]:
    run = run_claimledger(["load", str(shard_dir), "--db", db, "--json"], log)
    return _figures(run, n_docs) | {"summary": json.loads(run.stdout)}


def _figures(run: Run, n_docs: int) -> dict[str, Any]:
    return {"documents": n_docs, "seconds": run.seconds, "docs_per_s": round(n_docs / run.seconds, 1),
            "s_per_1k_docs": round(1000 * run.seconds / n_docs, 3), "cpu_s": run.cpu_s,
            "load_avg": run.load_avg, **run.memory}


def run_benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    sizes = sorted(args.sizes)
    t0 = time.perf_counter()
    corpus = generate_corpus(work / "corpus", sizes[-1], seed=args.seed, shard_docs=args.shard_docs)
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "corpus": {"documents": sizes[-1], "shards": len(corpus), "shard_docs": args.shard_docs, "seed": args.seed,
                   "bytes": sum(p.stat().st_size for p in corpus), "generated_s": round(time.perf_counter() - t0, 1),
                   "telegram_posts": (SHARED / "data" / "idf_telegram").is_dir()},
        "extract": {}, "load": {},
    }
    _say(f"corpus: {sizes[-1]:,} documents in {len(corpus)} shards ({result['corpus']['bytes'] / 1e6:,.0f} MB) "
         f"in {result['corpus']['generated_s']} s")
    for n in sizes:
        shards = corpus[:-(-n // args.shard_docs)]
        # Most workers first, and its shards loaded before the other runs: the figures that
        # matter most are in hand first, and only one size's shards are ever on disk.
        for i, workers in enumerate(sorted(args.workers, reverse=True)):
            out = work / f"shards_{n}_{workers}w"
            r = result["extract"][f"{n}_{workers}w"] = measure_extract(shards, n, workers, out, work / "extract.log")
            _say(f"extract {n:,} documents, {workers} worker(s): {r['seconds']} s, {r['docs_per_s']} docs/s, "
                 f"{r['claims']:,} claims, worker {r['worker_max_mb']} MB, client+scheduler {r['client_scheduler_mb']} MB")
            if i == 0 and not args.no_load:
                result["load"].update(measure_loads(args, out, n, work))
            shutil.rmtree(out)
            save(result, args.out)
    return result


def save(result: dict[str, Any], out: Path) -> None:
    """Write what has been measured so far (a stopped run keeps it)."""
    result["ratios"] = ratios(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))


def measure_loads(args: argparse.Namespace, shard_dir: Path, n: int, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with postgres_server(args.pg) as (server, origin):
        out["postgres_origin"] = origin
        if server is not None:
            with fresh_database(server) as db:
                r = out[f"{n}_postgres"] = measure_load(shard_dir, n, db, work / "load.log")
            _say(f"load {n:,} documents into PostgreSQL: {r['seconds']} s, {r['docs_per_s']} docs/s")
        else:
            _say(f"PostgreSQL skipped: {origin}")
    if args.sqlite:
        db_file = work / f"load_{n}.db"
        r = out[f"{n}_sqlite"] = measure_load(shard_dir, n, str(db_file), work / "load.log")
        db_file.unlink()
        _say(f"load {n:,} documents into SQLite: {r['seconds']} s, {r['docs_per_s']} docs/s")
    return out


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    """2 workers over 1 per size; time per 1,000 documents and worker memory at each size over
    the smallest size (1.0: linear time, flat memory). Runs not made are left out."""
    out: dict[str, Any] = {}
    ex, loads = result["extract"], result["load"]
    sizes = sorted({int(k.split("_")[0]) for k in ex})
    counts = sorted({int(k.split("_")[1].rstrip("w")) for k in ex})
    for n in sizes:
        for w in counts[1:]:
            if f"{n}_{w}w" in ex and f"{n}_{counts[0]}w" in ex:
                out[f"extract_{n}_{w}w_over_{counts[0]}w"] = round(
                    ex[f"{n}_{w}w"]["docs_per_s"] / ex[f"{n}_{counts[0]}w"]["docs_per_s"], 3)
    first = sizes[0] if sizes else 0
    for w in counts:
        base = ex.get(f"{first}_{w}w")
        for n in sizes[1:]:
            r = ex.get(f"{n}_{w}w")
            if base and r:
                out[f"extract_{w}w_time_per_doc_{n}_over_{first}"] = round(r["s_per_1k_docs"] / base["s_per_1k_docs"], 3)
                out[f"extract_{w}w_worker_mb_{n}_over_{first}"] = round(r["worker_max_mb"] / base["worker_max_mb"], 3)
    for backend in ("postgres", "sqlite"):
        base = loads.get(f"{first}_{backend}")
        for n in sizes[1:]:
            r = loads.get(f"{n}_{backend}")
            if base and r:
                out[f"load_{backend}_time_per_doc_{n}_over_{first}"] = round(r["s_per_1k_docs"] / base["s_per_1k_docs"], 3)
    return out


# --- report -------------------------------------------------------------------------------------

def table(result: dict[str, Any]) -> str:
    head = (f"{'run':<26}{'docs':>11}{'seconds':>10}{'docs/s':>9}{'s/1k docs':>11}{'claims':>10}"
            f"{'worker MB':>11}{'client+sched MB':>17}{'tree MB':>9}{'load':>6}")
    lines = [head, "-" * len(head)]
    rows = [(f"extract {k}", r) for k, r in result["extract"].items()]
    rows += [(f"load {k}", r) for k, r in result["load"].items() if isinstance(r, dict)]
    for name, r in rows:
        claims = r.get("claims", r.get("summary", {}).get("claims_added", ""))
        lines.append(f"{name:<26}{r['documents']:>11,}{r['seconds']:>10.1f}{r['docs_per_s']:>9.1f}"
                     f"{r['s_per_1k_docs']:>11.3f}{claims:>10}{r['worker_max_mb']:>11.0f}"
                     f"{r['client_scheduler_mb']:>17.0f}{r['tree_mb']:>9.0f}{r['load_avg']:>6.1f}")
    lines.append("ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in result["ratios"].items()))
    return "\n".join(lines)


def _say(msg: str) -> None:
    print(f"[scale] {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def _sizes(text: str) -> list[int]:
    sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive numbers, not {text!r}")
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=_sizes, default=list(SIZES), help="Corpus sizes (default 10000,100000,1000000).")
    ap.add_argument("--workers", type=_sizes, default=[1, 2], help="LocalCluster worker counts (default 1,2).")
    ap.add_argument("--shard-docs", type=int, default=SHARD_DOCS, help="Documents per input shard (a partition).")
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created per load).")
    ap.add_argument("--no-load", action="store_true", help="Extraction only.")
    ap.add_argument("--sqlite", action="store_true", help="Also load each size into a new SQLite file.")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--work", type=Path, help="Working directory (default: a temporary one, removed).")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = ap.parse_args()
    if args.shard_docs < 1:
        ap.error("--shard-docs must be at least 1")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        result = run_benchmark(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="claimledger-scale-") as tmp:
            result = run_benchmark(args, Path(tmp))
    save(result, args.out)
    print(table(result))
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
