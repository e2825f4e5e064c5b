"""Fuzzing campaign for the extractor: many generated inputs, every crash and the slowest inputs.

    .venv/bin/python bench/fuzz.py [--inputs 1000000] [--workers 2] [--seed 1] [--out bench/results/fuzz.json]

Each input goes through ``claimledger.extract`` (which reads it as ``read_text`` does) with a
random publication date. Inputs are drawn from generators that reproduce what broke the
extractor before (issue 11): random unicode (lone surrogates, right-to-left and Cyrillic text,
control characters), real sentences mixed with noise, huge numbers and dates, repeated
structures up to 100 KB, dense claim text with every figure different up to 100 KB, and a few long
lines without spaces. ``DropDocument`` (empty or
markup-only text) is the documented answer to some inputs and is counted, not a crash.

Reports: inputs run, crashes by exception type (each with a reproducer saved under
``bench/results/fuzz_crashes/``), the slowest inputs, time per KB by generator, and how many
inputs under 100 KB took more than 1 s. An input's time is the CPU time the extracting process
spent on it (what the input costs, whatever else the machine runs); wall-clock time is reported
beside it for the slowest inputs and as a second count over 1 s.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import signal
import sys
import time
import traceback
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "The Israeli army said 4 Hamas fighters were killed in Gaza on Tuesday.",
    "Ukraine's General Staff said Russia had lost 1,180 soldiers over the past 24 hours.",
    "“We shot down 29 drones over Ryazan, 27 over Voronezh,” the Russian Defence Ministry said.",
    "At least 12 civilians were wounded, the health ministry said, bringing the toll since October to 30,534.",
    "Of them, 3 were killed and 7 wounded between 6 and 8 January.",
    "The spokesman said the group had carried out 35 attacks in the first six months of 2024.",
    "KYIV, March 4 (Reuters) - Air defences downed 38 of 42 drones overnight, the air force said.",
    "Hezbollah denied Israel's claim that it had killed 50 of its fighters.",
]
NOISE = ["\ud800", "\udfff", "\u202e", "\u200f", "\u0000", "\ufeff", "Привет мир", "مرحبا بالعالم", "שלום",
         '"', "“", "”", "al-", "the spokesman said ", "...", "\n\n", "\t", "🚀", "<b>", "&amp;", "*", "#",
         "http://example.org/2024/01/02/x", "9" * 30, "1e308", "year 99999", "the past 99999999 days"]
UNITS = ["the spokesman said ", "Of them, 3 were killed. ", "al-", '"', "12 ", "12. ", "3 killed, ", "“5 tanks ",
         '"5 soldiers were killed," the army said. ', "killed ", "the ", ", ", "- ", "(", ")", *SENTENCES]
MAX_SMALL = 100_000


def gen_unicode(r: random.Random) -> str:
    n = r.choice([1, 5, 20, 80, 300, 2000])
    pools = [(0x20, 0x7E), (0x400, 0x4FF), (0x590, 0x6FF), (0xD800, 0xDFFF), (0x0, 0x1F), (0x2000, 0x206F),
             (0x1F300, 0x1F6FF), (0x4E00, 0x4FFF)]
    out = []
    for _ in range(n):
        lo, hi = r.choice(pools)
        out.append(chr(r.randint(lo, hi)))
    return "".join(out)


def gen_mixed(r: random.Random) -> str:
    parts = []
    for _ in range(r.randint(1, 30)):
        k = r.random()
        if k < 0.45:
            parts.append(r.choice(SENTENCES))
        elif k < 0.75:
            parts.append(r.choice(NOISE))
        elif k < 0.9:
            parts.append(str(r.choice([r.randint(0, 10**r.randint(1, 30)), -r.randint(0, 99)])))
        else:
            parts.append(gen_unicode(r)[:20])
    return r.choice([" ", "", "\n", "\n\n", ", "]).join(parts)


def gen_numbers(r: random.Random) -> str:
    n = r.choice(["9" * r.randint(10, 400), f"{r.randint(0, 10**40):,}", "1" + "0" * r.randint(5, 50),
                  f"{r.random() * 10**r.randint(1, 300):.2f}", "two thousand and " * r.randint(1, 50) + "one"])
    when = r.choice(["in the past %d days" % r.randint(0, 10**9), "in %d" % r.randint(0, 10**6), "on %d %s %d" % (
        r.randint(0, 99), r.choice(["January", "February", "March"]), r.randint(0, 99999)), "last Monday", ""])
    return f"The army said {n} soldiers were killed {when}."


def gen_repeated(r: random.Random) -> str:
    unit = r.choice(UNITS + NOISE)
    size = r.choice([100, 1_000, 5_000, 20_000, 60_000, 99_000])
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def gen_dense(r: random.Random) -> str:
    """Real-looking claim sentences, every figure drawn anew (no two alike): the most work per KB
    a text can ask, since each figure is a claim to attribute, date and decide."""
    size = r.choice([1_000, 10_000, 50_000, 99_000])
    parts, n = [], 0
    while n < size:
        part = re.sub(r"\d+", lambda m: str(r.randint(2, 9_999)), r.choice(SENTENCES))
        parts.append(part)
        n += len(part) + 1
    return " ".join(parts)[:size]


def gen_long_line(r: random.Random) -> str:
    size = r.choice([200_000, 1_000_000])
    return r.choice(["x", "9", "a-", "“"]) * (size // 2)


# Weights: big inputs are rare because each costs as much as a thousand small ones; over a
# million inputs that is still about 500 repeated structures and 20 long lines.
GENERATORS = [(gen_unicode, 0.35), (gen_mixed, 0.45), (gen_numbers, 0.19923), (gen_repeated, 0.0005),
              (gen_dense, 0.00025), (gen_long_line, 0.00002)]


def _draw(r: random.Random) -> tuple[str, str]:
    x, acc = r.random(), 0.0
    for gen, weight in GENERATORS:
        acc += weight
        if x < acc:
            return gen.__name__, gen(r)
    return "gen_mixed", gen_mixed(r)


def _warm(parent: int) -> None:
    """Load the registry, the model and any lazily loaded parser before anything is timed; end
    with the campaign (a stopped campaign leaves no worker running)."""
    from claimledger import extract
    from claimledger.extract.parallel import die_with_parent

    die_with_parent(parent)

    for text in SENTENCES:
        extract(text + " He said 3 were killed, officials told reporters.", published="2024-01-01")


def _work(args: tuple[int, int, int]) -> dict:
    from claimledger import DropDocument, extract

    worker, seed, count = args
    r = random.Random(seed)
    crashes: list[dict] = []
    slow: list[tuple[float, str, int, str, float]] = []
    per_gen: dict[str, list[float]] = {}
    dropped = over_1s = over_1s_wall = 0
    for i in range(count):
        name, text = _draw(r)
        published = (date(2000, 1, 1) + timedelta(days=r.randint(0, 10_000))).isoformat() if r.random() < 0.8 else None
        started, wall = time.process_time(), time.perf_counter()
        try:
            extract(text, published=published)
        except DropDocument:
            dropped += 1
        except Exception as exc:  # a crash: what the campaign is looking for
            crashes.append({"type": type(exc).__name__, "message": str(exc)[:200], "generator": name,
                            "text": text[:2000], "length": len(text), "published": published,
                            "trace": traceback.format_exc()[-1500:]})
        seconds, wall = time.process_time() - started, time.perf_counter() - wall
        stats = per_gen.setdefault(name, [0, 0.0, 0.0])
        stats[0] += 1; stats[1] += seconds; stats[2] += len(text) / 1000
        if len(text) < MAX_SMALL and seconds > 1.0:
            over_1s += 1
        if len(text) < MAX_SMALL and wall > 1.0:
            over_1s_wall += 1
        slow.append((seconds, name, len(text), text[:120], round(wall, 3)))
        if len(slow) > 200:
            slow = sorted(slow, reverse=True)[:20]
    return {"crashes": crashes, "slow": sorted(slow, reverse=True)[:20], "per_gen": per_gen,
            "dropped": dropped, "over_1s": over_1s, "over_1s_wall": over_1s_wall, "inputs": count}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=5_000, help="inputs per task")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "fuzz.json"))
    args = ap.parse_args()

    tasks = [(k, args.seed * 1_000_003 + k, min(args.chunk, args.inputs - k * args.chunk))
             for k in range((args.inputs + args.chunk - 1) // args.chunk)]
    campaign = Campaign(args, Path(args.out))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped campaign still writes its report
    try:
        with mp.get_context("spawn").Pool(args.workers, initializer=_warm, initargs=(os.getpid(),)) as pool:
            for res in pool.imap_unordered(_work, tasks):
                campaign.add(res)
                campaign.write(complete=False)  # what was run so far is never lost
                print(f"{campaign.done:,} inputs, {len(campaign.crashes)} crashes, {campaign.elapsed():.0f} s", flush=True)
    finally:
        report = campaign.write(complete=campaign.done == args.inputs)
    print(json.dumps({k: v for k, v in report.items() if k != "slowest"}, indent=1))
    print("slowest (CPU s):", *(f"  {s['cpu_seconds']} s ({s['wall_seconds']} s wall) {s['generator']} {s['length']:,} chars"
                                for s in report["slowest"][:8]),
          sep="\n")


class Campaign:
    """The results of the tasks run so far, and their report."""

    def __init__(self, args: argparse.Namespace, out: Path) -> None:
        self.args, self.out = args, out
        self.started = time.perf_counter()
        self.crashes: list[dict] = []
        self.slow: list[tuple] = []
        self.per_gen: dict[str, list[float]] = {}
        self.dropped = self.over_1s = self.over_1s_wall = self.done = 0

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def add(self, res: dict) -> None:
        self.crashes += res["crashes"]
        self.slow = sorted(self.slow + res["slow"], reverse=True)[:20]
        self.dropped += res["dropped"]; self.over_1s += res["over_1s"]; self.over_1s_wall += res["over_1s_wall"]
        self.done += res["inputs"]
        for g, (n, s, kb) in res["per_gen"].items():
            acc = self.per_gen.setdefault(g, [0, 0.0, 0.0])
            acc[0] += n; acc[1] += s; acc[2] += kb

    def write(self, *, complete: bool) -> dict:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        crash_dir = self.out.parent / "fuzz_crashes"
        for k, c in enumerate(self.crashes[:50]):
            crash_dir.mkdir(exist_ok=True)
            (crash_dir / f"crash_{k:03d}.json").write_text(json.dumps(c, ensure_ascii=True, indent=1))
        report = {
            "inputs": self.done, "complete": complete, "seconds": round(self.elapsed(), 1),
            "workers": self.args.workers, "seed": self.args.seed, "crashes": len(self.crashes),
            "crashes_by_type": dict(Counter(f"{c['type']}: {c['message'][:80]}" for c in self.crashes).most_common(20)),
            "dropped_as_documented": self.dropped, "under_100kb_over_1s": self.over_1s,
            "under_100kb_over_1s_wall_clock": self.over_1s_wall,
            "per_generator": {g: {"inputs": n, "cpu_seconds": round(s, 1),
                                  "ms_per_kb": round(1000 * s / kb, 3) if kb else None}
                              for g, (n, s, kb) in sorted(self.per_gen.items())},
            "slowest": [{"cpu_seconds": round(s, 3), "wall_seconds": w, "generator": g, "length": n, "start": t}
                        for s, g, n, t, w in self.slow],
        }
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(report, ensure_ascii=True, indent=1))
        tmp.replace(self.out)
        return report


if __name__ == "__main__":
    main()
