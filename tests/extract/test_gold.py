"""Extraction quality on annotated articles: the project's own and the shared seeds.

The thresholds are the bars a release must hold; the figures themselves are printed by
``claimledger evaluate`` (see README).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimledger import extract_documents, iter_documents
from claimledger.analyze.evaluate import Report, gold_files, load_gold


def evaluate_dir(gold: Path, texts: Path, extractor) -> Report:
    report = Report()
    war_starts = extractor.registry.war_starts()
    for name, path in gold_files(gold):
        text = next(texts.glob(f"{name}.*"))
        docs = iter_documents([str(text)], war_starts=war_starts)
        pred = [c.to_dict() for r in extract_documents(docs, registry=extractor.registry) for c in r.claims]
        report.add(name, load_gold(path)["claims"], pred)
    return report


def test_seeds(shared: Path, extractor) -> None:
    s = evaluate_dir(shared / "gold", shared / "seeds", extractor).summary()
    assert s["strict"]["f1"] >= 0.90, s
    assert s["attributes"]["claimant_party"] >= 0.90, s


def test_own_articles(gold_dir: Path, articles_dir: Path, extractor) -> None:
    s = evaluate_dir(gold_dir, articles_dir, extractor).summary()
    assert s["strict"]["gold"] >= 150, "the annotated set shrank"
    assert s["strict"]["f1"] >= 0.80, json.dumps({k: s[k] for k in ("strict", "lenient", "attributes")})
    assert s["attributes"]["claimant_party"] >= 0.85, s["attributes"]


def test_gold_files_are_consistent(gold_dir: Path, articles_dir: Path) -> None:
    """Every evidence sentence of the own gold files is verbatim in its article."""
    names = gold_files(gold_dir)
    assert len(names) >= 30
    for name, path in names:
        text = next(articles_dir.glob(f"{name}.*")).read_text("utf-8")
        for claim in load_gold(path)["claims"]:
            for ev in claim["evidence"]:
                assert ev in text, (name, ev)


@pytest.mark.parametrize("field", ["category", "qualifier", "modality", "period_kind"])
def test_own_gold_covers_the_schema(gold_dir: Path, field: str) -> None:
    values = {c[field] for _, p in gold_files(gold_dir) for c in load_gold(p)["claims"]}
    wanted = {
        "category": {"killed", "wounded", "casualties", "captured", "missing", "arrested", "displaced",
                     "equipment_destroyed", "aircraft_downed", "materiel_seized", "buildings_destroyed",
                     "attacks", "projectiles", "other"},
        "qualifier": {"exact", "at_least", "more_than", "about", "up_to", "fewer_than", "range", "vague"},
        "modality": {"claimed", "acknowledged", "reported", "denied", "estimated"},
        "period_kind": {"event", "period", "cumulative"},
    }[field]
    assert wanted <= values, wanted - values
