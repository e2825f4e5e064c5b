"""``claimledger watch``: poll feeds, pages and channel exports into the ledger, with an Atom feed of alerts."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from types import FrameType
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import RunFailed, cli, db_option, info, plural, printable, verbosity_options
from .ledger_cmds import open_or_fail


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False, exists=True))
@db_option
@click.option("--rounds", type=click.IntRange(1), default=None,
              help="Stop after this many rounds (default: run until Ctrl-C).")
@click.option("--interval", type=click.FloatRange(0), default=None,
              help="Seconds from the start of one round to the next (default: the config's interval, else 300).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False),
              help="The state file (default: the config's 'state', else LEDGER.watch.json beside a SQLite ledger).")
@verbosity_options
def watch(config: str, db: str, rounds: int | None, interval: float | None, state_path: str | None) -> None:
    """Poll the sources listed in CONFIG, ingest what is new, and write an Atom feed of alerts.

    CONFIG is a YAML file naming RSS/Atom feeds, web pages and local files or folders
    (channel exports), the Atom file to write, and intervals (see docs/watch.md). Each round
    asks every due source for what changed (conditional GETs: a 304 does nothing; files
    whose size and time are unchanged are not read), ingests it as `claimledger ingest`
    would (documents already in the ledger are not extracted again), then writes the feed:
    one entry per new claim and per alert (new claimant, figure outside the claimant's
    usual range, running total that went down). A failing source is recorded (see
    `claimledger errors`) and backed off, doubling its wait each time; the others go on.
    Ctrl-C stops after the current source; what was read is saved, and the next run goes on
    from there.
    """
    from ..watch import Watch, default_state_path, load_config, load_state
    from ..watch.sources import war_starts

    try:
        settings = load_config(config)
        for registry in {source.registry for source in settings.sources}:
            war_starts(registry)         # a broken registry is a configuration error, not a failing source
        state = load_state(state_path or settings.state or default_state_path(db, config))
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    stop = threading.Event()
    with open_or_fail(db, RunFailed) as ledger, _stop_on_signals(stop):
        runner = Watch(settings, ledger, state, stop=stop)
        try:
            reports = runner.run(rounds=rounds, interval=interval, on_round=_print_round)
        except ClaimLedgerError as exc:
            raise RunFailed(f"{printable(exc)} (what was written stays; run watch again to go on)") from exc
    if reports and reports[-1].stopped:
        info("claimledger: watch stopped; the next run goes on from here", err=True)


def _print_round(report: Any) -> None:
    for source in report.sources:
        line = f"  {printable(source.source)}: {source.status}"
        if source.status == "ingested":
            line += f", {plural(source.documents, 'new document')}, {plural(source.claims, 'claim')}"
        if source.error:
            line += f" ({printable(source.error)})"
        if source.retry_in:
            line += f"; next try in {source.retry_in:.0f} s"
        info(line)
    at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")      # a long watch's log needs times
    info(f"round {report.number} ({at}): {plural(len(report.claims), 'new claim')}, "
         f"{plural(len(report.alerts), 'alert')}")
    for alert in report.alerts:
        info(f"  alert {alert.kind}: {printable(alert.message)}")


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C (and SIGTERM) set ``stop``: the watch ends after the current source. A second
    Ctrl-C interrupts at once."""
    def request_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        click.echo("claimledger: stopping after the current source (Ctrl-C again to interrupt)", err=True)

    if threading.current_thread() is not threading.main_thread():   # signals reach the main thread only
        yield
        return
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
