"""The ingest job: read inputs, extract in worker processes, write batches through one writer.

Documents stream from the readers in batches; batches already in the ledger are dropped
before extraction; at most two batches per worker are in flight, so memory stays flat
however large the corpus. Each batch is written in one transaction together with the
ingest errors met since the last one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..errors import IngestError
from ..models import Document
from .ledger import AddStats, Ledger, Prepared

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

    @property
    def claims(self) -> int:
        return self.stats.claims_added


_worker_registry: Any = None


def _init_worker(registry_files: tuple[str, ...]) -> None:
    global _worker_registry
    from ..extract.registry import load_registry
    _worker_registry = load_registry(*registry_files) if registry_files else None


def extract_prepared(docs: Sequence[Document]) -> tuple[list[Prepared], list[IngestError]]:
    """Worker side: extract and sign a batch; a failing document becomes an error, not a crash."""
    from ..extract.pipeline import extract_documents
    errors: list[IngestError] = []
    sources = {d.doc_id: d.source for d in docs}
    results = extract_documents(docs, registry=_worker_registry,
                                on_error=lambda e: errors.append(
                                    IngestError(sources.get(e.doc_id, e.doc_id), f"extraction failed: {e.reason}")))
    return [Prepared.of(r) for r in results], errors


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
        summary.stats.merge(ledger.write_batch(prepared, batch_errors))
        summary.errors.extend(batch_errors)
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


def _run_pool(batches: Iterator[list[Document]], workers: int, registry_files: tuple[str, ...],
              write: Callable[[list[Prepared], list[IngestError]], None]) -> None:
    import multiprocessing as mp
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(registry_files,)) as pool:
        in_flight: set[Future[tuple[list[Prepared], list[IngestError]]]] = set()
        for batch in batches:
            in_flight.add(pool.submit(extract_prepared, batch))
            if len(in_flight) >= 2 * workers:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in done:
                    write(*fut.result())
        for fut in in_flight:
            write(*fut.result())


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
