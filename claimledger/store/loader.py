"""The ingest job: read inputs, extract in worker processes, write batches through one writer.

Documents stream from the readers in batches; batches already in the ledger are dropped
before extraction; at most two batches per worker are in flight, so memory stays flat
however large the corpus. Each batch is written in one transaction together with the
ingest errors met since the last one.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..errors import IngestError
from ..extract.parallel import die_with_parent
from ..models import Document
from .ledger import AddStats, Ledger, Prepared, countable

Progress = Callable[["IngestSummary"], None]
#: Documents per transaction: larger batches write less (fewer index pages rewritten per document).
DEFAULT_BATCH = 200


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

    @property
    def claims(self) -> int:
        return self.stats.claims_added


#: This process's extractor when the ingest names extra registries (None: the shipped default).
_worker_extractor: Any = None
def _init_worker(registry_files: tuple[str, ...], parent: int | None = None) -> None:
    global _worker_extractor
    if parent is not None:
        die_with_parent(parent)
    from ..extract.pipeline import Extractor
    from ..extract.registry import load_registry
    _worker_extractor = Extractor(load_registry(*registry_files)) if registry_files else None


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
    from ..extract.pipeline import extract_documents
    results = extract_documents([doc], extractor=_worker_extractor, on_error=lambda e: errors.append(
        IngestError(_name(doc), f"extraction failed: {e.reason}")))
    return [Prepared.of(r) for r in results]


def _name(doc: Document) -> str:
    return doc.source or doc.doc_id


def run_ingest(documents: Iterable[Document], ledger: Ledger, *, workers: int = 1, batch_size: int = DEFAULT_BATCH,
               registry_files: tuple[str, ...] = (), read_errors: list[IngestError] | None = None,
               progress: Progress | None = None) -> IngestSummary:
    """Extract ``documents`` into ``ledger``.

    Args:
        documents: a lazy stream, e.g. :func:`claimledger.ingest.iter_documents`.
        workers: extraction processes; 1 extracts in this process.
        batch_size: documents per transaction.
        registry_files: extra party registries for the extractor.
        read_errors: a list the reader appends its errors to; they are written to
            ``ingest_errors`` with the next batch.
        progress: called after every batch with the running summary.
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

    batches = _new_batches(documents, ledger, batch_size, summary)
    if workers <= 1:
        _init_worker(registry_files)
        for batch in batches:
            write(*extract_prepared(batch))
    else:
        _run_pool(batches, workers, registry_files, write)
    if pending:
        write([], [])
    return summary


def _warnings(prepared: Sequence[Prepared]) -> list[tuple[str, str]]:
    """The documents' warnings worth a line in the summary (missing dates are summed up apart)."""
    from ..ingest.metadata import NO_DATE_WARNING
    return [(_name(p.result.document), w) for p in prepared for w in p.result.document.warnings
            if w != NO_DATE_WARNING]


Extracted = tuple[list[Prepared], list[IngestError]]
Write = Callable[[list[Prepared], list[IngestError]], None]


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


def _new_batches(documents: Iterable[Document], ledger: Ledger, size: int,
                 summary: IngestSummary) -> Iterator[list[Document]]:
    it = iter(documents)
    while batch := list(islice(it, size)):
        summary.documents_read += len(batch)
        known = ledger.known_documents([d.doc_id for d in batch])
        fresh = [d for d in batch if d.doc_id not in known]
        summary.stats.documents_skipped += len(batch) - len(fresh)
        summary.undated += [d.source for d in fresh if not d.published]
        if fresh:
            yield fresh


__all__ = ["DEFAULT_BATCH", "IngestSummary", "extract_prepared", "run_ingest"]
