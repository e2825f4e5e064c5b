"""The ``claimledger`` click group and the options several commands share."""
from __future__ import annotations

import re
from typing import Any, Callable

import click

from .. import __version__
from ..errors import ClaimLedgerError

#: The ledger used when ``--db`` is not given (also read from $CLAIMLEDGER_DB).
DEFAULT_DB = "claimledger.db"

#: Exit statuses of the commands that read inputs (ingest, import-series, extract).
EXIT_OK = 0
EXIT_SOME_SKIPPED = 1       # some inputs could not be read: listed, and in ingest_errors
EXIT_NONE_READ = 2          # no input could be read (click's usage errors use 2 as well)
EXIT_RUN_FAILED = 3         # the ledger could not be opened or written: the run stopped

# Characters that would let a file name or a report value forge lines or reorder text on a
# terminal: C0/C1 controls, line and paragraph separators, bidirectional overrides, and lone
# surrogates (undecodable file-name bytes), which cannot even be written to a UTF-8 stream.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class RunFailed(click.ClickException):
    """The run stopped: the ledger could not be opened or written (exit status 3)."""

    exit_code = EXIT_RUN_FAILED


def printable(value: object) -> str:
    """``value`` as one line of text that shows exactly what it holds (controls escaped)."""
    return _UNPRINTABLE.sub(_escape, str(value))


def _escape(m: re.Match[str]) -> str:
    ch = m[0]
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:        # a file-name byte that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell(value: object) -> Any:
    """A table cell for rich that shows ``value`` literally: no markup, controls escaped."""
    from rich.text import Text
    return Text(printable("" if value is None else value))


@click.group()
@click.version_option(__version__, prog_name="claimledger")
def cli() -> None:
    """claimledger: an auditable ledger of attributed claims in conflict reporting."""


def registry_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--registry", "registry_files", multiple=True, type=click.Path(dir_okay=False),
                        help="Extra party registry YAML (aliases, spokesmen, conflicts, places); repeatable.")(f)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db", envvar="CLAIMLEDGER_DB", default=DEFAULT_DB, show_default=True,
                        help="Ledger: a SQLite file path or a postgresql:// URL (also $CLAIMLEDGER_DB).")(f)


def load_registry_or_fail(files: tuple[str, ...]) -> Any:
    from ..extract.registry import load_registry
    try:
        return load_registry(*files)
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
