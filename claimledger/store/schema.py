"""The ledger's tables, as numbered migrations applied once each, in order.

The DDL is portable between SQLite and PostgreSQL (``DOUBLE PRECISION`` and ``BIGINT``
are understood by both). Ids are text: content hashes for documents, claims,
assertions and errors, random hex for reviews, so no autoincrement syntax is needed.
A migration may add statements for one kind of database only (SQLite's full-text
index, PostgreSQL's ``ALTER TABLE ... ADD CONSTRAINT``), and on SQLite it may rebuild a
table with new DDL, since SQLite cannot add a constraint to an existing table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import StoreError
from .backend import Backend

#: Written into ``ledger_meta`` so a foreign database is never mistaken for a ledger.
APPLICATION = "claimledger"


@dataclass(frozen=True, slots=True)
class Rebuild:
    """Recreate ``table`` from ``ddl`` (``{name}`` stands for the table's name), keeping every row,
    its rowid (full-text indexes point at rowids) and its indexes."""

    table: str
    ddl: str


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]
    #: Run after ``statements`` on SQLite only.
    sqlite: tuple[str | Rebuild, ...] = field(default=())
    #: Run after ``statements`` on PostgreSQL only.
    postgresql: tuple[str, ...] = field(default=())

    def for_kind(self, kind: str) -> tuple[str | Rebuild, ...]:
        return (*self.statements, *(self.sqlite if kind == "sqlite" else self.postgresql if kind == "postgresql"
                                    else ()))

# -- version 3: every reference declared, full-text search, a view for browsing ------------------
# SQLite cannot add a foreign key to a table, so these three tables are rebuilt from this DDL
# (version 1's columns, with their references). A breakdown may be written before its total,
# so ``part_of`` is checked at commit.
_DOCUMENTS_V3 = """CREATE TABLE {name} (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, outlet TEXT, title TEXT, published TEXT,
    date_source TEXT, language TEXT NOT NULL, text TEXT NOT NULL, warnings TEXT, ingested_at TEXT NOT NULL,
    previous_version_id TEXT REFERENCES documents (id),
    duplicate_of TEXT REFERENCES documents (id),
    cluster_id TEXT NOT NULL REFERENCES documents (id),
    minhash TEXT
)"""
_BANDS_V3 = """CREATE TABLE {name} (
    band INTEGER NOT NULL, hash TEXT NOT NULL, document_id TEXT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (band, hash, document_id)
)"""
_CLAIMS_V3 = """CREATE TABLE {name} (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    claim_index INTEGER NOT NULL,
    assertion_id TEXT NOT NULL REFERENCES assertions (id),
    claimant TEXT NOT NULL, claimant_party TEXT NOT NULL, modality TEXT NOT NULL,
    category TEXT NOT NULL, value BIGINT, qualifier TEXT NOT NULL, low BIGINT, high BIGINT,
    subject TEXT NOT NULL, subject_party TEXT NOT NULL,
    period_kind TEXT NOT NULL, period_start TEXT, period_end TEXT,
    location TEXT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
    evidence TEXT NOT NULL, evidence_text TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL,
    part_of TEXT REFERENCES claims (id) DEFERRABLE INITIALLY DEFERRED,
    notes TEXT, extractor_version TEXT NOT NULL,
    review_status TEXT NOT NULL DEFAULT 'unreviewed',
    extracted_at TEXT,
    UNIQUE (document_id, claim_index)
)"""
_FOREIGN_KEYS_PG = (
    "ALTER TABLE documents ADD CONSTRAINT documents_previous_version_fk "
    "FOREIGN KEY (previous_version_id) REFERENCES documents (id)",
    "ALTER TABLE documents ADD CONSTRAINT documents_duplicate_of_fk FOREIGN KEY (duplicate_of) REFERENCES documents (id)",
    "ALTER TABLE documents ADD CONSTRAINT documents_cluster_fk FOREIGN KEY (cluster_id) REFERENCES documents (id)",
    "ALTER TABLE document_bands ADD CONSTRAINT document_bands_document_fk "
    "FOREIGN KEY (document_id) REFERENCES documents (id)",
    "ALTER TABLE claims ADD CONSTRAINT claims_assertion_fk FOREIGN KEY (assertion_id) REFERENCES assertions (id)",
    "ALTER TABLE claims ADD CONSTRAINT claims_part_of_fk FOREIGN KEY (part_of) REFERENCES claims (id) "
    "DEFERRABLE INITIALLY DEFERRED",
)


def _fts(table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """An external-content FTS5 index on ``table`` (no second copy of the text), kept in step by
    triggers, and filled from the rows already there. Datasette finds it by its ``content=``."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content=\"{table}\", content_rowid=\"rowid\", "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
    )


#: Claims with the date, outlet, URL and title of the report that carries them (for browsing;
#: SQLite also gives the claim's rowid, which its full-text index points at).
_CLAIMS_VIEW = """CREATE VIEW claims_view AS SELECT
    c.id AS claim_id, {rowid}d.published, d.outlet, d.url, d.title,{filed}
    c.claimant, c.claimant_party, c.modality, c.category, c.value, c.qualifier, c.low, c.high,
    c.subject, c.subject_party, c.period_kind, c.period_start, c.period_end,
    c.location, c.latitude, c.longitude, c.evidence_text, c.confidence, c.review_status,
    c.part_of, c.notes, c.assertion_id, c.document_id, c.claim_index, c.extractor_version, c.extracted_at
FROM claims c JOIN documents d ON d.id = c.document_id"""


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
    # -- Datasette-ready (issue 9 item 9) --
    Migration(3, "every foreign key declared; full-text index of documents and claims (SQLite); claims_view", (),
              sqlite=(Rebuild("documents", _DOCUMENTS_V3), Rebuild("document_bands", _BANDS_V3),
                      Rebuild("claims", _CLAIMS_V3),
                      *_fts("documents", ("title", "text")),
                      *_fts("claims", ("evidence_text", "claimant", "subject", "location")),
                      _CLAIMS_VIEW.format(rowid="c.rowid AS claim_rowid, ", filed="")),
              postgresql=(*_FOREIGN_KEYS_PG, _CLAIMS_VIEW.format(rowid="", filed=""))),
    Migration(4, "documents.filed_from: the place a wire dateline says the report was filed from", (
        "ALTER TABLE documents ADD COLUMN filed_from TEXT",
        "DROP VIEW claims_view",
    ), sqlite=(_CLAIMS_VIEW.format(rowid="c.rowid AS claim_rowid, ", filed=" d.filed_from,"),),
              postgresql=(_CLAIMS_VIEW.format(rowid="", filed=" d.filed_from,"),)),
    # -- bulk load (issue 10 item 2) --
    # Made here, under the migration lock, so that loaders starting at once on a new ledger do
    # not race to create it; IF NOT EXISTS because loads before this version created it themselves.
    Migration(5, "loaded_shards: the claim shards a bulk load has put in the ledger, by digest", (
        "CREATE TABLE IF NOT EXISTS loaded_shards (digest TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "documents BIGINT NOT NULL, claims BIGINT NOT NULL, loaded_at TEXT NOT NULL)",
    )),
)

LATEST = MIGRATIONS[-1].version


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def migrate(db: Backend) -> int:
    """Bring ``db`` to the latest schema; refuse foreign and newer databases. Returns the version."""
    refuse_foreign(db)
    db.prepare()
    # A rebuilt table is dropped while others still point at it: SQLite must not enforce
    # references until every table is back; they are then checked all at once.
    rebuilt = False
    with db.references_unenforced(), db.transaction():
        _lock_for_migration(db)
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
        current = _current_version(db)
        if current > LATEST:
            raise StoreError(f"{db.url}: ledger schema version {current} is newer than this claimledger "
                             f"understands ({LATEST}); upgrade claimledger")
        for m in MIGRATIONS:
            if m.version > current:
                for stmt in m.for_kind(db.kind):
                    if isinstance(stmt, Rebuild):
                        _rebuild(db, stmt)
                        rebuilt = True
                    else:
                        db.execute(stmt)
                db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                           (m.version, m.description, now()))
        if current == 0:
            db.execute("INSERT INTO ledger_meta (key, value) VALUES (?, ?), (?, ?)",
                       ("application", APPLICATION, "created_at", now()))
        if rebuilt:
            _refuse_dangling(db)
    return LATEST


def _rebuild(db: Backend, rebuild: Rebuild) -> None:
    """SQLite's way to change a table's constraints: a new table, the rows copied with their
    rowids, the old one dropped, the new one renamed, its indexes and triggers made again
    (dropping a table drops them)."""
    table, temporary = rebuild.table, f"{rebuild.table}_rebuilt"
    attached = [r["sql"] for r in db.execute("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                                             "AND tbl_name = ? AND sql IS NOT NULL ORDER BY type", (table,))]
    db.execute(rebuild.ddl.format(name=temporary))
    kept = [r["name"] for r in db.execute(f"PRAGMA table_info({table})")]
    new = {r["name"] for r in db.execute(f"PRAGMA table_info({temporary})")}
    cols = ", ".join(c for c in kept if c in new)
    db.execute(f"INSERT INTO {temporary} (rowid, {cols}) SELECT rowid, {cols} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    # Legacy renaming leaves views and other tables' triggers as they are: they name the table
    # by the name it gets back, and checking them while it is missing would fail.
    db.execute("PRAGMA legacy_alter_table = ON")
    try:
        db.execute(f"ALTER TABLE {temporary} RENAME TO {table}")
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")
    for sql in attached:
        db.execute(sql)


def _refuse_dangling(db: Backend) -> None:
    """Raise (so the migration is undone) if any row points at a row that is not there."""
    rows = db.execute("PRAGMA foreign_key_check")
    if rows:
        shown = "; ".join(f"{r['table']} row {r['rowid']} -> {r['parent']}" for r in rows[:5])
        raise StoreError(f"{db.url}: {len(rows)} rows point at rows that are not in the ledger ({shown}); "
                         "the ledger was left as it was")


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
