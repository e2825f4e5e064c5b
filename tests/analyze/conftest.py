"""Ledger rows for the analysis tests: a factory with our own figures, and the seeds' gold claims."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimledger.models import CLAIM_FIELDS

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

RowFactory = Callable[..., dict[str, Any]]


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def ledger_row(n: int, **fields: Any) -> dict[str, Any]:
    """A ledger row as the store returns it; ``n`` keeps ids distinct, ``fields`` override."""
    row: dict[str, Any] = {f: None for f in CLAIM_FIELDS}
    row.update(claimant="Northland army", claimant_party="Northland", modality="claimed", category="killed",
               value=10, qualifier="exact", subject="soldiers", subject_party="Southland", period_kind="event",
               evidence=[], confidence=0.9, published="2024-03-01", outlet="Example Wire", source="x.txt",
               url=None, title=None, review_status="unreviewed", extractor_version="test", claim_index=0,
               relay_count=1, outlet_count=1, independent_count=1)
    row.update(fields)
    row["claim_id"] = fields.get("claim_id") or _hex("claim", n)
    row["document_id"] = fields.get("document_id") or _hex("doc", n)
    row["assertion_id"] = fields.get("assertion_id") or _hex("assertion", n)
    row["first_seen"] = fields.get("first_seen") or row["published"]
    return row


@pytest.fixture(scope="session")
def make_row() -> RowFactory:
    """A ledger-row factory (session-wide, so Hypothesis tests can use it); ids never repeat."""
    counter = iter(range(1, 10_000_000))

    def make(**fields: Any) -> dict[str, Any]:
        return ledger_row(next(counter), **fields)
    return make


def gold_rows(shared: Path) -> list[dict[str, Any]]:
    """The seeds' gold claims as ledger rows (each claim its own assertion; part_of as claim ids)."""
    rows = []
    for path in sorted((shared / "gold").glob("*.gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        ids = [_hex(doc["doc_id"], i) for i in range(len(doc["claims"]))]
        for i, claim in enumerate(doc["claims"]):
            part_of = claim.get("part_of")
            rows.append(ledger_row(0, **{**claim, "claim_id": ids[i], "assertion_id": ids[i],
                                         "document_id": doc["doc_id"], "claim_index": i,
                                         "published": doc["published"], "outlet": doc["outlet"],
                                         "part_of": ids[part_of] if part_of is not None else None,
                                         "evidence": []}))
    return rows


@pytest.fixture(scope="session")
def seeds_gold() -> list[dict[str, Any]]:
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared/gold is not present")
    return gold_rows(SHARED)
