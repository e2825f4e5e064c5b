"""A bounded pool of ledger connections for the web app: one borrowed per request.

Opening a ledger checks and migrates it, which is too slow to repeat on every request,
and every extra SQLite connection is one more holder of the file's locks. So the pool
opens at most ``size`` connections, lends each to one request at a time (the SQLite
connections are opened with ``check_same_thread=False``, so any worker thread may use an
idle one), keeps them open for the server's lifetime and makes a request wait when all
are lent. A connection is dropped only when it no longer answers.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import LedgerBusy, StoreError
from ..store import Ledger, open_ledger

#: Connections per process: enough for the requests a small server runs at once.
DEFAULT_SIZE = 4
#: Seconds a request waits for a free connection before it gets 503.
DEFAULT_WAIT_S = 30.0


class LedgerPool:
    """At most ``size`` connections to one ledger; :meth:`borrow` lends one, :meth:`close` closes them all."""

    def __init__(self, url: str, *, size: int = DEFAULT_SIZE, wait_s: float = DEFAULT_WAIT_S) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self.url = url
        self.size = size
        self.wait_s = wait_s
        self._idle: list[Ledger] = []
        self._opened = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def opened(self) -> int:
        """Connections open now, lent or idle."""
        return self._opened

    def check(self) -> None:
        """Open the first connection now, so that an unusable ledger fails at start-up (StoreError)."""
        with self.borrow():
            pass

    @contextmanager
    def borrow(self) -> Iterator[Ledger]:
        ledger = self._take()
        healthy = True
        try:
            yield ledger
        except StoreError:
            # The connection may be what failed (a PostgreSQL server restart): keep it only if it answers.
            healthy = _answers(ledger)
            raise
        finally:
            self._give_back(ledger, healthy)

    def _take(self) -> Ledger:
        with self._cond:
            if not self._cond.wait_for(lambda: self._closed or self._idle or self._opened < self.size,
                                       timeout=self.wait_s):
                raise LedgerBusy(f"{self.url}: all {self.size} ledger connections stayed busy for "
                                 f"{self.wait_s:g} s; try again")
            if self._closed:
                raise StoreError(f"{self.url}: the server is shutting down")
            if self._idle:
                return self._idle.pop()
            self._opened += 1               # reserved before opening, so the bound holds across threads
        try:
            return open_ledger(self.url)
        except BaseException:
            with self._cond:
                self._opened -= 1
                self._cond.notify()
            raise

    def _give_back(self, ledger: Ledger, healthy: bool) -> None:
        with self._cond:
            keep = healthy and not self._closed
            if keep:
                self._idle.append(ledger)
            else:
                self._opened -= 1
            self._cond.notify()
        if not keep:
            ledger.close()

    def close(self) -> None:
        """Close every idle connection; lent ones are closed as they come back."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._opened -= len(idle)
            self._cond.notify_all()
        for ledger in idle:
            ledger.close()


def _answers(ledger: Ledger) -> bool:
    try:
        ledger.db.execute("SELECT 1")
    except StoreError:
        return False
    return True
