"""Ledger commands: ``ingest``, ``claims``, ``export``, ``errors`` and ``status``."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from ..errors import ClaimLedgerError, IngestError
from ..ingest.options import column_options, columns_from_options
from ..flow import DEFAULT_BATCH
from .base import (
    EXIT_NONE_READ,
    EXIT_SOME_SKIPPED,
    RunFailed,
    cell,
    cli,
    db_option,
    load_registry_or_fail,
    printable,
    registry_option,
)

ROW_FORMATS = ("table", "csv", "json", "jsonl")
#: Lines of skipped inputs and of warnings printed at the end of an ingest (the rest: `claimledger errors`).
SHOWN = 50


def open_or_fail(db: str, failure: type[click.ClickException] = click.ClickException) -> Any:
    from ..store import open_ledger
    try:
        return open_ledger(db)
    except ClaimLedgerError as exc:
        raise failure(printable(exc)) from exc


def filter_options(f: Any) -> Any:
    """The claim filters shared by ``claims``, ``export`` and the analysis commands."""
    opts = [
        click.option("--claimant", help="Claimant name contains this (case-insensitive)."),
        click.option("--claimant-party", multiple=True, help="Claimant's side (SCHEMA.md party); repeatable."),
        click.option("--subject-party", multiple=True, help="Whose losses (SCHEMA.md party); repeatable."),
        click.option("--category", multiple=True, help="killed, wounded, equipment_destroyed, ...; repeatable."),
        click.option("--modality", multiple=True, help="claimed, acknowledged, reported, denied, estimated."),
        click.option("--period-kind", multiple=True, help="event, period or cumulative."),
        click.option("--since", help="Claims whose period ends on or after this date (YYYY-MM-DD)."),
        click.option("--until", help="Claims whose period starts on or before this date (YYYY-MM-DD)."),
        click.option("--location", help="Place name contains this."),
        click.option("--outlet", help="Outlet name contains this."),
        click.option("--search", "text", help="Full text: evidence, claimant, subject, place or title contains this."),
        click.option("--include-rejected", is_flag=True, help="Also claims a reviewer rejected."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def build_filter(**kw: Any) -> Any:
    from ..store import ClaimFilter
    clean = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()
             if k in ClaimFilter.names() and v not in (None, (), [])}
    try:
        return ClaimFilter(**clean)
    except ClaimLedgerError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Extraction processes (1: extract in this process).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=DEFAULT_BATCH, show_default=True,
              help="Documents written per transaction.")
@click.option("--date", "published", help="Publication date (YYYY-MM-DD) for every input, overriding theirs.")
@click.option("--outlet", help="Outlet for every input: the claimant of figures in its own voice.")
@click.option("--max-bytes", type=click.IntRange(1), default=50_000_000, show_default=True,
              help="Largest input read, in bytes (50000000 = 50 MB).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@column_options
@registry_option
def ingest(inputs: tuple[str, ...], db: str, workers: int, batch_size: int, published: str | None,
           outlet: str | None, max_bytes: int, progress: bool | None, registry_files: tuple[str, ...],
           **columns: Any) -> None:
    """Extract every claim from INPUTS into the ledger.

    INPUTS are files and directories of every format `extract` reads, Telegram Desktop
    exports (result.json), RSS/Atom feeds (files or URLs: each item's page is fetched),
    web pages (http/https URLs) and CSV/JSONL corpora (see the column options). A document
    already in the ledger (same text) is skipped, so re-running an ingest adds nothing
    and completes an interrupted one. Unreadable inputs (and documents that cannot be
    extracted or written) are recorded in the ledger's ingest_errors and listed at the end.

    \b
    Exit status:
      0  every input was read and written
      1  some inputs were skipped (listed; see `claimledger errors`)
      2  no input could be read (or the options were wrong)
      3  the run failed: the ledger could not be opened or written; what was
         written stays, and running the same ingest again completes it
    """
    from ..ingest import iter_documents
    from ..flow import run_ingest

    registry = load_registry_or_fail(registry_files)
    read_errors: list[IngestError] = []
    with open_or_fail(db, RunFailed) as ledger:
        docs = iter_documents(inputs, published=published, outlet=outlet, max_bytes=max_bytes,
                              on_error=read_errors.append, war_starts=registry.war_starts(),
                              columns=columns_from_options(**columns) or None,
                              date_format=columns.get("date_format"))
        show = sys.stderr.isatty() if progress is None else progress
        try:
            with _progress_bar(show) as update:
                summary = run_ingest(docs, ledger, workers=workers, batch_size=batch_size,
                                     registry_files=registry_files, read_errors=read_errors, progress=update)
        except ClaimLedgerError as exc:
            raise RunFailed(f"{printable(exc)} (what was written stays; run the same ingest again "
                            "to complete it)") from exc
        totals = ledger.counts()
    _print_summary(summary, totals, db)
    if summary.errors:
        sys.exit(EXIT_NONE_READ if summary.documents_read == 0 else EXIT_SOME_SKIPPED)


class _progress_bar:
    """A rich progress line (documents, claims, errors) on stderr, or nothing."""

    def __init__(self, show: bool) -> None:
        self.show = show

    def __enter__(self) -> Any:
        if not self.show:
            return None
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=False)
        self.bar.__enter__()
        self.task = self.bar.add_task("starting", total=None)
        return self._update

    def _update(self, s: Any) -> None:
        self.bar.update(self.task, description=(f"documents {s.documents_read:,} read, {s.stats.documents_added:,} new"
                                                f" · claims {s.claims:,} · errors {len(s.errors):,}"))

    def __exit__(self, *exc: Any) -> None:
        if self.show:
            self.bar.__exit__(*exc)


def _print_summary(summary: Any, totals: dict[str, int], db: str) -> None:
    s = summary.stats
    for err in summary.errors[:SHOWN]:
        click.echo(f"claimledger: skipped {printable(err.source)}: {printable(err.reason)}", err=True)
    if len(summary.errors) > SHOWN:
        click.echo(f"claimledger: ... and {len(summary.errors) - SHOWN} more "
                   f"(claimledger errors --db {printable(db)})", err=True)
    for source, warning in summary.warnings[:SHOWN]:
        click.echo(f"claimledger: warning: {printable(source)}: {printable(warning)}", err=True)
    if len(summary.warnings) > SHOWN:
        click.echo(f"claimledger: ... and {len(summary.warnings) - SHOWN} more warnings "
                   "(each document's warnings are in the ledger)", err=True)
    click.echo(f"read {summary.documents_read:,} documents: {s.documents_added:,} new, "
               f"{s.documents_skipped:,} already in the ledger; {s.claims_added:,} claims added; "
               f"{len(summary.errors):,} inputs could not be read"
               + (f"; {s.near_duplicates:,} near-duplicates, {s.new_versions:,} new versions"
                  if s.near_duplicates or s.new_versions else ""))
    if summary.undated:
        shown = ", ".join(map(printable, summary.undated[:5])) + (f" and {len(summary.undated) - 5:,} more" if len(summary.undated) > 5 else "")
        click.echo(f"{len(summary.undated):,} new {'document has' if len(summary.undated) == 1 else 'documents have'} "
                   f"no publication date, so their relative periods (\"on Sunday\", \"past week\") stay "
                   f"unresolved: {shown} (give one with --date)")
    click.echo(f"ledger {printable(db)}: {totals['documents']:,} documents, {totals['claims']:,} claims, "
               f"{totals['assertions']:,} assertions, {totals['errors']:,} ingest errors")


@cli.command()
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(0), default=None, help="At most this many claims.")
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table", show_default=True)
def claims(db: str, limit: int | None, fmt: str, **filters: Any) -> None:
    """List the ledger's claims, filtered.

    \b
    claimledger claims --claimant-party Palestinians --subject-party Israel --category killed --since 2024-03-01
    claimledger claims --search "Khan Younis" --format csv > khan_younis.csv
    """
    f = build_filter(limit=limit, **filters)
    with open_or_fail(db) as ledger:
        rows = ledger.iter_claims(f)
        _emit_rows(rows, fmt)


def _emit_rows(rows: Iterator[dict[str, Any]], fmt: str) -> None:
    if fmt == "table":
        _rows_table(list(rows))
    elif fmt == "json":
        click.echo(json.dumps(list(rows), indent=1, ensure_ascii=False))
    elif fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        from ..serve.exports import write_export
        out = click.get_binary_stream("stdout")
        write_export(rows, "csv", out)
        out.flush()


def figure(r: dict[str, Any]) -> str:
    """'at least 24', '10–15', 'vague': a claim's number as a reader says it."""
    if r["qualifier"] == "range":
        return f"{r['low']}–{r['high']}"
    fig = f"{r['value']:,}" if r["value"] is not None else "vague"
    if r["qualifier"] not in ("exact", "range", "vague"):
        fig = f"{r['qualifier'].replace('_', ' ')} {fig}"
    return fig


def _rows_table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(rows)} claims", show_lines=False)
    for col in ("date", "claimant", "modality", "category", "figure", "subject (side)", "period", "place",
                "relays", "claim"):
        t.add_column(col)
    for r in rows:
        period = r["period_kind"] + (f" {r['period_start'] or '?'}..{r['period_end'] or '?'}"
                                     if r["period_start"] or r["period_end"] else "")
        status = "" if r["review_status"] == "unreviewed" else f" [{r['review_status']}]"
        t.add_row(*map(cell, (r["published"] or "", f"{r['claimant']} ({r['claimant_party']})", r["modality"],
                              r["category"], figure(r), f"{r['subject']} ({r['subject_party']})", period,
                              r["location"] or "", str(r["relay_count"]), r["claim_id"] + status)))
    Console(width=max(160, Console().width)).print(t)


@cli.command()
@db_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(("csv", "jsonl", "parquet", "geojson", "ucdp", "acled", "hxl")),
              default="csv", show_default=True, help="Column mappings: docs/exports.md.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export(db: str, fmt: str, out: str | None, **filters: Any) -> None:
    """Export the ledger's claims (corrections applied) for other tools.

    csv, jsonl and parquet carry every field; geojson is an RFC 7946 FeatureCollection of
    the claims with a place; ucdp, acled and hxl are shaped like UCDP GED, ACLED and HXL
    data so they sit next to them.
    """
    from ..serve.exports import write_export

    f = build_filter(**filters)
    with open_or_fail(db) as ledger:
        try:
            if out:
                n = write_export(ledger.iter_claims(f), fmt, out)
            else:
                if fmt == "parquet" and sys.stdout.isatty():
                    raise click.UsageError("parquet is binary: give --out FILE or redirect stdout")
                stream = click.get_binary_stream("stdout")
                n = write_export(ledger.iter_claims(f), fmt, stream)
                stream.flush()
        except ClaimLedgerError as exc:
            raise click.ClickException(printable(exc)) from exc
    if out:
        click.echo(f"wrote {n:,} claims to {printable(out)} ({fmt})", err=True)


@cli.command()
@db_option
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
def errors(db: str, limit: int) -> None:
    """List the inputs that could not be read or extracted, newest first."""
    with open_or_fail(db) as ledger:
        for e in ledger.errors(limit=limit):
            click.echo(f"{e['at'][:19]}  {printable(e['source'])}: {printable(e['reason'])}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def status(db: str, as_json: bool) -> None:
    """What the ledger holds: documents, claims, assertions, errors, reviews."""
    with open_or_fail(db) as ledger:
        counts = ledger.counts()
    if as_json:
        click.echo(json.dumps(counts))
        return
    for k, v in counts.items():
        click.echo(f"{k:16s} {v:,}")
