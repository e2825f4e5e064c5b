"""Ledger commands: ``ingest``, ``claims``, ``export``, ``errors`` and ``status``."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from ..errors import ClaimLedgerError, IngestError
from ..flow import DEFAULT_BATCH
from ..ingest.options import column_options, columns_from_options
from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS
from ..serve.exports import EXPORT_FORMATS
from .base import (
    DATE,
    EXIT_NONE_READ,
    EXIT_SOME_SKIPPED,
    Choice,
    RunFailed,
    cell,
    check_sides,
    cli,
    db_option,
    existing_db_option,
    info,
    load_registry_or_fail,
    plural,
    printable,
    quiet,
    registry_option,
    verbosity,
    verbosity_options,
)

ROW_FORMATS = ("table", "csv", "json", "jsonl")
#: ``export --format sqlite``: a copy of the whole ledger rather than rows.
SQLITE_COPY = "sqlite"
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
        click.option("--claimant-party", multiple=True,
                     help="Claimant's side (a registry party or SCHEMA.md side); repeatable."),
        click.option("--subject-party", multiple=True, help="Whose losses (a registry party or SCHEMA.md side); "
                                                            "repeatable."),
        click.option("--category", multiple=True, type=Choice(CATEGORIES),
                     help="killed, wounded, equipment_destroyed, ...; repeatable."),
        click.option("--modality", multiple=True, type=Choice(MODALITIES),
                     help="claimed, acknowledged, reported, denied, estimated; repeatable."),
        click.option("--period-kind", multiple=True, type=Choice(PERIOD_KINDS), help="event, period or cumulative."),
        click.option("--since", type=DATE, help="Claims whose period ends on or after this date (YYYY-MM-DD)."),
        click.option("--until", type=DATE, help="Claims whose period starts on or before this date (YYYY-MM-DD)."),
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


def check_filter_sides(ledger: Any, f: Any) -> None:
    """Refuse a misspelt side in the filter (sides match exactly, so it would match nothing)."""
    check_sides(ledger, claimant_party=f.claimant_party, subject_party=f.subject_party)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Extraction processes (1: extract in this process).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=DEFAULT_BATCH, show_default=True,
              help="Documents written per transaction.")
@click.option("--date", "published", type=DATE,
              help="Publication date (YYYY-MM-DD) for every input, overriding theirs.")
@click.option("--outlet", help="Outlet for every input: the claimant of figures in its own voice.")
@click.option("--max-bytes", type=click.IntRange(1), default=50_000_000, show_default=True,
              help="Largest input read, in bytes (50000000 = 50 MB).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: when stderr is a terminal and not --quiet).")
@column_options
@registry_option
@verbosity_options
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
        show = (sys.stderr.isatty() and not quiet()) if progress is None else progress
        try:
            with _progress_bar(show, _known_total(inputs, columns)) as update:
                summary = run_ingest(docs, ledger, workers=workers, batch_size=batch_size,
                                     registry_files=registry_files, read_errors=read_errors, progress=update)
        except ClaimLedgerError as exc:
            raise RunFailed(f"{printable(exc)} (what was written stays; run the same ingest again "
                            "to complete it)") from exc
        totals = ledger.counts()
    _print_summary(summary, totals, db)
    if summary.errors:
        sys.exit(EXIT_NONE_READ if summary.documents_read == 0 else EXIT_SOME_SKIPPED)


#: Formats of which a file holds exactly one document (readers.FORMATS names the rest).
_ONE_DOCUMENT_FORMATS = frozenset({"plain", "html"})


def _known_total(inputs: Sequence[str], columns: dict[str, Any]) -> int | None:
    """How many documents the inputs hold, when that is known without reading them: every input
    is a local file or folder of one-document formats (text, Markdown, HTML). Else None
    (records, feeds, message exports and URLs are counted only as they are read)."""
    from ..ingest.readers import FORMATS

    if any(columns.values()):
        return None
    total = 0
    for given in inputs:
        files = _report_files(given, FORMATS)
        if files is None:
            return None
        for name in files:
            if FORMATS.get(os.path.splitext(name)[1].lower()) not in _ONE_DOCUMENT_FORMATS:
                return None
            total += 1
    return total


def _report_files(path: str, formats: dict[str, str]) -> list[str] | None:
    """The report files a folder holds, found as the readers find them (hidden names and other
    extensions skipped); a file is itself; None for a URL, standard input or a missing path."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        return None
    found = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [os.path.join(folder, n) for n in names
                  if not n.startswith(".") and os.path.splitext(n)[1].lower() in formats]
    return found


class _progress_bar:
    """A rich progress bar on stderr (a bar with a total when the documents were counted
    beforehand, else a running count), or nothing."""

    def __init__(self, show: bool, total: int | None = None) -> None:
        self.show = show
        self.total = total

    def __enter__(self) -> Any:
        if not self.show:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [SpinnerColumn()]
        if self.total is not None:
            columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
        columns += [TextColumn("{task.description}"), TimeElapsedColumn()]
        self.bar = Progress(*columns, console=Console(stderr=True), transient=False)
        self.bar.__enter__()
        self.task = self.bar.add_task("starting", total=self.total)
        return self._update

    def _update(self, s: Any) -> None:
        self.bar.update(self.task, completed=s.documents_read,
                        description=(f"{plural(s.documents_read, 'document')} read, {s.stats.documents_added:,} new"
                                     f" · {plural(s.claims, 'claim')} · {plural(len(s.errors), 'error')}"))

    def __exit__(self, *exc: Any) -> None:
        if self.show:
            self.bar.__exit__(*exc)


def _print_summary(summary: Any, totals: dict[str, int], db: str) -> None:
    """Skipped inputs always (they explain the exit status); warnings and counts unless --quiet;
    every skipped input and warning with --verbose, else the first SHOWN."""
    s = summary.stats
    shown = None if verbosity() else SHOWN
    for err in summary.errors[:shown]:
        click.echo(f"claimledger: skipped {printable(err.source)}: {printable(err.reason)}", err=True)
    if shown is not None and len(summary.errors) > shown:
        click.echo(f"claimledger: ... and {plural(len(summary.errors) - shown, 'more skipped input')} "
                   f"(claimledger errors --db {printable(db)}, or -v)", err=True)
    if quiet():
        return
    for source, warning in summary.warnings[:shown]:
        click.echo(f"claimledger: warning: {printable(source)}: {printable(warning)}", err=True)
    if shown is not None and len(summary.warnings) > shown:
        click.echo(f"claimledger: ... and {plural(len(summary.warnings) - shown, 'more warning')} "
                   "(each document's warnings are in the ledger)", err=True)
    click.echo(f"read {plural(summary.documents_read, 'document')}: {s.documents_added:,} new, "
               f"{s.documents_skipped:,} already in the ledger; {plural(s.claims_added, 'claim')} added; "
               f"{plural(len(summary.errors), 'input')} could not be read"
               + (f"; {plural(s.near_duplicates, 'near-duplicate')}, {plural(s.new_versions, 'new version')}"
                  if s.near_duplicates or s.new_versions else ""))
    if summary.undated:
        n = len(summary.undated)
        listed = ", ".join(map(printable, summary.undated[:5])) + (f" and {n - 5:,} more" if n > 5 else "")
        click.echo(f"{plural(n, 'new document has', 'new documents have')} no publication date, so their "
                   f"relative periods (\"on Sunday\", \"past week\") stay unresolved: {listed} "
                   "(give one with --date)")
    click.echo(f"ledger {printable(db)}: {plural(totals['documents'], 'document')}, "
               f"{plural(totals['claims'], 'claim')}, {plural(totals['assertions'], 'assertion')}, "
               f"{plural(totals['errors'], 'ingest error')}")


@cli.command()
@existing_db_option
@filter_options
@click.option("--limit", type=click.IntRange(0), default=None, help="At most this many claims.")
@click.option("--format", "fmt", type=Choice(ROW_FORMATS), default="table", show_default=True,
              help="table (for reading; ids never cut), csv, json or jsonl (every field, full ids).")
@verbosity_options
def claims(db: str, limit: int | None, fmt: str, **filters: Any) -> None:
    """List the ledger's claims, filtered.

    \b
    claimledger claims --claimant-party Palestinians --subject-party Israel --category killed --since 2024-03-01
    claimledger claims --search "Khan Younis" --format csv > khan_younis.csv
    """
    f = build_filter(limit=limit, **filters)
    with open_or_fail(db) as ledger:
        check_filter_sides(ledger, f)
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

    t = Table(title=plural(len(rows), "claim"), show_lines=False)
    for col in ("date", "claimant", "modality", "category", "figure", "subject (side)", "period", "place",
                "relays"):
        t.add_column(col, overflow="fold")                  # wrapped, never cut short with an ellipsis
    t.add_column("claim", min_width=16, overflow="fold")   # an id is what one looks up: always whole
    for r in rows:
        period = r["period_kind"] + (f" {r['period_start'] or '?'}..{r['period_end'] or '?'}"
                                     if r["period_start"] or r["period_end"] else "")
        status = "" if r["review_status"] == "unreviewed" else f" [{r['review_status']}]"
        t.add_row(*map(cell, (r["published"] or "", f"{r['claimant']} ({r['claimant_party']})", r["modality"],
                              r["category"], figure(r), f"{r['subject']} ({r['subject_party']})", period,
                              r["location"] or "", str(r["relay_count"]), r["claim_id"] + status)))
    Console(width=max(160, Console().width)).print(t)


@cli.command()
@existing_db_option
@filter_options
@click.option("--format", "fmt", type=Choice((*EXPORT_FORMATS, SQLITE_COPY)),
              default="csv", show_default=True, help="Column mappings: docs/exports.md.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: stdout; sqlite needs it).")
@verbosity_options
def export(db: str, fmt: str, out: str | None, **filters: Any) -> None:
    """Export the ledger's claims (corrections applied) for other tools.

    csv, jsonl and parquet carry every field; geojson is an RFC 7946 FeatureCollection of
    the claims with a place; ucdp, acled and hxl are shaped like UCDP GED, ACLED and HXL
    data so they sit next to them. sqlite writes a copy of the whole ledger (every table,
    the full-text index, reviews) as one self-contained file to share or open in Datasette.
    """
    from ..serve.exports import write_export

    if fmt == SQLITE_COPY:
        _copy_ledger(db, out, filters)
        return
    f = build_filter(**filters)
    with open_or_fail(db) as ledger:
        check_filter_sides(ledger, f)
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
        info(f"wrote {plural(n, 'claim')} to {printable(out)} ({fmt})", err=True)


def _copy_ledger(db: str, out: str | None, filters: dict[str, Any]) -> None:
    """``export --format sqlite``: the whole SQLite ledger, checkpointed into one file."""
    given = sorted(f"--{k.replace('_', '-')}" for k, v in filters.items() if v not in (None, (), False))
    if given:
        raise click.UsageError(f"--format sqlite copies the whole ledger: {', '.join(given)} cannot apply")
    if not out:
        raise click.UsageError("--format sqlite writes a file: give --out FILE")
    if os.path.exists(out) and os.path.exists(db) and os.path.samefile(out, db):
        raise click.UsageError(f"--out {printable(out)} is the ledger itself")
    with open_or_fail(db) as ledger:
        if ledger.db.kind != "sqlite":
            raise click.UsageError("--format sqlite copies a SQLite ledger; this one is on PostgreSQL")
        try:
            ledger.db.backup_to(out)
        except (ClaimLedgerError, OSError) as exc:
            raise click.ClickException(printable(f"{out}: {exc}")) from exc
        counts = ledger.counts()
    info(f"wrote a copy of the ledger to {printable(out)}: {plural(counts['documents'], 'document')}, "
         f"{plural(counts['claims'], 'claim')}, {plural(counts['reviews'], 'review')}", err=True)


@cli.command()
@existing_db_option
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@verbosity_options
def errors(db: str, limit: int) -> None:
    """List the inputs that could not be read or extracted, newest first."""
    with open_or_fail(db) as ledger:
        for e in ledger.errors(limit=limit):
            click.echo(f"{e['at'][:19]}  {printable(e['source'])}: {printable(e['reason'])}")


@cli.command()
@existing_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@verbosity_options
def status(db: str, as_json: bool) -> None:
    """What the ledger holds: documents, claims, assertions, errors, reviews."""
    with open_or_fail(db) as ledger:
        counts = ledger.counts()
    if as_json:
        click.echo(json.dumps(counts))
        return
    for k, v in counts.items():
        click.echo(f"{k:16s} {v:,}")
