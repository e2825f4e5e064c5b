"""The pipeline above the ledger: read, extract, write. The ledger stores claims; this makes them.

* :func:`run_ingest` extracts new documents into the ledger. Documents stream from the
  readers in batches; batches already in the ledger are dropped before extraction; at most
  two batches per worker are in flight, so memory stays flat however large the corpus. Each
  batch is written in one transaction together with the ingest errors met since the last one.
* :func:`reextract` runs the current extractor again over stored documents and replaces
  their claims, keeping every review (see :mod:`claimledger.store.rewrite`).
* :func:`review_claim` is a review checked against the registry's parties.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from .errors import IngestError
from .extract.parallel import die_with_parent
from .models import Document
from .store import AddStats, Ledger, Prepared, extractor_version
from .store.ledger import countable
from .store.rewrite import ReplaceReport

Progress = Callable[[Any], None]
#: Documents per transaction: larger batches write less (fewer index pages rewritten per document).
DEFAULT_BATCH = 200
#: Documents per re-extraction transaction (each also rewrites the document's claims).
REEXTRACT_BATCH = 50


@dataclass(slots=True)
class IngestSummary:
    """Running totals of an ingest, shown as progress and at the end."""

    documents_read: int = 0
    stats: AddStats = field(default_factory=AddStats)
    errors: list[IngestError] = field(default_factory=list)
    #: Sources of new documents with no publication date (their relative periods stay unresolved).
    undated: list[str] = field(default_factory=list)
    #: ``(source, warning)`` of extracted documents: repaired text, dropped figures, limits that bit.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: ``(source, what)`` for documents already in the ledger whose new outlet or date was not applied.
    ignored: list[tuple[str, str]] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return self.stats.claims_added


# -- extraction, in this process or in workers ------------------------------------------------
#: This process's extractor when the run names extra registries (None: the shipped default).
_worker_extractor: Any = None
#: The version written on the claims this process extracts.
_worker_version: str | None = None


def _init_worker(registry_files: tuple[str, ...], parent: int | None = None) -> None:
    global _worker_extractor, _worker_version
    if parent is not None:
        die_with_parent(parent)
    from .extract.pipeline import Extractor
    from .extract.registry import load_registry
    _worker_extractor = Extractor(load_registry(*registry_files)) if registry_files else None
    _worker_version = version_with(registry_files)


def version_with(registry_files: Sequence[str]) -> str:
    """The extractor's version, plus a digest of the extra registries when there are any."""
    base = extractor_version()
    if not registry_files:
        return base
    h = hashlib.sha256()
    for path in registry_files:
        h.update(Path(path).read_bytes())
    return f"{base}+registry.{h.hexdigest()[:8]}"


def extract_prepared(docs: Sequence[Document]) -> tuple[list[Prepared], list[IngestError]]:
    """Worker side: extract and sign a batch; a failing document becomes an error, not a crash."""
    prepared: list[Prepared] = []
    errors: list[IngestError] = []
    for doc in docs:
        try:
            prepared.extend(_extract_one(doc, errors))
        except Exception as exc:  # noqa: BLE001  one document's failure must not cost the batch
            errors.append(IngestError(_name(doc), f"extraction failed: {type(exc).__name__}: {exc}"))
    return prepared, errors


def _extract_one(doc: Document, errors: list[IngestError]) -> list[Prepared]:
    from .extract.pipeline import extract_documents
    results = extract_documents([doc], extractor=_worker_extractor, on_error=lambda e: errors.append(
        IngestError(_name(doc), f"extraction failed: {e.reason}")))
    return [replace(Prepared.of(r), extractor=_worker_version) for r in results]


def _name(doc: Document) -> str:
    return doc.source or doc.doc_id


Extracted = tuple[list[Prepared], list[IngestError]]
Write = Callable[[list[Prepared], list[IngestError]], None]


def _extract_batches(batches: Iterable[list[Document]], workers: int, registry_files: tuple[str, ...],
                     write: Write) -> None:
    """Extract each batch (here, or in ``workers`` processes) and hand it to ``write`` in this process."""
    if workers <= 1:
        _init_worker(registry_files)
        for batch in batches:
            write(*extract_prepared(batch))
    else:
        _run_pool(iter(batches), workers, registry_files, write)


class _WorkerPool:
    """Extraction processes that die with this one, replaced when one of them dies."""

    def __init__(self, workers: int, registry_files: tuple[str, ...]) -> None:
        import multiprocessing as mp
        self.workers = workers
        self.registry_files = registry_files
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.registry_files, os.getpid()))

    def submit(self, batch: list[Document]) -> Future[Extracted]:
        return self.pool.submit(extract_prepared, batch)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def isolate(self, batch: list[Document]) -> Extracted:
        """A batch whose worker died, one document at a time: the one that kills its worker is an error."""
        prepared: list[Prepared] = []
        errors: list[IngestError] = []
        for doc in batch:
            try:
                got, failed = self.submit([doc]).result()
            except BrokenProcessPool:
                self.restart()
                errors.append(IngestError(_name(doc), "extraction failed: the worker process died on it"))
                continue
            prepared += got
            errors += failed
        return prepared, errors

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _run_pool(batches: Iterator[list[Document]], workers: int, registry_files: tuple[str, ...],
              write: Write) -> None:
    pool = _WorkerPool(workers, registry_files)
    in_flight: dict[Future[Extracted], list[Document]] = {}
    try:
        for batch in batches:
            try:
                fut = pool.submit(batch)
            except BrokenProcessPool:          # a worker died before its future said so
                _settle(pool, in_flight, set(in_flight), write, broken=True)
                fut = pool.submit(batch)
            in_flight[fut] = batch
            if len(in_flight) >= 2 * workers:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                _settle(pool, in_flight, done, write)
        _settle(pool, in_flight, set(in_flight), write)
    finally:
        pool.close()


def _settle(pool: _WorkerPool, in_flight: dict[Future[Extracted], list[Document]], done: set[Future[Extracted]],
            write: Write, *, broken: bool = False) -> None:
    """Write the finished batches; when a worker died, every batch in flight is redone document by document."""
    lost: list[list[Document]] = []
    for fut in done:
        batch = in_flight.pop(fut)
        try:
            write(*fut.result())
        except BrokenProcessPool:
            lost.append(batch)
    if not lost and not broken:
        return
    lost += list(in_flight.values())       # the broken pool failed them all
    in_flight.clear()
    pool.restart()
    for batch in lost:
        write(*pool.isolate(batch))


# -- ingest ---------------------------------------------------------------------------------
def run_ingest(documents: Iterable[Document], ledger: Ledger, *, workers: int = 1, batch_size: int = DEFAULT_BATCH,
               registry_files: tuple[str, ...] = (), read_errors: list[IngestError] | None = None,
               progress: Progress | None = None) -> IngestSummary:
    """Extract ``documents`` into ``ledger``; documents already there are left as they are.

    Args:
        documents: a lazy stream, e.g. :func:`claimledger.ingest.iter_documents`.
        workers: extraction processes; 1 extracts in this process.
        batch_size: documents per transaction.
        registry_files: extra party registries for the extractor.
        read_errors: a list the reader appends its errors to; they are written to
            ``ingest_errors`` with the next batch.
        progress: called after every batch with the running summary.

    A document already in the ledger keeps its claims, outlet and date: when this run would
    have read them differently (another outlet or date, extra registries), the summary's
    first warning says so and names ``claimledger reextract``.
    """
    summary = IngestSummary()
    pending = read_errors if read_errors is not None else []

    def write(prepared: list[Prepared], errors: list[IngestError]) -> None:
        flushed = list(pending)
        del pending[:len(flushed)]
        batch_errors = flushed + errors
        prepared = [countable(item) for item in prepared]
        stats = ledger.write_batch(prepared, batch_errors)
        summary.stats.merge(stats)
        summary.errors.extend(batch_errors + stats.rejected)
        refused = {e.source for e in stats.rejected}
        summary.warnings.extend(w for w in _warnings(prepared) if w[0] not in refused)
        if progress:
            progress(summary)

    _extract_batches(_new_batches(documents, ledger, batch_size, summary), workers, registry_files, write)
    if pending:
        write([], [])
    if note := ignored_note(summary, registry_files):
        summary.warnings.insert(0, note)
    return summary


def _warnings(prepared: Sequence[Prepared]) -> list[tuple[str, str]]:
    """The documents' warnings worth a line in the summary (missing dates are summed up apart)."""
    from .ingest.metadata import NO_DATE_WARNING
    return [(_name(p.result.document), w) for p in prepared for w in p.result.document.warnings
            if w != NO_DATE_WARNING]


def _new_batches(documents: Iterable[Document], ledger: Ledger, size: int,
                 summary: IngestSummary) -> Iterator[list[Document]]:
    it = iter(documents)
    while batch := list(islice(it, size)):
        summary.documents_read += len(batch)
        known = ledger.documents_meta([d.doc_id for d in batch])
        fresh = [d for d in batch if d.doc_id not in known]
        summary.stats.documents_skipped += len(batch) - len(fresh)
        summary.undated += [d.source for d in fresh if not d.published]
        summary.ignored += [(_name(d), what) for d in batch if d.doc_id in known
                            for what in _differences(d, known[d.doc_id])]
        if fresh:
            yield fresh


def _differences(doc: Document, stored: Mapping[str, Any]) -> list[str]:
    """What this reading of a known document says that the ledger's copy does not."""
    out = []
    if doc.outlet and doc.outlet != stored["outlet"]:
        out.append(f"outlet {doc.outlet!r} (the ledger has {stored['outlet'] or 'none'!r})")
    if doc.published and doc.published != stored["published"]:
        out.append(f"date {doc.published} (the ledger has {stored['published'] or 'none'})")
    return out


def ignored_note(summary: IngestSummary, registry_files: Sequence[str]) -> tuple[str, str] | None:
    """One ``(subject, warning)`` line saying what was not applied to known documents, or None."""
    known = summary.stats.documents_skipped
    if not known or not (summary.ignored or registry_files):
        return None
    parts = []
    if summary.ignored:
        shown = "; ".join(f"{source}: {what}" for source, what in summary.ignored[:3])
        more = f" and {len(summary.ignored) - 3} more" if len(summary.ignored) > 3 else ""
        n = len({source for source, _ in summary.ignored})
        parts.append(f"the new outlet or date of {n} document{'s' if n != 1 else ''} was not applied ({shown}{more})")
    if registry_files:
        parts.append("--registry was not applied to them")
    hint = ("run `claimledger reextract` on them to extract them again"
            + (" with --registry" if registry_files else "")
            + (" (--set-outlet/--set-date change a stored outlet or date)" if summary.ignored else ""))
    subject = f"{known} document{'s' if known != 1 else ''} already in the ledger"
    return subject, f"kept as stored: {', '.join(parts)}; {hint}"


# -- re-extraction --------------------------------------------------------------------------
@dataclass(slots=True)
class ReextractSummary:
    """What a re-extraction did: the rewrite's report, errors, and the version written."""

    report: ReplaceReport = field(default_factory=ReplaceReport)
    errors: list[IngestError] = field(default_factory=list)
    extractor_version: str = ""


def reextract(ledger: Ledger, *, ids: Sequence[str] = (), source: str | None = None, outlet: str | None = None,
              since: str | None = None, until: str | None = None, registry_files: tuple[str, ...] = (),
              set_outlet: str | None = None, set_date: str | None = None, workers: int = 1,
              batch_size: int = REEXTRACT_BATCH, progress: Progress | None = None) -> ReextractSummary:
    """Extract the stored documents again (all, or those the filters select) and replace their claims.

    Reviews are kept: a reviewed claim the extractor finds again keeps its id, its corrections
    and its status; one it no longer finds stays as reviewed and is listed in
    ``report.orphaned``. A document whose extraction fails keeps its old claims (listed in
    ``errors``). ``set_outlet``/``set_date`` change the selected documents' outlet or date
    before they are extracted again.
    """
    summary = ReextractSummary(extractor_version=version_with(registry_files))

    def write(prepared: list[Prepared], errors: list[IngestError]) -> None:
        summary.report.merge(ledger.replace_claims(prepared))
        summary.errors.extend(errors)
        if progress:
            progress(summary)

    docs = (_stored(row, set_outlet, set_date) for row in ledger.iter_documents(
        ids=ids, source=source, outlet=outlet, since=since, until=until))
    _extract_batches(_batches(docs, batch_size), workers, registry_files, write)
    return summary


def _stored(row: Mapping[str, Any], outlet: str | None, published: str | None) -> Document:
    """A stored document as the readers would give it, with a new outlet or date when one is set."""
    return Document(text=row["text"], doc_id=row["id"], source=row["source"], title=row["title"],
                    outlet=outlet or row["outlet"], url=row["url"], published=published or row["published"],
                    date_source="option" if published else row["date_source"], language=row["language"],
                    warnings=tuple(row["warnings"]))


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


# -- review ---------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def registry_parties(registry_files: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The party names of the shipped registry (plus extra files), loaded once per process."""
    from .extract.registry import load_registry
    return tuple(load_registry(*registry_files).parties)


def review_claim(ledger: Ledger, claim_id: str, action: str, *, reviewer: str, note: str = "",
                 changes: Mapping[str, Any] | None = None,
                 registry_files: tuple[str, ...] = ()) -> dict[str, Any]:
    """Review a claim (see :meth:`Ledger.review`), its sides checked against the registry."""
    return ledger.review(claim_id, action, changes=changes, note=note, reviewer=reviewer,
                         parties=registry_parties(tuple(registry_files)))


__all__ = ["DEFAULT_BATCH", "IngestSummary", "ReextractSummary", "extract_prepared", "reextract",
           "registry_parties", "review_claim", "run_ingest", "version_with"]
