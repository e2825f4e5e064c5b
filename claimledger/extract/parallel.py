"""Extraction across processes: documents in batches to worker processes, results in input order.

Extraction is pure Python and holds the GIL, so more cores mean more processes. Each worker
builds its own extractor once (registry, lexicon, model) and dies with the process that started
it, even when that one is killed with SIGKILL.
"""
from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ..errors import ExtractionError
from ..models import Document, ExtractionResult

#: Seconds between a worker's checks that its parent still lives (where the OS cannot tell it).
PARENT_POLL_S = 0.5
_PR_SET_PDEATHSIG = 1
#: This worker process's extractor, built by :func:`_init_worker`.
_extractor = None

Batch = tuple[list[ExtractionResult], list[ExtractionError]]


def extract_in_parallel(docs: Iterable[Document], *, workers: int, registry_files: tuple[str, ...] = (),
                        accurate: bool = False, batch_size: int = 25,
                        on_error: Callable[[ExtractionError], None] | None = None) -> Iterator[ExtractionResult]:
    """Extract ``docs`` in ``workers`` processes; results come back in the order of ``docs``.

    Args:
        docs: documents, read lazily (at most ``2 * workers`` batches are in flight).
        workers: worker processes.
        registry_files: extra registry files each worker loads over the shipped registry.
        accurate: the accurate path (spaCy for speakers no rule names).
        batch_size: documents sent to a worker at a time.
        on_error: called with the :class:`ExtractionError` of a document that fails (default: raise).
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    if ctx.get_start_method() == "fork" and not (registry_files or accurate):
        from .pipeline import default_extractor

        default_extractor()  # built once here, inherited by every worker instead of built in each
    it = iter(docs)
    batches = iter(lambda: list(itertools.islice(it, batch_size)), [])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(registry_files, accurate, os.getpid())) as pool:
        in_flight: deque[Future[Batch]] = deque()
        for batch in batches:
            in_flight.append(pool.submit(_extract_batch, batch))
            if len(in_flight) >= 2 * workers:
                yield from _settled(in_flight.popleft(), on_error)
        while in_flight:
            yield from _settled(in_flight.popleft(), on_error)


def _settled(fut: Future[Batch], on_error: Callable[[ExtractionError], None] | None) -> Iterator[ExtractionResult]:
    results, errors = fut.result()
    for err in errors:
        if on_error is None:
            raise err
        on_error(err)
    yield from results


def _init_worker(registry_files: tuple[str, ...], accurate: bool, parent: int) -> None:
    global _extractor
    die_with_parent(parent)
    from .pipeline import Extractor, default_extractor
    from .registry import load_registry

    if registry_files or accurate:
        _extractor = Extractor(load_registry(*registry_files) if registry_files else None, accurate=accurate)
    else:  # a forked worker inherits the parent's default extractor when it has built one
        _extractor = default_extractor()


def _extract_batch(docs: list[Document]) -> Batch:
    from .pipeline import extract_documents

    errors: list[ExtractionError] = []
    results = list(extract_documents(docs, extractor=_extractor, on_error=errors.append))
    return results, errors


def die_with_parent(parent: int) -> None:
    """End this worker as soon as ``parent`` ends, even by SIGKILL (which it cannot pass on).

    Linux sends the signal itself (``PR_SET_PDEATHSIG``); elsewhere, and as a second line, a
    thread watches for the worker being handed to another parent.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)
