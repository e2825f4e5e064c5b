"""Claim shards: what one partition of a corpus extracted, as two Parquet files.

A shard named ``part-00003-1a2b3c4d5e`` is

* ``part-00003-1a2b3c4d5e.documents.parquet``: the partition's documents, with their text,
  MinHash signature and the version of the extractor that read them, so that a load stores
  the evidence's documents exactly as ingest would; the partition's read and extraction
  errors travel in the file's metadata;
* ``part-00003-1a2b3c4d5e.claims.parquet``: one row per claim, with the columns of the
  ``parquet`` export (:mod:`claimledger.serve.exports`) that a claim has before it is in a
  ledger (ids, claim fields, extractor version, the document's outlet, source, URL, title
  and date); relay counts and review status only exist in a ledger and are left out.

Each file is written under a temporary name and renamed into place, and the claims file is
written last: a shard whose claims file exists is complete.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import IngestError, StoreError
from ..models import CLAIM_FIELDS, Claim, Document, Evidence, ExtractionResult
from ..store import Prepared
from ..store import keys
from ..store.ledger import extractor_version

#: Bumped when a column changes meaning; a load refuses shards of another format.
SHARD_FORMAT = "1"
DOCUMENTS_SUFFIX = ".documents.parquet"
CLAIMS_SUFFIX = ".claims.parquet"
_META_FORMAT = b"claimledger.shard_format"
_META_ERRORS = b"claimledger.errors"

EVIDENCE_TYPE = pa.list_(pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())]))
_INT_FIELDS = frozenset({"value", "low", "high"})
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "confidence"})
_DATE_FIELDS = frozenset({"period_start", "period_end", "published"})


def _claim_type(name: str) -> pa.DataType:
    if name == "claim_index" or name in _INT_FIELDS:
        return pa.int64()
    if name in _FLOAT_FIELDS:
        return pa.float64()
    if name in _DATE_FIELDS:
        return pa.date32()
    return EVIDENCE_TYPE if name == "evidence" else pa.string()


#: Every field of a document but its id (stored as ``document_id``): a field added to
#: :class:`Document` travels in shards without a change here.
DOCUMENT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclass_fields(Document) if f.name != "doc_id")
#: The document fields the export repeats on each claim row, in the export's order.
_CLAIM_DOCUMENT_FIELDS = ("outlet", "source", "url", "title", "published",
                          *(f for f in DOCUMENT_FIELDS if f not in {"outlet", "source", "url", "title", "published",
                                                                   "text", "date_source", "language", "warnings"}))
#: The claims file: the export's columns a claim has outside a ledger, in the export's order and types.
CLAIM_COLUMNS: tuple[str, ...] = ("claim_id", "document_id", "claim_index", "assertion_id", *CLAIM_FIELDS,
                                  "extractor_version", *_CLAIM_DOCUMENT_FIELDS)
CLAIMS_SCHEMA = pa.schema([pa.field(c, _claim_type(c)) for c in CLAIM_COLUMNS])


def _document_type(name: str) -> pa.DataType:
    if name == "published":
        return pa.date32()
    return pa.list_(pa.string()) if name == "warnings" else pa.string()


#: The documents file: everything a ledger stores of a document, plus its signature and who extracted it.
DOCUMENTS_SCHEMA = pa.schema([("document_id", pa.string()),
                              *((name, _document_type(name)) for name in DOCUMENT_FIELDS),
                              ("minhash", pa.string()), ("extractor_version", pa.string())])


@dataclass(frozen=True, slots=True)
class Shard:
    """One complete shard in a directory."""

    name: str
    directory: Path

    @property
    def documents_path(self) -> Path:
        return self.directory / f"{self.name}{DOCUMENTS_SUFFIX}"

    @property
    def claims_path(self) -> Path:
        return self.directory / f"{self.name}{CLAIMS_SUFFIX}"

    def digest(self) -> str:
        """A hash of both files' bytes: the same shard copied or renamed is still the same shard."""
        h = hashlib.sha256()
        for path in (self.documents_path, self.claims_path):
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        return h.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class ShardContent:
    """A shard read back: results ready for the ledger's write path, and the partition's errors."""

    items: list[Prepared]
    errors: list[IngestError]


def shard_name(index: int, members: Sequence[str]) -> str:
    """A partition's shard name: its position, and a digest of the inputs it holds (so a rerun
    over the same inputs finds its own shards, and another corpus does not collide with them)."""
    digest = hashlib.sha256("\x1f".join(members).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"part-{index:05d}-{digest}"


def list_shards(directory: str | os.PathLike[str]) -> list[Shard]:
    """The complete shards of ``directory``, in name order (the corpus's order)."""
    root = Path(directory)
    if not root.is_dir():
        raise StoreError(f"{root}: not a directory of claim shards")
    names = sorted(p.name[:-len(CLAIMS_SUFFIX)] for p in root.iterdir()
                   if p.name.endswith(CLAIMS_SUFFIX) and not p.name.startswith("."))
    return [Shard(n, root) for n in names if (root / f"{n}{DOCUMENTS_SUFFIX}").is_file()]


# -- writing -------------------------------------------------------------------------------
def write_shard(directory: str | os.PathLike[str], name: str, items: Sequence[Prepared],
                errors: Sequence[IngestError] = ()) -> Shard:
    """Write one partition's results as a shard (documents first, claims last, each atomically)."""
    shard = Shard(name, Path(directory))
    shard.directory.mkdir(parents=True, exist_ok=True)
    meta = {_META_FORMAT: SHARD_FORMAT.encode(),
            _META_ERRORS: json.dumps([[e.source, e.reason] for e in errors], ensure_ascii=False).encode()}
    docs = pa.Table.from_pylist([_document_record(i) for i in items], schema=DOCUMENTS_SCHEMA)
    claims = pa.Table.from_pylist([r for i in items for r in _claim_records(i)], schema=CLAIMS_SCHEMA)
    _write_atomically(docs.replace_schema_metadata(meta), shard.documents_path)
    _write_atomically(claims.replace_schema_metadata({_META_FORMAT: SHARD_FORMAT.encode()}), shard.claims_path)
    return shard


def _write_atomically(table: pa.Table, path: Path) -> None:
    # A reader (or a load running beside the extraction) never sees half a file.
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        pq.write_table(table, partial, compression="zstd")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _document_record(item: Prepared) -> dict[str, Any]:
    doc = item.result.document
    record = {"document_id": doc.doc_id, **{name: getattr(doc, name) for name in DOCUMENT_FIELDS},
              "minhash": item.signature, "extractor_version": item.extractor or extractor_version()}
    record["published"] = _date(doc.published)
    record["warnings"] = list(doc.warnings)
    return record


def _claim_records(item: Prepared) -> Iterator[dict[str, Any]]:
    doc = item.result.document
    version = item.extractor or extractor_version()
    for i, claim in enumerate(item.result.claims):
        fields = claim.to_dict()
        record: dict[str, Any] = {
            "claim_id": keys.claim_id(doc.doc_id, i), "document_id": doc.doc_id, "claim_index": i,
            "assertion_id": keys.assertion_id(keys.assertion_key(fields)),
            **fields,
            "part_of": keys.claim_id(doc.doc_id, claim.part_of) if claim.part_of is not None else None,
            "extractor_version": version, **{name: getattr(doc, name) for name in _CLAIM_DOCUMENT_FIELDS}}
        for name in ("period_start", "period_end", "published"):
            record[name] = _date(record[name])
        yield record


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# -- reading -------------------------------------------------------------------------------
def read_shard(shard: Shard) -> ShardContent:
    """A shard as the ledger's write path takes it: the same documents, claims and versions
    the extraction made, so a loaded claim is the row ingest would have written."""
    docs = pq.read_table(shard.documents_path)
    _check_format(shard.documents_path, docs.schema.metadata)
    claims = pq.read_table(shard.claims_path)
    _check_format(shard.claims_path, claims.schema.metadata)
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in claims.to_pylist():
        by_doc.setdefault(row["document_id"], []).append(row)
    items = [_prepared(d, by_doc.get(d["document_id"], [])) for d in docs.to_pylist()]
    raw = (docs.schema.metadata or {}).get(_META_ERRORS, b"[]")
    errors = [IngestError(source, reason) for source, reason in json.loads(raw)]
    return ShardContent(items, errors)


def _check_format(path: Path, meta: dict[bytes, bytes] | None) -> None:
    found = (meta or {}).get(_META_FORMAT, b"").decode()
    if found != SHARD_FORMAT:
        raise StoreError(f"{path}: not a claim shard of format {SHARD_FORMAT} (found {found or 'none'}); "
                         "extract the corpus again with this version")


def _prepared(doc_row: dict[str, Any], claim_rows: list[dict[str, Any]]) -> Prepared:
    values = {name: doc_row[name] for name in DOCUMENT_FIELDS}
    values["published"] = _iso(values["published"])
    values["warnings"] = tuple(values["warnings"] or ())
    doc = Document(doc_id=doc_row["document_id"], **values)
    claim_rows = sorted(claim_rows, key=lambda r: r["claim_index"])
    index_of = {r["claim_id"]: r["claim_index"] for r in claim_rows}
    claims = tuple(_claim(r, index_of) for r in claim_rows)
    version = doc_row["extractor_version"]
    return Prepared(ExtractionResult(document=doc, claims=claims), doc_row["minhash"],
                    None if version == extractor_version() else version)


def _claim(row: dict[str, Any], index_of: dict[str, int]) -> Claim:
    values = {f: row[f] for f in CLAIM_FIELDS}
    values["evidence"] = tuple(Evidence(**e) for e in row["evidence"] or ())
    values["part_of"] = index_of.get(row["part_of"]) if row["part_of"] else None
    for name in ("period_start", "period_end"):
        values[name] = _iso(values[name])
    return Claim(**values, doc_id=row["document_id"])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def results(content: Iterable[ShardContent]) -> Iterator[ExtractionResult]:
    """The extraction results held in shards, in their order."""
    for c in content:
        yield from (item.result for item in c.items)
