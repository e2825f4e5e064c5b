"""The ``claimledger`` click group and the conventions every command shares.

- Read commands refuse a ledger path that does not exist (only ``ingest`` and
  ``import-series`` create one): a mistyped path must not look like an empty ledger.
- Options with a fixed set of values say which value was probably meant.
- Dates are ISO days, checked as such (``2024-13-01`` is refused, not matched as text).
- ``--quiet`` leaves only errors and the data asked for; ``--verbose`` adds the log.
- Output cut short by a closed pipe (``claimledger export | head``) ends quietly, status 0.
"""
from __future__ import annotations

import difflib
import errno
import logging
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
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


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 document', '2 documents', '1,204 claims': a count with its noun agreeing."""
    word = singular if n == 1 else plural_form or f"{singular}s"
    return f"{n:,} {word}"


# -- verbosity ---------------------------------------------------------------------------------
_QUIET, _VERBOSE = "claimledger.quiet", "claimledger.verbose"


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_QUIET] = True
        _configure_logging(ctx)


def _set_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        ctx.meta[_VERBOSE] = ctx.meta.get(_VERBOSE, 0) + value
        _configure_logging(ctx)


def verbosity_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-q/--quiet`` and ``-v/--verbose``, accepted on the group and on each command alike."""
    f = click.option("-v", "--verbose", count=True, expose_value=False, callback=_set_verbose,
                     help="More detail on stderr: every skipped input and warning, and the log "
                          "(-v: info, -vv: debug).")(f)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        help="Only errors and the data asked for: no progress, summaries or notes.")(f)


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(_QUIET))


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_VERBOSE, 0)) if ctx else 0


def info(message: str, *, err: bool = False) -> None:
    """A progress or summary line: left out under ``--quiet``."""
    if not quiet():
        click.echo(message, err=err)


class _EchoHandler(logging.Handler):
    """Log records on the stderr of the running command (looked up per record, as tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(f"claimledger: {record.levelname.lower()}: {printable(self.format(record))}", err=True)
        except Exception:  # noqa: BLE001  logging must never end the command
            self.handleError(record)


_LOG_HANDLER = _EchoHandler()


def _configure_logging(ctx: click.Context) -> None:
    log = logging.getLogger("claimledger")
    level = ctx.meta.get(_VERBOSE, 0)
    if ctx.meta.get(_QUIET):
        log.setLevel(logging.ERROR)
    elif level:
        log.setLevel(logging.DEBUG if level > 1 else logging.INFO)
    else:
        log.setLevel(logging.NOTSET)
    # Shown only when asked for: by default a reader's error is already reported as a skipped input.
    if level and not ctx.meta.get(_QUIET):
        if _LOG_HANDLER not in log.handlers:
            log.addHandler(_LOG_HANDLER)
    elif _LOG_HANDLER in log.handlers:
        log.removeHandler(_LOG_HANDLER)


# -- the group: a closed pipe ends the command quietly -------------------------------------------
class LedgerGroup(click.Group):
    """Click's group, but output cut short by its reader (``| head``) is not an error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            _silence_stdout()
            ctx.exit(0)
        finally:
            # The next command in this process (a test's runner) starts from the defaults.
            log = logging.getLogger("claimledger")
            log.removeHandler(_LOG_HANDLER)
            log.setLevel(logging.NOTSET)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):   # stdout without a descriptor (a test's buffer)
        pass


@click.group(cls=LedgerGroup)
@click.version_option(__version__, prog_name="claimledger")
@verbosity_options
def cli() -> None:
    """claimledger: an auditable ledger of attributed claims in conflict reporting."""


# -- option values -----------------------------------------------------------------------------
def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """'; did you mean 'killed'?' for the nearest choice, case aside; '' when none is near."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    near = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return f"; did you mean {folded[near[0]]!r}?" if near else ""


class Choice(click.Choice):
    """A fixed set of values; a value outside it is refused with the nearest one suggested."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            hint = did_you_mean(str(value), [str(c) for c in self.choices])
            self.fail(f"{exc.message.rstrip('.')}{hint}", param, ctx)


class IsoDate(click.ParamType):
    """A calendar day written YYYY-MM-DD, checked to exist; passed on as that text."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"{value!r} is not an ISO date: write it YYYY-MM-DD", param, ctx)
        try:
            date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{value!r} is not an ISO date YYYY-MM-DD: {exc}", param, ctx)
        return text


DATE = IsoDate()


def check_sides(ledger: Any, **options: str | Sequence[str] | None) -> None:
    """Refuse a side (party) no registry and no claim of the ledger knows, suggesting the nearest.

    Filters match sides exactly, so a misspelt side would otherwise give no rows and exit 0.
    """
    given = {name: [v] if isinstance(v, str) else list(v or ()) for name, v in options.items()}
    if not any(given.values()):
        return
    known = known_sides(ledger)
    for name, values in given.items():
        for value in values:
            if value not in known:
                raise click.BadParameter(f"{value!r} is not a side of the registry or the ledger"
                                         f"{did_you_mean(value, known)}",
                                         param_hint=f"'--{name.replace('_', '-')}'")


def known_sides(ledger: Any) -> set[str]:
    """The registry's parties, SCHEMA.md's other sides, and every side the ledger's claims name."""
    from ..extract.registry import load_registry
    from ..store.review import SCHEMA_PARTIES
    rows = ledger.db.execute("SELECT DISTINCT claimant_party AS p FROM claims UNION "
                             "SELECT DISTINCT subject_party AS p FROM claims")
    return {*load_registry().parties, *SCHEMA_PARTIES, *(r["p"] for r in rows if r["p"])}


# -- shared options ------------------------------------------------------------------------------
def registry_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--registry", "registry_files", multiple=True, type=click.Path(dir_okay=False),
                        help="Extra party registry YAML (aliases, spokesmen, conflicts, places); repeatable.")(f)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` for commands that may create the ledger (ingest, import-series)."""
    return click.option("--db", "db", envvar="CLAIMLEDGER_DB", default=DEFAULT_DB, show_default=True,
                        help="Ledger: a SQLite file path or a postgresql:// URL (also $CLAIMLEDGER_DB); "
                             "created if missing.")(f)


def existing_db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` for commands that only read or review a ledger: a missing file is refused."""
    return click.option("--db", "db", envvar="CLAIMLEDGER_DB", default=DEFAULT_DB, show_default=True,
                        callback=_ledger_must_exist,
                        help="Ledger: a SQLite file path or a postgresql:// URL (also $CLAIMLEDGER_DB).")(f)


def _ledger_must_exist(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if re.match(r"^postgres(ql)?://", value) or value == ":memory:" or os.path.exists(value):
        return value
    raise click.BadParameter(f"no ledger at {printable(value)!r} (claimledger ingest or import-series "
                             "creates one; --db or $CLAIMLEDGER_DB names another)", ctx, param)


def load_registry_or_fail(files: tuple[str, ...]) -> Any:
    from ..extract.registry import load_registry
    try:
        return load_registry(*files)
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
