"""The ledger's tables, as numbered migrations applied once each, in order.

The DDL is portable between SQLite and PostgreSQL (``DOUBLE PRECISION`` and ``BIGINT``
are understood by both). Ids are text: content hashes for documents, claims,
assertions and errors, random hex for reviews, so no autoincrement syntax is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import StoreError
from .backend import Backend

#: Written into ``ledger_meta`` so a foreign database is never mistaken for a ledger.
APPLICATION = "claimledger"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, claims, assertions, ingest errors", (
        """CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,            -- SHA-256 of the text, first 16 hex digits
            source TEXT NOT NULL,           -- the file, record (path#N), message or URL it came from
            url TEXT, outlet TEXT, title TEXT,
            published TEXT,                 -- ISO date
            date_source TEXT,               -- how the date was found
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            warnings TEXT,                  -- JSON list
            ingested_at TEXT NOT NULL,
            previous_version_id TEXT,       -- an earlier text at the same URL
            duplicate_of TEXT,              -- the first near-duplicate seen (wire copy, republication)
            cluster_id TEXT NOT NULL,       -- near-duplicate cluster: the first document of it
            minhash TEXT                    -- MinHash signature, hex
        )""",
        "CREATE INDEX documents_url ON documents (url)",
        "CREATE INDEX documents_published ON documents (published)",
        "CREATE INDEX documents_cluster ON documents (cluster_id)",
        """CREATE TABLE document_bands (
            band INTEGER NOT NULL, hash TEXT NOT NULL, document_id TEXT NOT NULL,
            PRIMARY KEY (band, hash, document_id)
        )""",
        """CREATE TABLE assertions (
            id TEXT PRIMARY KEY,            -- hash of the merge key below
            claimant_party TEXT NOT NULL, claimant_key TEXT NOT NULL, category TEXT NOT NULL,
            value BIGINT, low BIGINT, high BIGINT, subject_party TEXT NOT NULL,
            period_kind TEXT NOT NULL, period_start TEXT, period_end TEXT,
            first_seen TEXT,                -- earliest publication date of a report carrying it
            relay_count INTEGER NOT NULL DEFAULT 0,       -- reports
            outlet_count INTEGER NOT NULL DEFAULT 0,      -- distinct outlets
            independent_count INTEGER NOT NULL DEFAULT 0  -- distinct near-duplicate clusters
        )""",
        """CREATE TABLE claims (
            id TEXT PRIMARY KEY,            -- hash of document id and index
            document_id TEXT NOT NULL REFERENCES documents (id),
            claim_index INTEGER NOT NULL,
            assertion_id TEXT NOT NULL,
            claimant TEXT NOT NULL, claimant_party TEXT NOT NULL, modality TEXT NOT NULL,
            category TEXT NOT NULL, value BIGINT, qualifier TEXT NOT NULL, low BIGINT, high BIGINT,
            subject TEXT NOT NULL, subject_party TEXT NOT NULL,
            period_kind TEXT NOT NULL, period_start TEXT, period_end TEXT,
            location TEXT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
            evidence TEXT NOT NULL,         -- JSON list of {text, start, end}
            evidence_text TEXT NOT NULL,    -- the spans' text, for search
            confidence DOUBLE PRECISION NOT NULL,
            part_of TEXT,                   -- claim id of the total this is a breakdown of
            notes TEXT,
            extractor_version TEXT NOT NULL,
            review_status TEXT NOT NULL DEFAULT 'unreviewed',
            UNIQUE (document_id, claim_index)
        )""",
        "CREATE INDEX claims_assertion ON claims (assertion_id)",
        "CREATE INDEX claims_subject ON claims (subject_party, category)",
        "CREATE INDEX claims_claimant ON claims (claimant_party, category)",
        """CREATE TABLE ingest_errors (
            id TEXT PRIMARY KEY,            -- hash of source and reason: a re-run updates, never repeats
            source TEXT NOT NULL, reason TEXT NOT NULL,
            at TEXT NOT NULL,               -- last seen
            first_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1
        )""",
        """CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims (id),
            action TEXT NOT NULL,           -- confirm | correct | reject
            changes TEXT,                   -- JSON {field: [old, new]}
            note TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL
        )""",
        "CREATE INDEX reviews_claim ON reviews (claim_id)",
    )),
    # -- re-extraction (issue 9 item 6): when each claim's current values were extracted --
    Migration(2, "claims.extracted_at: when the claim was last extracted (ingest or reextract)", (
        "ALTER TABLE claims ADD COLUMN extracted_at TEXT",
        # Existing claims were extracted when their document was ingested.
        "UPDATE claims SET extracted_at = (SELECT d.ingested_at FROM documents d WHERE d.id = claims.document_id)",
    )),
)

LATEST = MIGRATIONS[-1].version


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def migrate(db: Backend) -> int:
    """Bring ``db`` to the latest schema; refuse foreign and newer databases. Returns the version."""
    refuse_foreign(db)
    db.prepare()
    with db.transaction():
        _lock_for_migration(db)
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
        current = _current_version(db)
        if current > LATEST:
            raise StoreError(f"{db.url}: ledger schema version {current} is newer than this claimledger "
                             f"understands ({LATEST}); upgrade claimledger")
        for m in MIGRATIONS:
            if m.version > current:
                for stmt in m.statements:
                    db.execute(stmt)
                db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                           (m.version, m.description, now()))
        if current == 0:
            db.execute("INSERT INTO ledger_meta (key, value) VALUES (?, ?), (?, ?)",
                       ("application", APPLICATION, "created_at", now()))
    return LATEST


def refuse_foreign(db: Backend) -> None:
    """Raise unless ``db`` is empty or a claimledger ledger: never write into someone else's data."""
    tables = db.table_names()
    if not tables:
        return
    if "ledger_meta" in tables:
        rows = db.execute("SELECT value FROM ledger_meta WHERE key = ?", ("application",))
        if rows and rows[0]["value"] == APPLICATION:
            return
    if tables <= {"schema_migrations"}:  # a first migration interrupted before its commit
        return
    shown = ", ".join(sorted(tables)[:5])
    raise StoreError(f"{db.url}: not a claimledger ledger (it holds other tables: {shown}); "
                     "refusing to write to it")


def _lock_for_migration(db: Backend) -> None:
    # SQLite's IMMEDIATE transaction already serialises writers; PostgreSQL needs a lock
    # so two processes opening a fresh database do not both create the tables.
    if db.kind == "postgresql":
        db.execute("SELECT pg_advisory_xact_lock(?)", (0x6C6564676572,))


def _current_version(db: Backend) -> int:
    rows = db.execute("SELECT MAX(version) AS v FROM schema_migrations")
    return int(rows[0]["v"] or 0) if rows else 0
