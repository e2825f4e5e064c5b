"""Ingest throughput and memory: the cost of storing claims, measured against extraction alone.

    .venv/bin/python bench/ingest_speed.py [--docs 10000] [--quick] [--repeat 1] [--pg URL]
                                           [--batch-size 200] [--out bench/results/ingest.json]

Corpus: ``--docs`` JSONL records (``text``, ``published``, ``outlet``, ``title``) in shards of
500 under a temp directory, drawn with a fixed seed from the project's own articles
(``tests/data/articles``, ``examples/reports``) and the shared Telegram posts (../shared, when present).
Each record ends with a numbered line ("Bulletin 1234.") so that every document is new to the
ledger, while the copies of one article stay near-duplicates of each other as wire copies are.

Every measurement is a fresh ``python -m claimledger ...`` process, timed from start to exit
(interpreter and model start-up included, as a user sees it):

* ``extract CORPUS --format jsonl`` (the baseline: extraction alone, one process);
* ``ingest CORPUS`` into SQLite and PostgreSQL with 1 and 2 workers, each into a new ledger
  (PostgreSQL: ``--pg URL``, else ``$CLAIMLEDGER_TEST_PG``, else a throwaway server started
  with ``scripts/postgres.sh``; a new database per run, dropped afterwards);
* SQLite with 1 worker on the first quarter, half and whole corpus (is memory flat?);
* the whole corpus again into the full SQLite ledger (everything is skipped).

Machines are noisy, so the figures that travel are ratios (and with ``--repeat N`` each
measurement is run N times and the fastest counts): ingest documents/s over
extraction documents/s (what storing costs) and 2 workers over 1.

Memory, per run: ``peak_tree_rss_mb`` is the highest sum of VmRSS over the process and its
descendants, sampled every 50 ms from /proc (the tree is re-read every 250 ms, so a worker is
seen at most that late); ``peak_tree_pss_mb`` is the same with PSS (shared pages split among
the processes sharing them, so forked workers are not counted twice); ``max_process_rss_mb``
is the kernel's exact peak of the largest single process in the tree (``wait4`` rusage).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TELEGRAM_POSTS = Path("data") / "idf_telegram" / "idf_telegram_posts.csv"
SEED = 20240601
SHARD_DOCS = 500
SAMPLE_S = 0.05
RESCAN_EVERY = 5            # samples between re-reading the process tree
QUICK_DOCS = 600


# --- corpus -------------------------------------------------------------------------------------

def own_articles() -> list[dict[str, Any]]:
    """The project's articles and examples as records, read the way claimledger reads them."""
    from claimledger.ingest import iter_documents

    paths = [str(ROOT / "tests" / "data" / "articles"), str(ROOT / "examples" / "reports")]
    return [{"text": d.text, "published": d.published, "outlet": d.outlet, "title": d.title}
            for d in iter_documents(paths, on_error=lambda e: None) if d.text.strip()]


def telegram_posts(shared: Path) -> list[dict[str, Any]]:
    """The shared Telegram posts as records; none when ../shared is absent."""
    path = shared / TELEGRAM_POSTS
    if not path.is_file():
        return []
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("Text") or "").strip()]
    # The dataset's name stands for the channel: the CSV does not name it.
    return [{"text": r["Text"], "published": _iso_day(r.get("Date") or ""), "outlet": path.parent.name,
             "title": None} for r in rows]


_POST_DAY_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y")  # the CSV's layouts, all day first


def _iso_day(raw: str) -> str | None:
    day = raw.split()[0] if raw.split() else ""  # "23.04.2024 13:46:40 UTC+03:00" -> its day
    for fmt in _POST_DAY_FORMATS:
        try:
            return datetime.strptime(day, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def generate_corpus(out_dir: Path, n_docs: int, *, seed: int = SEED, shard_docs: int = SHARD_DOCS,
                    shared: Path = SHARED) -> list[Path]:
    """Write ``n_docs`` unique JSONL records into shards under ``out_dir``; return the shards in order.

    The pool (own articles plus the shared Telegram posts) is shuffled afresh, with ``seed``,
    each time it is used up, so every item appears about equally often; record ``i`` ends
    with "Bulletin i." so no two texts are the same.
    """
    if n_docs < 1 or shard_docs < 1:
        raise ValueError(f"need at least one document and one per shard, not {n_docs} and {shard_docs}")
    pool = own_articles() + telegram_posts(shared)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    shards: list[Path] = []
    records = _numbered(pool, n_docs, rng)
    for start in range(0, n_docs, shard_docs):
        shard = out_dir / f"shard_{start // shard_docs:04d}.jsonl"
        with shard.open("w", encoding="utf-8") as f:
            for _ in range(min(shard_docs, n_docs - start)):
                f.write(json.dumps(next(records), ensure_ascii=False) + "\n")
        shards.append(shard)
    return shards


def _numbered(pool: list[dict[str, Any]], n_docs: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    order: list[dict[str, Any]] = []
    for i in range(1, n_docs + 1):
        if not order:
            order = pool[:]
            rng.shuffle(order)
        item = order.pop()
        record = {k: v for k, v in item.items() if v}
        record["text"] = f"{item['text'].rstrip()}\n\nBulletin {i}."
        yield record


# --- measuring a process tree -------------------------------------------------------------------

@dataclass(slots=True)
class Run:
    """One timed command and what its process tree used."""

    command: list[str]
    seconds: float
    cpu_s: float                # user + system, the process and the workers it reaped
    load_avg: float             # 1-minute load average at the end: others' work slows the wall clock
    exit_code: int
    peak_tree_rss_mb: float
    peak_tree_pss_mb: float
    max_process_rss_mb: float
    peak_processes: int
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process and its descendants until stopped."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        pids = [self.root_pid]
        n = 0
        while not self._stop_event.is_set():
            if n % RESCAN_EVERY == 0:
                pids = descendants(self.root_pid)
            n += 1
            rss = pss = alive = 0
            for pid in pids:
                kb = _proc_kb(pid, "status", "VmRSS:")
                if kb is None:
                    continue
                alive += 1
                rss += kb
                pss += _proc_kb(pid, "smaps_rollup", "Pss:") or 0
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_processes = max(self.peak_processes, alive)
            self._stop_event.wait(SAMPLE_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (read from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (...) may hold spaces
        children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _proc_kb(pid: int, file: str, key: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/{file}").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return None


def run_claimledger(args: Sequence[str], work: Path, stdout_file: Path | None = None) -> Run:
    """Run ``python -m claimledger ARGS`` in a fresh process and measure it."""
    cmd = [sys.executable, "-m", "claimledger", *args]
    out_path = stdout_file or work / "stdout.txt"
    err_path = work / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
    run = Run(command=["claimledger", *args], seconds=round(seconds, 2),
              cpu_s=round(usage.ru_utime + usage.ru_stime, 2), load_avg=round(os.getloadavg()[0], 2),
              exit_code=proc.returncode,
              peak_tree_rss_mb=_mb(sampler.peak_rss_kb), peak_tree_pss_mb=_mb(sampler.peak_pss_kb),
              max_process_rss_mb=_mb(usage.ru_maxrss), peak_processes=sampler.peak_processes,
              stdout="" if stdout_file else out_path.read_text(errors="replace"),
              stderr=err_path.read_text(errors="replace"))
    if run.exit_code != 0:
        raise RuntimeError(f"{' '.join(run.command)} exited with {run.exit_code}:\n{run.stderr[-2000:]}")
    return run


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


# --- PostgreSQL ---------------------------------------------------------------------------------

@contextmanager
def postgres_server(given: str | None) -> Iterator[tuple[str | None, str]]:
    """(server URL or None, where it came from): the given URL, $CLAIMLEDGER_TEST_PG, or a throwaway one."""
    url = given or os.environ.get("CLAIMLEDGER_TEST_PG")
    if url:
        yield url, "--pg" if given else "$CLAIMLEDGER_TEST_PG"
        return
    # Not under ``work``: the server runs as the postgres user, who cannot enter our private temp dir.
    pg_dir = Path(tempfile.gettempdir()) / f"claimledger-bench-pg-{secrets.token_hex(4)}"
    started = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start", str(pg_dir)],
                             capture_output=True, text=True)
    try:
        if started.returncode != 0:
            yield None, f"could not start a server: {started.stderr.strip()[-500:]}"
        else:
            yield started.stdout.strip().splitlines()[-1], "throwaway server (scripts/postgres.sh, fsync off)"
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", str(pg_dir)], capture_output=True)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty database on ``server`` for one run, dropped afterwards."""
    import psycopg
    from psycopg import sql
    from urllib.parse import urlsplit, urlunsplit

    name = f"cl_bench_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- the measurements ---------------------------------------------------------------------------

_SUMMARY = re.compile(r"read ([\d,]+) documents: ([\d,]+) new, ([\d,]+) already in the ledger; ([\d,]+) claims added")


def measure_extract(inputs: Sequence[Path], n_docs: int, work: Path) -> dict[str, Any]:
    """The baseline: ``extract --format jsonl`` (one claim a line, counted afterwards)."""
    out = work / "claims.jsonl"
    run = run_claimledger(["extract", *map(str, inputs), "--format", "jsonl"], work, stdout_file=out)
    with out.open("rb") as f:
        claims = sum(1 for _ in f)
    out.unlink()
    return _figures(run, n_docs, claims=claims)


def measure_ingest(inputs: Sequence[Path], n_docs: int, db: str, workers: int, batch_size: int,
                   work: Path) -> dict[str, Any]:
    """One ``ingest`` into ``db``, with what it said it added and what the ledger then holds."""
    run = run_claimledger(["ingest", *map(str, inputs), "--db", db, "--workers", str(workers),
                           "--batch-size", str(batch_size), "--no-progress"], work)
    said = _SUMMARY.search(run.stdout)
    if not said:
        raise RuntimeError(f"no summary in the ingest output:\n{run.stdout[-1000:]}")
    read, new, skipped, claims = (int(g.replace(",", "")) for g in said.groups())
    status = run_claimledger(["status", "--db", db, "--json"], work)
    result = _figures(run, n_docs, claims=claims)
    result.update(workers=workers, documents_read=read, documents_added=new, documents_skipped=skipped,
                  ledger=json.loads(status.stdout))
    return result


def _figures(run: Run, n_docs: int, *, claims: int) -> dict[str, Any]:
    out = {k: v for k, v in asdict(run).items() if k not in ("stdout", "stderr", "exit_code")}
    out.update(documents=n_docs, claims=claims, docs_per_s=round(n_docs / run.seconds, 1),
               cpu_ms_per_doc=round(1000 * run.cpu_s / n_docs, 2))
    return out


def best_of(repeat: int, measure: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (others' work on the machine only ever slows one down),
    with every run's seconds in ``seconds_all``."""
    runs = [measure(i) for i in range(repeat)]
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["seconds_all"] = [r["seconds"] for r in runs]
    return best


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def run_benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    n_docs = QUICK_DOCS if args.quick else args.docs
    corpus_dir = work / "corpus"
    t0 = time.perf_counter()
    shards = generate_corpus(corpus_dir, n_docs, seed=args.seed)
    words = sum(len(json.loads(line)["text"].split()) for s in shards for line in s.open(encoding="utf-8"))
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "corpus": {"documents": n_docs, "words": words, "shards": len(shards), "seed": args.seed,
                   "telegram_posts": (SHARED / TELEGRAM_POSTS).is_file(),
                   "generated_s": round(time.perf_counter() - t0, 2)},
        "batch_size": args.batch_size, "quick": args.quick, "repeat": args.repeat,
    }
    _say(f"corpus: {n_docs:,} documents, {words:,} words in {len(shards)} shards under {corpus_dir}")
    base = result["extract"] = best_of(args.repeat, lambda i: measure_extract([corpus_dir], n_docs, work))
    _say(f"extract: {base['seconds_all']} s")
    runs: dict[str, dict[str, Any]] = {}
    for workers in (1, 2):
        r = runs[f"sqlite_{workers}w"] = best_of(args.repeat, lambda i: measure_ingest(
            [corpus_dir], n_docs, str(work / f"sqlite_{workers}w_{i}.db"), workers, args.batch_size, work))
        _say(f"sqlite, {workers} worker(s): {r['seconds_all']} s")
    full_db = str(work / "sqlite_1w_0.db")
    again = result["reingest_sqlite_1w"] = best_of(args.repeat, lambda i: measure_ingest(
        [corpus_dir], n_docs, full_db, 1, args.batch_size, work))
    _say(f"re-ingest: {again['seconds_all']} s")
    if not args.quick:
        runs.update(measure_postgres(args, corpus_dir, n_docs, work, result))
        growth = result["memory_growth_sqlite_1w"] = measure_growth(shards, n_docs, args, work,
                                                                    runs["sqlite_1w"])
        peaks = [g["peak_tree_rss_mb"] for g in growth]
        result["memory_growth_largest_over_smallest"] = _ratio(max(peaks), min(peaks))
    result["ingest"] = runs
    result["ratios"] = ratios(base, runs)
    return result


def measure_postgres(args: argparse.Namespace, corpus_dir: Path, n_docs: int, work: Path,
                     result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    runs: dict[str, dict[str, Any]] = {}
    with postgres_server(args.pg) as (server, origin):
        result["postgres"] = origin
        if server is None:
            _say(f"postgres skipped: {origin}")
            return runs
        for workers in (1, 2):
            r = runs[f"postgres_{workers}w"] = best_of(args.repeat, lambda i: _ingest_new_database(
                server, corpus_dir, n_docs, workers, args.batch_size, work))
            _say(f"postgres, {workers} worker(s): {r['seconds_all']} s")
    return runs


def _ingest_new_database(server: str, corpus_dir: Path, n_docs: int, workers: int, batch_size: int,
                         work: Path) -> dict[str, Any]:
    with fresh_database(server) as db:
        return measure_ingest([corpus_dir], n_docs, db, workers, batch_size, work)


def measure_growth(shards: list[Path], n_docs: int, args: argparse.Namespace, work: Path,
                   whole: dict[str, Any]) -> list[dict[str, Any]]:
    """Peak memory of SQLite/1 worker on a quarter, a half and all of the corpus (prefixes)."""
    rows = []
    for part in (4, 2):
        n_shards = max(1, len(shards) // part)
        n = min(n_docs, n_shards * SHARD_DOCS)
        r = best_of(args.repeat, lambda i: measure_ingest(
            shards[:n_shards], n, str(work / f"growth_{n}_{i}.db"), 1, args.batch_size, work))
        _say(f"growth, {n:,} documents: {r['seconds_all']} s")
        rows.append(r)
    rows.append(whole)
    keep = ("documents", "seconds", "seconds_all", "docs_per_s", "cpu_ms_per_doc", "peak_tree_rss_mb", "peak_tree_pss_mb",
            "max_process_rss_mb")
    return [{k: r[k] for k in keep} for r in rows]


def ratios(base: dict[str, Any], runs: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Throughput ratios by the wall clock, and by CPU time (steadier on a shared machine;
    PostgreSQL's server process is not counted in it)."""
    out = {f"{name}_over_extract": _ratio(r["docs_per_s"], base["docs_per_s"]) for name, r in runs.items()}
    out.update({f"{name}_over_extract_cpu": _ratio(base["cpu_ms_per_doc"], r["cpu_ms_per_doc"])
                for name, r in runs.items()})
    for backend in ("sqlite", "postgres"):
        if f"{backend}_1w" in runs and f"{backend}_2w" in runs:
            one, two = runs[f"{backend}_1w"], runs[f"{backend}_2w"]
            out[f"{backend}_2w_over_1w"] = _ratio(two["docs_per_s"], one["docs_per_s"])
    return out


# --- report -------------------------------------------------------------------------------------

def table(result: dict[str, Any]) -> str:
    head = f"{'run':<22}{'docs':>8}{'seconds':>9}{'docs/s':>9}{'x extract':>10}{'CPU ms/doc':>11}" \
           f"{'claims':>9}{'tree RSS MB':>13}{'tree PSS MB':>13}{'max proc MB':>13}{'load':>6}"
    lines = [head, "-" * len(head)]
    base = result["extract"]
    rows = [("extract (baseline)", base), *result["ingest"].items(),
            ("re-ingest sqlite 1w", result["reingest_sqlite_1w"])]
    for name, r in rows:
        lines.append(f"{name:<22}{r['documents']:>8,}{r['seconds']:>9.1f}{r['docs_per_s']:>9.1f}"
                     f"{_ratio(r['docs_per_s'], base['docs_per_s']):>10.2f}{r['cpu_ms_per_doc']:>11.2f}"
                     f"{r['claims']:>9,}{r['peak_tree_rss_mb']:>13.0f}{r['peak_tree_pss_mb']:>13.0f}"
                     f"{r['max_process_rss_mb']:>13.0f}{r['load_avg']:>6.1f}")
    lines.append("ratios: " + ", ".join(f"{name} {value:.2f}" for name, value in result["ratios"].items()
                                        if value is not None))
    again = result["reingest_sqlite_1w"]
    lines.append(f"re-ingest: {again['documents_added']} new, {again['documents_skipped']:,} skipped "
                 f"in {again['seconds']:.1f} s ({again['docs_per_s']:,.0f} docs/s)")
    if "memory_growth_sqlite_1w" in result:
        growth = result["memory_growth_sqlite_1w"]
        lines.append("memory as the corpus grows (sqlite, 1 worker): " + ", ".join(
            f"{g['documents']:,} docs {g['peak_tree_rss_mb']:.0f} MB" for g in growth)
            + f" (largest/smallest {result['memory_growth_largest_over_smallest']:.2f})")
    if "postgres" in result:
        lines.append(f"postgres: {result['postgres']}")
    return "\n".join(lines)


def _say(msg: str) -> None:
    print(f"[ingest_speed] {msg}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000, help="Corpus size (default 10,000).")
    ap.add_argument("--quick", action="store_true",
                    help=f"Smoke run: {QUICK_DOCS} documents, SQLite only, no growth series.")
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created per run).")
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--repeat", type=int, default=1,
                    help="Runs of each measurement; the fastest counts (default 1).")
    ap.add_argument("--out", type=Path, help="JSON results (default bench/results/ingest[_quick].json).")
    args = ap.parse_args()
    if args.docs < 1 or args.repeat < 1 or args.batch_size < 1:
        ap.error("--docs, --repeat and --batch-size must be at least 1")
    out = args.out or ROOT / "bench" / "results" / ("ingest_quick.json" if args.quick else "ingest.json")
    with tempfile.TemporaryDirectory(prefix="claimledger-bench-") as tmp:
        result = run_benchmark(args, Path(tmp))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(table(result))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
