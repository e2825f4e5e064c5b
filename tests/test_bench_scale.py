"""The scale benchmark's corpus generator, process roles and ratios (not the benchmark itself)."""
from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scale() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _records(shards: list[Path]) -> list[dict]:
    return [json.loads(line) for s in shards for line in s.read_text(encoding="utf-8").splitlines()]


def test_corpus_is_unique_documents_with_relays(scale: ModuleType, tmp_path: Path) -> None:
    shards = scale.generate_corpus(tmp_path / "c", 400, shard_docs=150, shared=tmp_path / "no-shared")
    assert [s.name for s in shards] == ["shard_00000.jsonl", "shard_00001.jsonl", "shard_00002.jsonl"]
    records = _records(shards)
    assert len(records) == 400 and len({r["text"] for r in records}) == 400
    relays = [r for r in records if "(Relayed, item" in r["text"]]
    # About RELAY_SHARE of the documents repeat an earlier one under an outlet of the list.
    assert 0.05 < len(relays) / len(records) < 0.3
    originals = {r["text"] for r in records if "(Relayed" not in r["text"]}
    assert all(r["text"].split("\n\n(Relayed")[0] in originals for r in relays)
    assert all(r["outlet"] in scale.OUTLETS and r["published"] for r in records)
    # Documents are composed anew: few share their first sentence.
    firsts = [r["text"].split(". ")[0] for r in records if "(Relayed" not in r["text"]]
    assert len(set(firsts)) > 0.8 * len(firsts)


def test_corpus_is_reproducible_from_its_seed(scale: ModuleType, tmp_path: Path) -> None:
    def corpus(name: str, seed: int) -> list[str]:
        shards = scale.generate_corpus(tmp_path / name, 30, seed=seed, shared=tmp_path / "no-shared")
        return [s.read_text(encoding="utf-8") for s in shards]

    assert corpus("a", 1) == corpus("b", 1)
    assert corpus("a", 1) != corpus("c", 2)


def test_figures_are_redrawn_but_years_days_and_times_kept(scale: ModuleType) -> None:
    text = "At 13:13 on 7 October 2023 the army said 1,200 were killed, 45 wounded and 3.5 tonnes seized on October 12."
    out = scale.redraw_figures(text, random.Random(3))
    assert out.startswith("At 13:13 on 7 October 2023 the army said ")
    assert "3.5 tonnes" in out and out.endswith("on October 12.")
    killed, wounded = re.search(r"said ([\d,]+) were killed, (\d+) wounded", out).groups()
    assert re.fullmatch(r"[1-9],\d{3}", killed) and re.fullmatch(r"[1-9]\d", wounded)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 ,.:abc"), max_size=40), st.integers(0, 2**32))
def test_redrawing_keeps_the_shape_of_any_text(scale: ModuleType, text: str, seed: int) -> None:
    out = scale.redraw_figures(text, random.Random(seed))
    # Only digits change, one for one: the text's length and every other character stay.
    assert len(out) == len(text)
    assert [c for c in out if not c.isdigit()] == [c for c in text if not c.isdigit()]


def test_ratios_compare_workers_and_sizes(scale: ModuleType) -> None:
    def run(seconds: float, n: int, mb: float) -> dict:
        return {"docs_per_s": n / seconds, "s_per_1k_docs": 1000 * seconds / n, "worker_max_mb": mb}

    result = {"extract": {"10_2w": run(1, 10, 100), "10_1w": run(2, 10, 100), "100_2w": run(10, 100, 110)},
              "load": {"10_postgres": run(1, 10, 0), "100_postgres": run(20, 100, 0)}}
    r = scale.ratios(result)
    assert r["extract_10_2w_over_1w"] == 2.0
    assert "extract_100_2w_over_1w" not in r          # no 1-worker run at 100: left out
    assert r["extract_2w_time_per_doc_100_over_10"] == 1.0
    assert r["extract_2w_worker_mb_100_over_10"] == 1.1
    assert r["load_postgres_time_per_doc_100_over_10"] == 2.0


def test_roles_find_the_client_and_its_spawned_workers(scale: ModuleType) -> None:
    import multiprocessing as mp
    import os
    import time

    ctx = mp.get_context("spawn")
    sampler = scale.RoleSampler(os.getpid())
    with ctx.Pool(1) as pool:
        sampler.start()
        pool.apply(time.sleep, (0.6,))
        sampler.stop()
    roles = sampler.roles()
    assert roles["workers_seen"] >= 1 and roles["worker_max_mb"] > 1
    assert roles["client_scheduler_mb"] > roles["worker_max_mb"] / 10 and roles["tree_mb"] >= roles["client_scheduler_mb"]
