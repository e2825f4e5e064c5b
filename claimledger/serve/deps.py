"""FastAPI dependencies shared by the pages and the API: a ledger per request, the write check."""
from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request

from ..store import Ledger
from .pool import LedgerPool
from .security import WritePolicy, check_write


def get_ledger(request: Request) -> Iterator[Ledger]:
    """A ledger connection lent for the duration of one request."""
    pool: LedgerPool = request.app.state.pool
    with pool.borrow() as ledger:
        yield ledger


def write_policy(request: Request) -> WritePolicy:
    policy: WritePolicy = request.app.state.write_policy
    return policy


def require_write(request: Request) -> None:
    """Refuse a write this server must not accept (403, 401, 415)."""
    check_write(request, write_policy(request))
