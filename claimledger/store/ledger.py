"""The ledger: documents, their claims, merged assertions, ingest errors and reviews.

Every write is a batch inside one transaction, so a killed process leaves whole batches
only, and re-running an ingest skips what is already there (documents are keyed by a
hash of their text).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import IngestError, RecordRejected, StoreError
from ..models import CLAIM_FIELDS, Claim, ExtractionResult
from . import keys, neardup
from .backend import Backend, connect
from .query import ClaimFilter
from .review import apply_review
from .schema import migrate, now

_CLAIM_COLUMNS = ("id", "document_id", "claim_index", "assertion_id", *[f for f in CLAIM_FIELDS if f != "part_of"],
                  "evidence_text", "part_of", "extractor_version", "extracted_at")
#: The ``claims`` columns in the order :func:`_claim_rows` builds them (bulk writers insert these).
CLAIM_COLUMNS = _CLAIM_COLUMNS
#: The ``documents`` columns in the order :func:`_document_row` builds them.
DOCUMENT_COLUMNS = ("id", "source", "url", "outlet", "title", "published", "date_source", "language", "text",
                    "warnings", "ingested_at", "previous_version_id", "duplicate_of", "cluster_id", "minhash",
                    "filed_from")
_ROW_SELECT = """
SELECT c.*, d.outlet, d.source, d.url, d.title, d.published, d.filed_from,
       a.relay_count, a.outlet_count, a.independent_count, a.first_seen
FROM claims c JOIN documents d ON d.id = c.document_id JOIN assertions a ON a.id = c.assertion_id
"""
_IN_CHUNK = 500
#: The integers both databases store (SQLite INTEGER, PostgreSQL BIGINT): larger figures are not counts.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The package version plus a digest of the rule files, so rows say which rules made them."""
    from .. import __version__
    data = Path(__file__).resolve().parent.parent / "extract" / "data"
    h = hashlib.sha256()
    for p in sorted([*data.glob("*.yaml"), *data.glob("*.json")]):   # rules, registry and decision model
        h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:8]}"


@dataclass(frozen=True, slots=True)
class Prepared:
    """An extraction result ready to write: its MinHash signature is computed where the text is."""

    result: ExtractionResult
    signature: str | None
    #: Which extractor made the claims (see :func:`extractor_version`); None: the shipped one.
    extractor: str | None = None

    @classmethod
    def of(cls, result: ExtractionResult, extractor: str | None = None) -> Prepared:
        return cls(result, neardup.signature(result.document.text), extractor)


@dataclass(slots=True)
class AddStats:
    """What one or more batches added."""

    documents_added: int = 0
    documents_skipped: int = 0
    claims_added: int = 0
    errors_recorded: int = 0
    new_versions: int = 0
    near_duplicates: int = 0
    #: Documents the database refused (written to ``ingest_errors`` instead), with the reason.
    rejected: list[IngestError] = field(default_factory=list)

    def merge(self, other: AddStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(slots=True)
class BatchRows:
    """A batch as the rows :meth:`Ledger.write_batch` would write, for writers that insert them set-wise.

    Rows of documents already in the ledger are included: the writer keeps only the claims
    and bands of the documents its insert actually added, as ``write_batch`` does.
    """

    documents: list[tuple[Any, ...]] = field(default_factory=list)    # DOCUMENT_COLUMNS
    bands: list[tuple[int, str, str]] = field(default_factory=list)   # (band, hash, document_id)
    claims: list[tuple[Any, ...]] = field(default_factory=list)       # CLAIM_COLUMNS
    #: Assertion id -> its merge key (:data:`keys.ASSERTION_FIELDS`).
    assertions: dict[str, dict[str, Any]] = field(default_factory=dict)


class Ledger:
    """A claim ledger in SQLite or PostgreSQL; use :func:`open_ledger`."""

    def __init__(self, db: Backend) -> None:
        self.db = db
        self.url = db.url

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def add_results(self, results: Iterable[ExtractionResult | Prepared], *, batch_size: int = 100) -> AddStats:
        """Write extraction results in batches (one transaction each); known documents are skipped."""
        stats = AddStats()
        batch: list[Prepared] = []
        for item in results:
            batch.append(item if isinstance(item, Prepared) else Prepared.of(item))
            if len(batch) >= batch_size:
                stats.merge(self.write_batch(batch))
                batch = []
        if batch:
            stats.merge(self.write_batch(batch))
        return stats

    def write_batch(self, items: Sequence[Prepared], errors: Sequence[IngestError] = (),
                    first: Callable[[], bool] | None = None) -> AddStats | None:
        """Write documents, their claims and ingest errors in one transaction.

        A document the database refuses (or whose rows cannot be built) does not cost the
        batch: the batch is written again, each document inside its own savepoint, and the
        refused ones become ingest errors. A ledger that cannot be written at all still
        raises :class:`StoreError`. ``first`` runs first inside the same transaction; when it
        returns False nothing is written and the result is None (a bulk load claims its shard
        there, so two loads never write one shard twice).
        """
        items = [countable(item) for item in items]
        try:
            return self._in_transaction(lambda: _after(first, lambda: self._write(items, errors)))
        except RecordRejected:
            pass
        except StoreError:
            raise
        except Exception:  # noqa: BLE001  a bug on one document's values must not lose the batch
            pass
        return self._in_transaction(lambda: _after(first, lambda: self._write_each(items, errors)))

    def in_transaction(self, write: Callable[[], Any]) -> Any:
        """Run ``write`` in one transaction, again when PostgreSQL picks it as a deadlock victim."""
        return self._in_transaction(write)

    def batch_rows(self, items: Sequence[Prepared], at: str) -> BatchRows:
        """The rows :meth:`write_batch` would write for ``items`` at time ``at``: the same ids,
        merge keys, near-duplicate links and previous versions (read from the ledger as it is)."""
        batch = _unique_documents([countable(item) for item in items])
        previous = self._previous_versions(batch)
        links = self._near_duplicates(batch, at)
        rows = BatchRows()
        for item in batch:
            doc_id = item.result.document.doc_id
            rows.documents.append(_document_row(item, at, previous, links))
            if item.signature:
                rows.bands.extend((b, h, doc_id) for b, h in neardup.band_hashes(item.signature))
            for row, key in _claim_rows(item.result, at, item.extractor):
                rows.claims.append(row)
                rows.assertions.setdefault(row[_CLAIM_COLUMNS.index("assertion_id")], key)
        return rows

    def insert_errors(self, errors: Sequence[IngestError], at: str) -> None:
        """Store ingest errors inside the caller's transaction (an error met again counts an attempt)."""
        self._insert_errors(errors, at)

    def _in_transaction(self, write: Any) -> AddStats:
        for attempt in range(5):
            try:
                with self.db.transaction():
                    return write()  # type: ignore[no-any-return]
            except self.db.retryable:  # PostgreSQL may pick this batch as a deadlock victim: retry it
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _write_each(self, items: Sequence[Prepared], errors: Sequence[IngestError]) -> AddStats:
        """The batch document by document, each in a savepoint; the refused ones become errors."""
        stats = AddStats()
        for item in items:
            try:
                with self.db.savepoint():
                    stats.merge(self._write([item], ()))
            except RecordRejected as exc:
                stats.rejected.append(_refused(item, str(exc)))
            except (StoreError, *self.db.retryable):   # the ledger's trouble, not this document's
                raise
            except Exception as exc:  # noqa: BLE001
                stats.rejected.append(_refused(item, f"{type(exc).__name__}: {exc}"))
        all_errors = [*errors, *stats.rejected]
        self._insert_errors(all_errors, now())
        stats.errors_recorded = len(all_errors)
        return stats

    def _write(self, items: Sequence[Prepared], errors: Sequence[IngestError]) -> AddStats:
        # A handful of set-based statements per batch, not per document: on PostgreSQL each
        # statement is a round trip to the server.
        stats = AddStats()
        at = now()
        batch = _unique_documents(items)
        previous = self._previous_versions(batch)
        links = self._near_duplicates(batch, at)
        inserted = self._insert_documents(batch, at, previous, links)
        stats.documents_added = len(inserted)
        stats.documents_skipped = len(items) - len(inserted)
        stats.new_versions = sum(1 for d in inserted if previous.get(d))
        stats.near_duplicates = sum(1 for d in inserted if links[d][0])
        claim_rows: list[tuple[Any, ...]] = []
        band_rows: list[tuple[int, str, str]] = []
        keyed: dict[str, dict[str, Any]] = {}    # assertion id -> merge key, for this batch's claims
        for item in batch:
            doc_id = item.result.document.doc_id
            if doc_id not in inserted:
                continue
            if item.signature:
                band_rows.extend((b, h, doc_id) for b, h in neardup.band_hashes(item.signature))
            for row, key in _claim_rows(item.result, at, item.extractor):
                claim_rows.append(row)
                keyed.setdefault(row[_CLAIM_COLUMNS.index("assertion_id")], key)
        stats.claims_added = len(claim_rows)
        self.db.executemany("INSERT INTO document_bands (band, hash, document_id) VALUES (?, ?, ?) "
                            "ON CONFLICT DO NOTHING", band_rows)
        self._upsert_keys(keyed)
        self.db.executemany(f"INSERT INTO claims ({', '.join(_CLAIM_COLUMNS)}) "
                            f"VALUES ({', '.join('?' for _ in _CLAIM_COLUMNS)})", claim_rows)
        self.recount(keyed.keys())
        self._insert_errors(errors, at)
        stats.errors_recorded = len(errors)
        return stats

    def _insert_documents(self, batch: Sequence[Prepared], at: str, previous: Mapping[str, str | None],
                          links: Mapping[str, tuple[str | None, str]]) -> set[str]:
        """Insert the batch's documents; returns the ids that were new (another process may have won)."""
        cols = DOCUMENT_COLUMNS
        inserted: set[str] = set()
        for chunk in _chunks(list(batch), 40):
            values = [_document_row(item, at, previous, links) for item in chunk]
            row = "(" + ", ".join("?" for _ in cols) + ")"
            rows = self.db.execute(f"INSERT INTO documents ({', '.join(cols)}) VALUES "
                                   f"{', '.join(row for _ in values)} ON CONFLICT (id) DO NOTHING RETURNING id",
                                   [v for vals in values for v in vals])
            inserted.update(r["id"] for r in rows)
        return inserted

    def _previous_versions(self, batch: Sequence[Prepared]) -> dict[str, str | None]:
        """For each document with a URL, the latest other text at that URL (earlier in the batch too)."""
        urls = sorted({i.result.document.url for i in batch if i.result.document.url})
        latest: dict[str, str] = {}
        for chunk in _chunks(urls, self.db.in_chunk):
            cond, params = self.db.one_of("url", chunk)
            rows = self.db.execute(f"SELECT id, url FROM documents WHERE {cond} ORDER BY ingested_at, id", params)
            latest.update((r["url"], r["id"]) for r in rows)
        out: dict[str, str | None] = {}
        for item in batch:
            doc = item.result.document
            if doc.url:
                prev = latest.get(doc.url)
                out[doc.doc_id] = prev if prev != doc.doc_id else None
                latest[doc.url] = doc.doc_id
        return out

    def _near_duplicates(self, batch: Sequence[Prepared], at: str) -> dict[str, tuple[str | None, str]]:
        """For each document, (the near-duplicate it copies or None, its cluster id)."""
        bands = {i.result.document.doc_id: neardup.band_hashes(i.signature) for i in batch if i.signature}
        by_band: dict[int, set[str]] = {}
        for pairs in bands.values():
            for band, h in pairs:
                by_band.setdefault(band, set()).add(h)
        index: dict[tuple[int, str], list[tuple[str, str, str, str]]] = {}
        # Band by band: the primary key (band, hash, document_id) is only searchable from its
        # first column; a lookup by hash alone reads the whole table, once per chunk.
        for band, hashes in sorted(by_band.items()):
            for chunk in _chunks(sorted(hashes), self.db.in_chunk):
                cond, params = self.db.one_of("b.hash", chunk)
                rows = self.db.execute(
                    "SELECT b.band, b.hash, d.id, d.minhash, d.cluster_id, d.ingested_at FROM document_bands b "
                    f"JOIN documents d ON d.id = b.document_id WHERE b.band = ? AND {cond}", [band, *params])
                for r in rows:
                    index.setdefault((r["band"], r["hash"]), []).append((r["ingested_at"], r["id"], r["minhash"],
                                                                          r["cluster_id"]))
        out: dict[str, tuple[str | None, str]] = {}
        for item in batch:
            doc_id = item.result.document.doc_id
            if doc_id not in bands:
                out[doc_id] = (None, doc_id)
                continue
            found = sorted({c for key in bands[doc_id] for c in index.get(key, ()) if c[1] != doc_id})
            match = neardup.best_match(item.signature or "", ((c[1], c[2]) for c in found if c[2]))
            cluster = next(c[3] for c in found if c[1] == match) if match else doc_id
            out[doc_id] = (match, cluster)
            for key in bands[doc_id]:  # later documents of this batch may copy this one
                index.setdefault(key, []).append((at, doc_id, item.signature or "", cluster))
        return out

    def _upsert_keys(self, keyed: Mapping[str, Mapping[str, Any]]) -> None:
        # Sorted, so that concurrent PostgreSQL writers lock assertion rows in one order.
        cols = ("id", *keys.ASSERTION_FIELDS)
        self.db.executemany(
            f"INSERT INTO assertions ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            "ON CONFLICT (id) DO UPDATE SET relay_count = assertions.relay_count",
            [(aid, *(keyed[aid][f] for f in keys.ASSERTION_FIELDS)) for aid in sorted(keyed)])

    def recount(self, assertion_ids: Iterable[str]) -> None:
        """Recompute relay, outlet and independent-report counts of these assertions."""
        ids = sorted(set(assertion_ids))
        live = "c.assertion_id = assertions.id AND c.review_status <> 'rejected'"
        joined = f"FROM claims c JOIN documents d ON d.id = c.document_id WHERE {live}"
        for chunk in _chunks(ids):
            self.db.execute(
                f"UPDATE assertions SET "
                f"relay_count = (SELECT COUNT(DISTINCT c.document_id) {joined}), "
                f"outlet_count = (SELECT COUNT(DISTINCT COALESCE(d.outlet, d.source)) {joined}), "
                f"independent_count = (SELECT COUNT(DISTINCT d.cluster_id) {joined}), "
                f"first_seen = (SELECT MIN(d.published) {joined}) "
                f"WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)

    def record_errors(self, errors: Sequence[IngestError]) -> int:
        """Store ingest errors (an input that could not be read or extracted)."""
        if errors:
            with self.db.transaction():
                self._insert_errors(errors, now())
        return len(errors)

    def _insert_errors(self, errors: Sequence[IngestError], at: str) -> None:
        # Sources are paths and record names: a file name may hold bytes that are not UTF-8.
        rows = {(storable(e.source), storable(e.reason)) for e in errors}
        unique = {keys.error_id(source, reason): (source, reason) for source, reason in rows}
        self.db.executemany("INSERT INTO ingest_errors (id, source, reason, at, first_at) VALUES (?, ?, ?, ?, ?) "
                            "ON CONFLICT (id) DO UPDATE SET at = excluded.at, "
                            "attempts = ingest_errors.attempts + 1",
                            [(eid, source, reason, at, at) for eid, (source, reason) in sorted(unique.items())])

    def known_documents(self, doc_ids: Sequence[str]) -> set[str]:
        """Which of these document ids are already in the ledger."""
        found: set[str] = set()
        for chunk in _chunks(list(doc_ids), self.db.in_chunk):
            cond, params = self.db.one_of("id", chunk)
            rows = self.db.execute(f"SELECT id FROM documents WHERE {cond}", params)
            found.update(r["id"] for r in rows)
        return found

    # -- review --------------------------------------------------------------------------
    def review(self, claim_id: str, action: str, *, changes: Mapping[str, Any] | None = None,
               note: str = "", reviewer: str = "", parties: Iterable[str] = ()) -> dict[str, Any]:
        """Confirm, correct (any claim field), reject or un-reject a claim; every review is kept
        in the audit log and names its reviewer.

        Corrections are written over the extractor's values (the originals stay in the log),
        so they win in every query, view and export. ``parties``: the registry's sides, which
        a corrected side must match (see :func:`.review.known_party`).
        """
        with self.db.transaction():
            apply_review(self, claim_id, action, changes=changes, note=note, reviewer=reviewer, parties=parties)
        row = self.claim(claim_id)
        assert row is not None
        return row

    def review_queue(self, filters: ClaimFilter | None = None, *, limit: int = 50,
                     offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Unreviewed claims matching ``filters``, least confident first: (how many, one page)."""
        f = replace(filters or ClaimFilter(), review_status="unreviewed", limit=None, offset=0)
        where, params = f.where()
        rows = self.db.execute(f"{_ROW_SELECT} WHERE {where} ORDER BY c.confidence, d.published, c.id "
                               "LIMIT ? OFFSET ?", (*params, limit, offset))
        return self.count_claims(f), [_ledger_row(r) for r in rows]

    def review_log(self) -> Iterator[dict[str, Any]]:
        """Every review ever made, oldest first, with its claim's document and current status."""
        last: tuple[str, str] = ("", "")
        while True:   # keyset pages: the log only grows, and a page never repeats a row
            rows = self.db.execute(
                "SELECT r.id AS review_id, r.at, r.claim_id, c.document_id, r.action, r.reviewer, r.note, "
                "r.changes, c.review_status AS claim_status FROM reviews r LEFT JOIN claims c ON c.id = r.claim_id "
                "WHERE r.at > ? OR (r.at = ? AND r.id > ?) ORDER BY r.at, r.id LIMIT 1000", (last[0], *last))
            for r in rows:
                r["changes"] = json.loads(r["changes"]) if r["changes"] else {}
                yield r
            if len(rows) < 1000:
                return
            last = (rows[-1]["at"], rows[-1]["review_id"])

    # -- re-extraction ---------------------------------------------------------------------
    def iter_documents(self, *, ids: Sequence[str] = (), source: str | None = None, outlet: str | None = None,
                       since: str | None = None, until: str | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents with their text: all, or those matching every filter given.

        ``source`` and ``outlet`` match case-insensitive substrings; ``since``/``until`` bound
        the publication date (undated documents match no date bound).
        """
        parts, params = ["id > ?"], []
        if ids:
            parts.append(f"id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
        for column, value in (("source", source), ("outlet", outlet)):
            if value:
                parts.append(f"LOWER(COALESCE({column}, '')) LIKE ? ESCAPE '\\'")
                params.append("%" + value.lower().replace("\\", "\\\\").replace("%", "\\%")
                              .replace("_", "\\_") + "%")
        if since:
            parts.append("published >= ?")
            params.append(since)
        if until:
            parts.append("published <= ?")
            params.append(until)
        last = ""
        while True:
            rows = self.db.execute(f"SELECT * FROM documents WHERE {' AND '.join(parts)} ORDER BY id LIMIT 200",
                                   (last, *params))
            for r in rows:
                r["warnings"] = json.loads(r["warnings"] or "[]")
                yield r
            if len(rows) < 200:
                return
            last = rows[-1]["id"]

    def documents_meta(self, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Outlet, date and source of these stored documents, by id (unknown ids left out)."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(doc_ids)):
            rows = self.db.execute("SELECT id, source, outlet, published FROM documents "
                                   f"WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)
            found.update((r["id"], r) for r in rows)
        return found

    def replace_claims(self, items: Sequence[Prepared]) -> Any:
        """Write new extraction results over stored documents' claims, keeping every review.

        One transaction for the batch; see :mod:`.rewrite` for how reviews are carried over.
        Returns a :class:`.rewrite.ReplaceReport`.
        """
        from .rewrite import replace_claims
        items = [countable(item) for item in items]
        return self._in_transaction(lambda: replace_claims(self, items, now()))

    def audit(self, claim_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, claim_id, action, changes, note, reviewer, at FROM reviews "
                               "WHERE claim_id = ? ORDER BY at, id", (claim_id,))
        for r in rows:
            r["changes"] = json.loads(r["changes"]) if r["changes"] else {}
        return rows

    # -- reading ---------------------------------------------------------------------------
    def claims(self, filters: ClaimFilter | None = None, **kw: Any) -> list[dict[str, Any]]:
        """Ledger rows (claim, document and assertion fields), filtered; see :class:`ClaimFilter`."""
        return list(self.iter_claims(filters, **kw))

    def iter_claims(self, filters: ClaimFilter | None = None, **kw: Any) -> Iterator[dict[str, Any]]:
        """Like :meth:`claims`, fetched page by page so exports of a large ledger stay small."""
        f = filters or ClaimFilter(**kw)
        where, params = f.where()
        order = "ORDER BY d.published, c.document_id, c.claim_index"
        if f.limit is not None:
            page, pp = f.page()
            yield from (_ledger_row(r) for r in self.db.execute(f"{_ROW_SELECT} WHERE {where} {order} {page}",
                                                                   (*params, *pp)))
            return
        offset = f.offset
        while True:
            rows = self.db.execute(f"{_ROW_SELECT} WHERE {where} {order} LIMIT ? OFFSET ?",
                                   (*params, 5000, offset))
            yield from (_ledger_row(r) for r in rows)
            if len(rows) < 5000:
                return
            offset += len(rows)

    def count_claims(self, filters: ClaimFilter | None = None, **kw: Any) -> int:
        f = filters or ClaimFilter(**kw)
        where, params = f.where()
        rows = self.db.execute("SELECT COUNT(*) AS n FROM claims c JOIN documents d ON d.id = c.document_id "
                               f"WHERE {where}", params)
        return int(rows[0]["n"])

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        """One ledger row with its audit log, rejected or not."""
        rows = self.db.execute(f"{_ROW_SELECT} WHERE c.id = ?", (claim_id,))
        if not rows:
            return None
        row = _ledger_row(rows[0])
        row["audit"] = self.audit(claim_id)
        return row

    def document(self, document_id: str) -> dict[str, Any] | None:
        """A document row, with its text."""
        rows = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,))
        if not rows:
            return None
        doc = dict(rows[0])
        doc["warnings"] = json.loads(doc["warnings"] or "[]")
        doc.pop("minhash", None)
        return doc

    def assertions(self, filters: ClaimFilter | None = None, **kw: Any) -> list[dict[str, Any]]:
        """One row per assertion among the matching claims, with every report that relayed it."""
        grouped: dict[str, dict[str, Any]] = {}
        for row in self.iter_claims(filters, **kw):
            a = grouped.get(row["assertion_id"])
            if a is None:
                a = grouped[row["assertion_id"]] = {**row, "claim_ids": [], "document_ids": [], "outlets": []}
            a["claim_ids"].append(row["claim_id"])
            if row["document_id"] not in a["document_ids"]:
                a["document_ids"].append(row["document_id"])
            if row["outlet"] and row["outlet"] not in a["outlets"]:
                a["outlets"].append(row["outlet"])
        return list(grouped.values())

    def errors(self, *, limit: int = 1000) -> list[dict[str, Any]]:
        return self.db.execute("SELECT source, reason, at, first_at, attempts FROM ingest_errors "
                               "ORDER BY at DESC, source LIMIT ?",
                               (limit,))

    def counts(self) -> dict[str, int]:
        q = {
            "documents": "SELECT COUNT(*) AS n FROM documents",
            "claims": "SELECT COUNT(*) AS n FROM claims WHERE review_status <> 'rejected'",
            "assertions": "SELECT COUNT(*) AS n FROM assertions WHERE relay_count > 0",
            "errors": "SELECT COUNT(*) AS n FROM ingest_errors",
            "reviews": "SELECT COUNT(*) AS n FROM reviews",
            "near_duplicates": "SELECT COUNT(*) AS n FROM documents WHERE duplicate_of IS NOT NULL",
            "versions": "SELECT COUNT(*) AS n FROM documents WHERE previous_version_id IS NOT NULL",
        }
        return {k: int(self.db.execute(sql)[0]["n"]) for k, sql in q.items()}

    def facets(self, column: str, filters: ClaimFilter | None = None, **kw: Any) -> list[tuple[str, int]]:
        """Distinct values of a claim column among matching claims, most frequent first."""
        from .query import EXACT
        if column not in EXACT:
            raise StoreError(f"no facet on {column!r}")
        f = filters or ClaimFilter(**kw)
        where, params = f.where()
        rows = self.db.execute(f"SELECT {EXACT[column]} AS v, COUNT(*) AS n FROM claims c "
                               f"JOIN documents d ON d.id = c.document_id WHERE {where} "
                               f"GROUP BY {EXACT[column]} ORDER BY n DESC, v", params)
        return [(r["v"], int(r["n"])) for r in rows]


def open_ledger(url: str | os.PathLike[str] = "claimledger.db") -> Ledger:
    """Open (creating and migrating if needed) a ledger: a SQLite path or a ``postgresql://`` URL.

    Raises:
        StoreError: the file is not SQLite, is corrupt, holds another application's tables,
            was written by a newer claimledger, or the server cannot be reached.
    """
    db = connect(url)
    try:
        if db.kind == "sqlite":
            _quick_check(db)
        migrate(db)
    except BaseException:
        db.close()
        raise
    return Ledger(db)


def _quick_check(db: Backend) -> None:
    rows = db.execute("PRAGMA quick_check")
    verdict = rows[0]["quick_check"] if rows else "ok"
    if verdict != "ok":
        raise StoreError(f"{db.url}: the database is corrupt ({verdict}); restore it from a backup "
                         "or start a new ledger")


def storable(text: str) -> str:
    """Text both databases accept: undecodable file-name bytes and lone surrogates as escapes
    (``\\xff``, ``\\ud800``), NUL as ``\\x00``."""
    try:
        out = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:   # surrogates that did not come from undecodable bytes
        out = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return out.replace("\x00", "\\x00")


def _unique_documents(items: Sequence[Prepared]) -> list[Prepared]:
    """One item per document id (the last reading, at the first one's place)."""
    return list({item.result.document.doc_id: item for item in items}.values())


def _document_row(item: Prepared, at: str, previous: Mapping[str, str | None],
                  links: Mapping[str, tuple[str | None, str]]) -> tuple[Any, ...]:
    """A ``documents`` row (:data:`DOCUMENT_COLUMNS`) for ``item``."""
    doc = item.result.document
    duplicate_of, cluster = links[doc.doc_id]
    return (doc.doc_id, storable(doc.source), doc.url, doc.outlet, doc.title, doc.published,
            doc.date_source, doc.language, doc.text, json.dumps(list(doc.warnings)), at,
            previous.get(doc.doc_id), duplicate_of, cluster, item.signature, doc.filed_from)


def _after(first: Callable[[], bool] | None, write: Callable[[], AddStats]) -> AddStats | None:
    return write() if first is None or first() else None


def _refused(item: Prepared, reason: str) -> IngestError:
    doc = item.result.document
    return IngestError(doc.source or doc.doc_id, f"not written to the ledger: {reason}")


def _fits(value: int | None) -> bool:
    return value is None or INT_MIN <= value <= INT_MAX


def countable(item: Prepared) -> Prepared:
    """``item`` without the claims whose figures no database integer holds, each noted in a warning.

    Such figures are not counts (a phone number, a serial, a garbled figure). The kept claims
    are renumbered and a breakdown of a dropped total loses its link.
    """
    result = item.result
    dropped = [i for i, c in enumerate(result.claims) if not all(_fits(v) for v in (c.value, c.low, c.high))]
    if not dropped:
        return item
    kept = [i for i in range(len(result.claims)) if i not in dropped]
    new_index = {old: new for new, old in enumerate(kept)}
    claims = tuple(_relinked(result.claims[i], new_index) for i in kept)
    notes = tuple(f"figure {_figure(result.claims[i])} is beyond the ledger's integer range "
                  f"(±9.2 × 10^18): not a count; claim dropped" for i in dropped)
    doc = replace(result.document, warnings=(*result.document.warnings, *notes))
    return Prepared(ExtractionResult(document=doc, claims=claims), item.signature, item.extractor)


def _relinked(claim: Claim, new_index: Mapping[int, int]) -> Claim:
    if claim.part_of is None:
        return claim
    return replace(claim, part_of=new_index.get(claim.part_of))


def _figure(c: Claim) -> str:
    outside = [v for v in (c.value, c.low, c.high) if not _fits(v)]
    return str(outside[0])


def _claim_rows(result: ExtractionResult, at: str,
                version: str | None = None) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each claim as a ``claims`` row, with the merge key of its assertion."""
    doc_id = result.document.doc_id
    version = version or extractor_version()
    out = []
    for i, c in enumerate(result.claims):
        d = _claim_dict(c)
        key = keys.assertion_key(d)
        aid = keys.assertion_id(key)
        part_of = keys.claim_id(doc_id, c.part_of) if c.part_of is not None else None
        evidence = [{"text": e.text, "start": e.start, "end": e.end} for e in c.evidence]
        row = (keys.claim_id(doc_id, i), doc_id, i, aid,
               *[json.dumps(evidence, ensure_ascii=False) if f == "evidence" else d[f]
                 for f in CLAIM_FIELDS if f != "part_of"],
               " | ".join(e["text"] for e in evidence), part_of, version, at)
        out.append((row, key))
    return out


def _claim_dict(c: Claim) -> dict[str, Any]:
    return {f: getattr(c, f) for f in CLAIM_FIELDS}


def _ledger_row(r: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(r)
    row["claim_id"] = row.pop("id")
    row["evidence"] = json.loads(row["evidence"])
    row.pop("evidence_text", None)
    return row


def _chunks(items: list[Any], size: int = _IN_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
