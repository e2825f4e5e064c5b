"""A small pool of ledger connections for the web app: one borrowed per request.

Opening a ledger checks and migrates it, which is too slow to repeat on every request,
so connections are kept and lent out one request at a time (the SQLite connections are
opened with ``check_same_thread=False``, so any worker thread may use an idle one).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import StoreError
from ..store import Ledger, open_ledger


class LedgerPool:
    """Idle connections to one ledger; :meth:`borrow` lends one, :meth:`close` closes them all."""

    def __init__(self, url: str, *, keep: int = 8) -> None:
        self.url = url
        self.keep = keep
        self._idle: queue.LifoQueue[Ledger] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False

    def check(self) -> None:
        """Open one connection now, so that an unusable ledger fails at start-up (StoreError)."""
        self._give_back(open_ledger(self.url))

    @contextmanager
    def borrow(self) -> Iterator[Ledger]:
        try:
            ledger = self._idle.get_nowait()
        except queue.Empty:
            ledger = open_ledger(self.url)
        try:
            yield ledger
        except StoreError:
            # The connection may be what failed (a PostgreSQL server restart): do not lend it again.
            ledger.close()
            raise
        except BaseException:
            self._give_back(ledger)
            raise
        else:
            self._give_back(ledger)

    def _give_back(self, ledger: Ledger) -> None:
        with self._lock:
            if self._closed or self._idle.qsize() >= self.keep:
                ledger.close()
                return
            self._idle.put(ledger)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            while not self._idle.empty():
                self._idle.get_nowait().close()
