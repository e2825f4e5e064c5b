"""The ingest benchmark's corpus generator and process measuring (not the benchmark itself)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ingest_speed", ROOT / "bench" / "ingest_speed.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _read_back(shards: list[Path]) -> list:
    from claimledger.ingest import iter_documents

    return list(iter_documents([str(s) for s in shards]))


def test_corpus_is_unique_documents_in_full_shards(bench: ModuleType, tmp_path: Path) -> None:
    # No shared data: the pool is the project's own ~45 articles, so 100 documents repeat them.
    shards = bench.generate_corpus(tmp_path / "c", 100, shard_docs=30, shared=tmp_path / "no-shared")
    assert [s.name for s in shards] == [f"shard_{i:04d}.jsonl" for i in range(4)]
    assert [len(s.read_text(encoding="utf-8").splitlines()) for s in shards] == [30, 30, 30, 10]
    docs = _read_back(shards)
    assert len(docs) == 100
    assert len({d.doc_id for d in docs}) == 100
    assert docs[-1].text.endswith("Bulletin 100.")
    assert len({d.text.rsplit("Bulletin", 1)[0] for d in docs}) < 100  # articles do come back


def test_corpus_is_reproducible_from_its_seed(bench: ModuleType, tmp_path: Path) -> None:
    def corpus(name: str, seed: int) -> list[str]:
        shards = bench.generate_corpus(tmp_path / name, 20, seed=seed, shared=tmp_path / "no-shared")
        return [s.read_text(encoding="utf-8") for s in shards]

    assert corpus("a", 1) == corpus("b", 1)
    assert corpus("a", 1) != corpus("c", 2)


def test_corpus_draws_on_the_shared_telegram_posts(bench: ModuleType, tmp_path: Path) -> None:
    if not (SHARED / bench.TELEGRAM_POSTS).is_file():
        pytest.skip("../shared/data/idf_telegram is not present")
    docs = _read_back(bench.generate_corpus(tmp_path, 60, shared=SHARED))
    assert len({d.doc_id for d in docs}) == 60
    posts = [d for d in docs if d.outlet == "idf_telegram"]
    assert len(posts) > 30  # posts outnumber the project's articles in the pool
    # The CSV's dates come in several day-first layouts; every one is read (one post has none).
    assert sum(d.published is None for d in posts) <= 1
    assert all("2023-10-01" <= d.published <= "2024-12-31" for d in posts if d.published)


def test_descendants_include_a_child_process(bench: ModuleType) -> None:
    import os

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        tree = bench.descendants(os.getpid())
        assert os.getpid() in tree and child.pid in tree
    finally:
        child.kill()
        child.wait()


def test_run_measures_a_claimledger_process(bench: ModuleType, tmp_path: Path) -> None:
    from claimledger.store import open_ledger

    with open_ledger(tmp_path / "l.db"):  # an empty ledger: status refuses a missing one
        pass
    run = bench.run_claimledger(["status", "--db", str(tmp_path / "l.db"), "--json"], tmp_path)
    assert run.exit_code == 0 and '"documents": 0' in run.stdout
    assert run.max_process_rss_mb > 10 and run.peak_processes >= 1 and run.seconds > 0
    with pytest.raises(RuntimeError, match="exited with"):
        bench.run_claimledger(["status", "--db", str(tmp_path), "--json"], tmp_path)
