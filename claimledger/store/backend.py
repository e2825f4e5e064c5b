"""Database connections behind one small interface: SQLite (default) and PostgreSQL.

SQL is written once with ``?`` placeholders; the PostgreSQL backend turns them into
``%s`` (no SQL here holds a literal ``?``). Values always travel as parameters.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
#: Seconds a writer waits for another process's write lock before giving up.
BUSY_TIMEOUT_S = 60.0


class Backend:
    """One open connection; ``transaction()`` wraps writes, reads run in autocommit."""

    kind = "abstract"
    url = ""
    #: Errors after which a rolled-back write transaction may simply be tried again.
    retryable: tuple[type[BaseException], ...] = ()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def rowcount(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write statement and return how many rows it touched."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield  # pragma: no cover

    def table_names(self) -> set[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Per-connection settings, once the database is known to be a ledger."""

    def close(self) -> None:
        raise NotImplementedError


class SQLiteBackend(Backend):
    """A single-file ledger: WAL journal, a busy timeout, one IMMEDIATE transaction per batch."""

    kind = "sqlite"

    def __init__(self, path: str) -> None:
        self.url = path
        _check_sqlite_file(path)
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                        check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable SQLite database ({exc})") from exc

    def prepare(self) -> None:
        """Switch to WAL; called only once the file is known to be a ledger (it rewrites the header)."""
        try:
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal" and self.url != ":memory:":
                raise StoreError(f"{self.url}: cannot switch the ledger to WAL mode (got {mode})")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.url}: not a usable SQLite database ({exc})") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        return self._guard(lambda: [dict(r) for r in cur.fetchall()] if cur.description else [])

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._guard(lambda: self.conn.executemany(sql, rows))

    def rowcount(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def _run(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        return self._guard(lambda: self.conn.execute(sql, tuple(params)))

    def _guard(self, fn: Any) -> Any:
        try:
            return fn()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.url}: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._begin_immediate()
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self._guard(lambda: self.conn.execute("COMMIT"))

    def _begin_immediate(self) -> None:
        # The busy handler covers most waits; a WAL snapshot conflict can still report
        # "locked" at once, so retry until the timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreError(f"{self.url}: cannot start a write ({exc})") from exc
                time.sleep(0.05)

    def table_names(self) -> set[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r["name"] for r in rows if not r["name"].startswith("sqlite_")}

    def close(self) -> None:
        self.conn.close()


class PostgresBackend(Backend):
    """A PostgreSQL ledger through psycopg 3; same SQL, ``%s`` placeholders."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.rows import dict_row

        self.url = _redact(url)
        self._psycopg = psycopg
        self.retryable = (psycopg.errors.DeadlockDetected,)
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: cannot connect ({_first_line(exc)})") from exc

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        return list(cur.fetchall()) if cur.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._guard(lambda: self.conn.cursor().executemany(self._sql(sql), rows))

    def rowcount(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        return self._guard(lambda: self.conn.execute(self._sql(sql), tuple(params)))

    def _guard(self, fn: Any) -> Any:
        try:
            return fn()
        except self._psycopg.errors.DeadlockDetected:
            raise
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.url}: {_first_line(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def table_names(self) -> set[str]:
        rows = self.execute("SELECT table_name FROM information_schema.tables "
                            "WHERE table_schema = current_schema()")
        return {r["table_name"] for r in rows}

    def close(self) -> None:
        self.conn.close()


def connect(url: str | os.PathLike[str]) -> Backend:
    """A backend for a SQLite path or a ``postgresql://`` URL."""
    text = os.fspath(url)
    if re.match(r"^postgres(ql)?://", text):
        return PostgresBackend(text)
    if "://" in text:
        raise StoreError(f"{text}: unknown ledger URL (use a file path or postgresql://...)")
    return SQLiteBackend(text)


def _check_sqlite_file(path: str) -> None:
    """Refuse a file that is not SQLite before sqlite3 touches it (it would not overwrite,
    but its error says only 'file is not a database')."""
    if path == ":memory:":
        return
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"{path}: is a directory, not a ledger file")
    if not p.exists():
        if not p.parent.exists():
            raise StoreError(f"{path}: folder {p.parent} does not exist")
        return
    try:
        with p.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from exc
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path}: not a SQLite database (refusing to overwrite it)")


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
