"""The real annotated corpus: documents as retrieved, gold files, and the fixed split.

Layout (``tests/data/real``): ``docs/NAME.json`` (a record: url, retrieved, outlet, title,
conflict, genre, text), ``gold/NAME.gold.json`` (SCHEMA.md), ``gold2/NAME.gold.json`` (a second
annotator's). The split is a hash of the name, fixed before any extraction was run, so no one
chooses which article lands in the blind test.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import EvaluationError

SPLITS = ("train", "dev", "blind")
_BLIND_BELOW, _DEV_BELOW = 25, 40  # percent: 25% blind, 15% dev, 60% train


def split_of(name: str) -> str:
    """``blind``, ``dev`` or ``train`` for a document name, from the SHA-256 of the name."""
    bucket = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "blind" if bucket < _BLIND_BELOW else "dev" if bucket < _DEV_BELOW else "train"


@dataclass(frozen=True, slots=True)
class Article:
    """One annotated real report."""

    name: str
    doc_path: Path
    record: dict[str, Any]
    gold: dict[str, Any]

    @property
    def split(self) -> str:
        return split_of(self.name)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read: {exc}") from exc


def load_corpus(root: Path, *, splits: tuple[str, ...] = SPLITS, gold: str = "gold") -> list[Article]:
    """The annotated articles under ``root`` in the given splits, sorted by name."""
    gold_dir, docs_dir = root / gold, root / "docs"
    if not gold_dir.is_dir() or not docs_dir.is_dir():
        raise EvaluationError(f"{root}: not a corpus (needs docs/ and {gold}/)")
    out = []
    for g in sorted(gold_dir.glob("*.gold.json")):
        name = g.name[: -len(".gold.json")]
        doc = docs_dir / f"{name}.json"
        if split_of(name) not in splits or not doc.is_file():
            continue
        out.append(Article(name, doc, _read_json(doc), _read_json(g)))
    return out
