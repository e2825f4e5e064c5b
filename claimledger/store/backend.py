"""Database connections behind one small interface: SQLite (default) and PostgreSQL.

SQL is written once with ``?`` placeholders; the PostgreSQL backend turns them into
``%s`` (no SQL here holds a literal ``?``). Values always travel as parameters.

SQLite connection discipline: closing *any* descriptor of a file drops every POSIX lock
the process holds on it (SQLite's documented pitfall), after which another process may
believe it holds the last connection and delete the ``-wal`` and ``-shm`` files still in
use here, losing what is written afterwards. So Python itself never opens a ledger file
while this process holds a connection to it: the header is read by Python only before
the first connection, and SQLite checks it on every other.
"""
from __future__ import annotations

import itertools
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import RecordRejected, StoreError

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

    #: Values one :meth:`one_of` condition may hold (SQLite caps a statement's parameters).
    in_chunk = 500

    def one_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """The condition "``column`` is one of ``values``" and its parameters."""
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction inside ``transaction()``: a failure undoes only what it wrapped."""
        raise NotImplementedError
        yield  # pragma: no cover

    def prepare(self) -> None:
        """Per-connection settings, once the database is known to be a ledger."""

    @contextmanager
    def references_unenforced(self) -> Iterator[None]:
        """Foreign keys not enforced inside (wrap a whole transaction: schema changes only)."""
        yield

    def close(self) -> None:
        raise NotImplementedError


#: Values a database refuses for one row only: the row is at fault, not the ledger.
_RECORD_FAULTS: tuple[type[BaseException], ...] = (OverflowError, UnicodeError)


class SQLiteBackend(Backend):
    """A single-file ledger: WAL journal, a busy timeout, one IMMEDIATE transaction per batch."""

    kind = "sqlite"

    def __init__(self, path: str) -> None:
        self.url = path
        self._names = itertools.count()
        self.conn = _open_files.connect(path)
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self.conn.execute("PRAGMA schema_version").fetchone()  # SQLite reads the header itself
        except sqlite3.DatabaseError as exc:
            self.close()
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
                raise StoreError(f"{path}: not a SQLite database (refusing to overwrite it)") from exc
            raise StoreError(f"{path}: not a usable SQLite database ({exc})") from exc

    def prepare(self) -> None:
        """Switch to WAL once; called only when the file is known to be a ledger (it rewrites the header).

        An already-WAL ledger is left as it is: changing the journal mode needs the file to
        oneself, and other processes may be using it.
        """
        try:
            mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal" and self.url != ":memory:":
                raise StoreError(f"{self.url}: cannot switch the ledger to WAL mode (got {mode})")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.url}: not a usable SQLite database ({exc})") from exc

    @contextmanager
    def references_unenforced(self) -> Iterator[None]:
        # The pragma is ignored inside a transaction, so it is set around one.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def backup_to(self, path: str) -> None:
        """Copy the whole database, as of now, to a new file that needs no ``-wal`` beside it.

        The copy is written under a temporary name and renamed into place, so ``path`` is
        either the old file or the whole copy, never half of one.
        """
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                self._guard(lambda: self.conn.backup(copy))
                # The copy inherits WAL mode from the header; a rollback journal makes it one file.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

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
        except (sqlite3.IntegrityError, sqlite3.DataError, *_RECORD_FAULTS) as exc:
            raise RecordRejected(f"{self.url}: {exc}") from exc
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
        try:
            self._guard(lambda: self.conn.execute("COMMIT"))
        except BaseException:
            # A COMMIT refused (a deferred foreign key) leaves the transaction open: close it.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        name = f"record_{next(self._names)}"
        self._guard(lambda: self.conn.execute(f"SAVEPOINT {name}"))
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self._guard(lambda: self.conn.execute(f"RELEASE {name}"))

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
        _open_files.close(self.url, self.conn)


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

    in_chunk = 20_000

    def one_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        # One array parameter: a statement of 500 placeholders costs the client milliseconds to
        # convert and the server as long to plan, for every chunk of a big batch.
        return f"{column} = ANY(?)", [list(values)]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        return list(cur.fetchall()) if cur.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._guard(lambda: self.conn.cursor().executemany(self._sql(sql), rows))

    def rowcount(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Stream ``rows`` into ``table`` with ``COPY ... FROM STDIN`` (a bulk load's fast path).

        ``table`` and ``columns`` are the caller's own identifiers, never user input.
        """
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

        def run() -> None:
            with self.conn.cursor() as cur, cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        self._guard(run)

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        return self._guard(lambda: self.conn.execute(self._sql(sql), tuple(params)))

    def _guard(self, fn: Any) -> Any:
        errors = self._psycopg.errors
        try:
            return fn()
        except errors.DeadlockDetected:
            raise
        except (self._psycopg.DataError, self._psycopg.IntegrityError, *_RECORD_FAULTS) as exc:
            raise RecordRejected(f"{self.url}: {_first_line(exc)}") from exc
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.url}: {_first_line(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        with self.conn.transaction():  # nested inside another: psycopg makes it a savepoint
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


class _OpenFiles:
    """The SQLite files this process holds connections to, counted by device and inode.

    Opening, checking and counting happen under one lock, so no thread reads a file with
    Python while another thread's connection to it exists.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[int, int], int] = {}
        self._keys: dict[int, tuple[int, int]] = {}     # id(connection) -> its file

    def connect(self, path: str) -> sqlite3.Connection:
        with self._lock:
            _check_location(path)
            key = _file_key(path)
            if key is not None and key not in self._held:
                _check_header(path)                     # no connection of ours to lose its locks yet
            try:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{path}: not a usable SQLite database ({exc})") from exc
            key = _file_key(path)
            if key is not None:
                self._held[key] = self._held.get(key, 0) + 1
                self._keys[id(conn)] = key
            return conn

    def close(self, path: str, conn: sqlite3.Connection) -> None:
        # Closed first, uncounted after: while SQLite closes it, the file still counts as held.
        conn.close()
        with self._lock:
            key = self._keys.pop(id(conn), None)
            if key is None:
                return
            left = self._held.get(key, 1) - 1
            if left > 0:
                self._held[key] = left
            else:
                self._held.pop(key, None)

    def held(self, path: str) -> int:
        """How many connections this process holds to ``path`` (0 when none or no such file)."""
        key = _file_key(path)
        with self._lock:
            return self._held.get(key, 0) if key else 0


_open_files = _OpenFiles()


def open_connections(path: str | os.PathLike[str]) -> int:
    """How many SQLite connections this process holds to the ledger file ``path``."""
    return _open_files.held(os.fspath(path))


def _file_key(path: str) -> tuple[int, int] | None:
    if path == ":memory:" or path.startswith("file:"):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _check_location(path: str) -> None:
    """Refuse a folder, a missing folder or a special file by its type (``stat`` opens nothing)."""
    if path == ":memory:":
        return
    p = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if not p.parent.exists():
            raise StoreError(f"{path}: folder {p.parent} does not exist") from None
        return
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from exc
    if stat.S_ISDIR(mode):
        raise StoreError(f"{path}: is a directory, not a ledger file")
    if not stat.S_ISREG(mode):
        raise StoreError(f"{path}: not a regular file, not a ledger file")


def _check_header(path: str) -> None:
    """Refuse a file that is not SQLite before sqlite3 touches it (it would not overwrite,
    but a stray journal beside it could be played back into it).

    Only ever called while this process holds no connection to ``path``: see the module notes.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from exc
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path}: not a SQLite database (refusing to overwrite it)")


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
