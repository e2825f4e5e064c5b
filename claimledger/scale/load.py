"""Bulk load of claim shards into a ledger: each shard in one transaction, each shard once.

A loaded claim is the row ``ingest`` would have written: shards are read back into the
ledger's own results (:func:`.shards.read_shard`) and their rows are built by the ledger's
own row builder (:meth:`Ledger.batch_rows`), so ids, merge keys, near-duplicate links and
relay counts come out the same.

* PostgreSQL: the shard's rows go to temporary staging tables with ``COPY``, then into the
  ledger with a few set-wise statements (documents not already there, their bands and
  claims, the assertions those claims make, then one recount of those assertions).
* SQLite: the shard is one batch of the ingest write path.

The table ``loaded_shards`` records each shard (by a digest of its bytes) in the same
transaction as its rows, so a killed load resumes where it stopped, and a load of the same
shards again adds nothing. Documents already in the ledger are skipped as ingest skips them,
so even a shard loaded under another name adds nothing twice.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import RecordRejected
from ..store import AddStats, Ledger
from ..store import keys
from ..store.backend import PostgresBackend
from ..store.ledger import CLAIM_COLUMNS, DOCUMENT_COLUMNS, BatchRows
from ..store.schema import now
from .shards import Shard, ShardContent, list_shards, read_shard

LOADED_TABLE = "loaded_shards"   # made by the schema's migration 5


@dataclass(frozen=True, slots=True)
class ShardLoaded:
    """One shard's outcome: loaded now (with what it added), or found already loaded."""

    name: str
    stats: AddStats
    skipped: bool = False


@dataclass(slots=True)
class LoadSummary:
    """What a load did, shard by shard."""

    shards: list[ShardLoaded] = field(default_factory=list)
    stats: AddStats = field(default_factory=AddStats)

    @property
    def loaded(self) -> int:
        return sum(1 for s in self.shards if not s.skipped)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.shards if s.skipped)


def load_shards(directory: str | os.PathLike[str], ledger: Ledger, *,
                progress: Callable[[ShardLoaded], None] | None = None) -> LoadSummary:
    """Load every complete shard of ``directory`` not yet loaded into ``ledger``, in name order.

    ``progress`` is called after each shard, once its transaction is committed (or once it is
    found already loaded); an exception it raises stops the load there, exactly as a kill
    between two shards would.
    """
    shards = list_shards(directory)
    done = _loaded_digests(ledger)
    summary = LoadSummary()
    for shard in shards:
        digest = shard.digest()
        if digest in done:
            outcome = ShardLoaded(shard.name, AddStats(), skipped=True)
        else:
            stats = load_shard(ledger, shard, digest)
            outcome = ShardLoaded(shard.name, stats or AddStats(), skipped=stats is None)
            done.add(digest)
        summary.shards.append(outcome)
        summary.stats.merge(outcome.stats)
        if progress:
            progress(outcome)
    return summary


def load_shard(ledger: Ledger, shard: Shard, digest: str | None = None) -> AddStats | None:
    """Load one shard in one transaction, recording it as loaded in that transaction; None when
    another load has recorded it first (loads running at once each take a shard only once)."""
    digest = digest or shard.digest()
    content = read_shard(shard)
    claims = sum(len(i.result.claims) for i in content.items)

    def mark() -> bool:
        # First in the transaction: a second loader's insert waits for the first one's commit,
        # then finds the row and writes nothing (so ingest errors are not counted twice either).
        return ledger.db.rowcount(f"INSERT INTO {LOADED_TABLE} (digest, name, documents, claims, loaded_at) "
                                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                                  (digest, shard.name, len(content.items), claims, now())) == 1

    if ledger.db.kind == "postgresql":
        try:
            return ledger.in_transaction(lambda: _copy_shard(ledger, content, mark))  # type: ignore[no-any-return]
        except RecordRejected:
            pass   # a document the database refuses: the batch path writes the rest and records it
    return ledger.write_batch(content.items, content.errors, first=mark)


def _loaded_digests(ledger: Ledger) -> set[str]:
    return {r["digest"] for r in ledger.db.execute(f"SELECT digest FROM {LOADED_TABLE}")}


# -- PostgreSQL: COPY into staging tables, then set-wise inserts --------------------------------
_STAGING = (
    "CREATE TEMP TABLE stage_documents (LIKE documents INCLUDING DEFAULTS) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_bands (LIKE document_bands) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_claims (LIKE claims INCLUDING DEFAULTS) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_assertions (LIKE assertions INCLUDING DEFAULTS) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_new (id TEXT PRIMARY KEY) ON COMMIT DROP",
)
#: Claims of the documents this shard added (the others were in the ledger already).
_NEW_CLAIMS = "stage_claims c JOIN stage_new n ON n.id = c.document_id"


def _copy_shard(ledger: Ledger, content: ShardContent, mark: Callable[[], bool]) -> AddStats | None:
    db = ledger.db
    if not mark():
        return None
    at = now()
    rows = ledger.batch_rows(content.items, at)
    for ddl in _STAGING:
        db.execute(ddl)
    _stage(ledger, rows)
    docs = ", ".join(DOCUMENT_COLUMNS)
    db.execute(f"WITH added AS (INSERT INTO documents ({docs}) SELECT {docs} FROM stage_documents "
               "ON CONFLICT (id) DO NOTHING RETURNING id) INSERT INTO stage_new SELECT id FROM added")
    db.execute("INSERT INTO document_bands (band, hash, document_id) SELECT b.band, b.hash, b.document_id "
               "FROM stage_bands b JOIN stage_new n ON n.id = b.document_id ON CONFLICT DO NOTHING")
    key_cols = ", ".join(("id", *keys.ASSERTION_FIELDS))
    # Ordered by id, as ingest upserts them, so that concurrent loaders lock assertions in one order.
    db.execute(f"INSERT INTO assertions ({key_cols}) SELECT {key_cols} FROM stage_assertions "
               f"WHERE id IN (SELECT c.assertion_id FROM {_NEW_CLAIMS}) ORDER BY id "
               "ON CONFLICT (id) DO UPDATE SET relay_count = assertions.relay_count")
    claim_cols = ", ".join(CLAIM_COLUMNS)
    added_claims = db.rowcount(f"INSERT INTO claims ({claim_cols}) SELECT {', '.join('c.' + c for c in CLAIM_COLUMNS)} "
                               f"FROM {_NEW_CLAIMS}")
    _recount(ledger)
    ledger.insert_errors(content.errors, at)
    return _stats(ledger, len(content.items), added_claims, len(content.errors))


def _stage(ledger: Ledger, rows: BatchRows) -> None:
    assert isinstance(ledger.db, PostgresBackend)
    copy = ledger.db.copy_rows
    copy("stage_documents", DOCUMENT_COLUMNS, rows.documents)
    copy("stage_bands", ("band", "hash", "document_id"), rows.bands)
    copy("stage_claims", CLAIM_COLUMNS, rows.claims)
    copy("stage_assertions", ("id", *keys.ASSERTION_FIELDS),
         [(aid, *(key[f] for f in keys.ASSERTION_FIELDS)) for aid, key in sorted(rows.assertions.items())])


def _recount(ledger: Ledger) -> None:
    """Relay, outlet and independent-report counts of the assertions this shard touched, in one
    statement (the counts :meth:`Ledger.recount` computes one assertion at a time)."""
    ledger.db.execute(
        "UPDATE assertions AS a SET relay_count = s.relays, outlet_count = s.outlets, "
        "independent_count = s.independent, first_seen = s.first_seen FROM ("
        "SELECT c.assertion_id, COUNT(DISTINCT c.document_id) AS relays, "
        "COUNT(DISTINCT COALESCE(d.outlet, d.source)) AS outlets, COUNT(DISTINCT d.cluster_id) AS independent, "
        "MIN(d.published) AS first_seen FROM claims c JOIN documents d ON d.id = c.document_id "
        "WHERE c.review_status <> 'rejected' "
        f"AND c.assertion_id IN (SELECT c.assertion_id FROM {_NEW_CLAIMS}) GROUP BY c.assertion_id) s "
        "WHERE a.id = s.assertion_id")


def _stats(ledger: Ledger, items: int, claims: int, errors: int) -> AddStats:
    row = ledger.db.execute(
        "SELECT COUNT(*) AS added, COUNT(d.previous_version_id) AS versions, COUNT(d.duplicate_of) AS copies "
        "FROM stage_documents d JOIN stage_new n ON n.id = d.id")[0]
    added = int(row["added"])
    return AddStats(documents_added=added, documents_skipped=items - added, claims_added=claims,
                    errors_recorded=errors, new_versions=int(row["versions"]), near_duplicates=int(row["copies"]))
