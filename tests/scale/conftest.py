"""A small corpus with relayed figures, its claim shards, and a ledger's rows to compare by."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
#: Columns that say when a row was written, not what it holds.
WRITE_TIMES = {"documents": {"ingested_at"}, "claims": {"extracted_at"}, "assertions": set(),
               "document_bands": set(), "ingest_errors": {"at", "first_at"}}

WIRE = ("Gaza toll rises\n\nCAIRO, March 4 ({outlet}) - Israeli strikes killed 97 Palestinians in the Gaza "
        "Strip in the past 24 hours, the Hamas-run Health Ministry said on Monday, raising the overall death "
        "toll since Oct. 7, 2023 to 30,534.{tail}\n")


@pytest.fixture(scope="session")
def scale_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve articles and three relays of one wire story (two outlets, one near-copy) named to fall
    in different partitions when cut three files to a partition; plus an empty file (an error)."""
    root = tmp_path_factory.mktemp("corpus")
    for path in sorted(ARTICLES.glob("*.txt"))[:12]:
        shutil.copy(path, root / path.name)
    (root / "a02b_wire_mena.txt").write_text(WIRE.format(outlet="MENA Wire", tail=""))
    (root / "a07b_wire_relay.txt").write_text(WIRE.format(outlet="Gulf Daily", tail=""))
    (root / "a11b_wire_copy.txt").write_text(WIRE.format(outlet="MENA Wire", tail=" Talks resume on Tuesday."))
    (root / "z_empty.txt").write_text("   \n")
    return root


@pytest.fixture(scope="session")
def scale_shards(scale_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus as claim shards, extracted here (the tasks a Dask worker runs)."""
    from claimledger.scale import extract_to_shards

    out = tmp_path_factory.mktemp("shards")
    summary = extract_to_shards([str(scale_corpus)], out, engine="local", files_per_partition=3)
    assert len(summary.partitions) == 6
    return out


def ledger_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables ingest and load write, sorted, without write times."""
    from claimledger.store import open_ledger

    with open_ledger(url) as ledger:
        return {table: sorted(tuple((k, v) for k, v in row.items() if k not in drop)
                              for row in ledger.db.execute(f"SELECT * FROM {table}"))
                for table, drop in WRITE_TIMES.items()}
