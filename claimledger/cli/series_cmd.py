"""``claimledger import-series``: official running totals into the ledger as claims."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click

from ..errors import ClaimLedgerError, IngestError, StoreError
from ..ingest.series import SERIES_FORMATS, read_series
from ..models import CATEGORIES, MODALITIES, ExtractionResult
from .base import (
    DATE,
    EXIT_NONE_READ,
    EXIT_SOME_SKIPPED,
    Choice,
    RunFailed,
    cli,
    db_option,
    info,
    plural,
    printable,
    verbosity,
    verbosity_options,
)

#: How many skipped rows are listed before the rest are only counted.
SHOWN_ERRORS = 20


@cli.command("import-series")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=Choice(list(SERIES_FORMATS)),
              help="The file layout (default: detected from the columns). "
                   + "; ".join(f"{f.name}: {f.summary}" for f in SERIES_FORMATS.values()))
@click.option("--claimant", help="Who states the figures (overrides the format's claimant).")
@click.option("--party", "claimant_party", help="The claimant's side (SCHEMA.md party name, media, UN, NGO, other).")
@click.option("--subject-party", help="Whose losses the figures count (SCHEMA.md party name).")
@click.option("--category", type=Choice(CATEGORIES), help="The claims' category, for every figure.")
@click.option("--modality", type=Choice(MODALITIES), help="claimed, acknowledged, reported, ...")
@click.option("--subject", help="The counted group or thing, as the claimant names it.")
@click.option("--start", type=DATE, help="The date the running totals count from (YYYY-MM-DD).")
@click.option("--date-column", help="csv format: the column holding each row's date (default: date).")
@click.option("--value-column", help="csv format: the column holding the running total (default: value).")
@db_option
@verbosity_options
def import_series(files: tuple[str, ...], fmt: str | None, db: str, date_column: str | None,
                  value_column: str | None, **overrides: Any) -> None:
    """Load official cumulative series (FILES) into the ledger as claims.

    Each date of each file becomes one document whose text states that date's figures,
    one line per figure, and one cumulative claim per line. Re-importing a file adds
    nothing. A file that cannot be read is reported and skipped, the others are still
    imported; the exit status is 0 when every file was read, 1 when some were not, 2 when
    none was, 3 when the ledger could not be opened or written. Mappings and choices:
    docs/series.md.

    \b
    claimledger import-series russia_losses_equipment.json russia_losses_personnel.json
    claimledger import-series tolls.csv --format csv --claimant "Health Ministry" --party Lebanon \\
        --subject-party Lebanon --category killed --start 2023-10-08 --value-column killed
    """
    from ..store import open_ledger

    columns = {role: name for role, name in (("date", date_column), ("value", value_column)) if name}
    report = _Report()
    try:
        with open_ledger(db) as ledger:
            stats = ledger.add_results(_read_all(files, report, fmt=fmt, columns=columns, **overrides))
            ledger.record_errors(report.rows + report.files)
        report.rows += stats.rejected                # already recorded by the write that refused them
    except StoreError as exc:        # the ledger cannot be opened or written: the run failed
        raise RunFailed(printable(exc)) from exc
    except ClaimLedgerError as exc:  # bad options: nothing can be imported
        raise click.ClickException(printable(exc)) from exc
    report.echo_errors()
    info(f"imported {len(files) - len(report.files):,} of {plural(len(files), 'file')}: "
         f"{plural(stats.documents_added, 'new document')}, {stats.documents_skipped:,} already in the ledger, "
         f"{plural(stats.claims_added, 'claim')} added, {plural(len(report.rows), 'row')} skipped")
    if report.files:
        sys.exit(EXIT_NONE_READ if len(report.files) == len(files) else EXIT_SOME_SKIPPED)


class _Report:
    """Files that could not be read and rows that gave no claim."""

    def __init__(self) -> None:
        self.files: list[IngestError] = []
        self.rows: list[IngestError] = []

    def echo_errors(self) -> None:
        shown = None if verbosity() else SHOWN_ERRORS      # -v lists every skipped row
        for err in [*self.files, *self.rows[:shown]]:
            click.echo(f"claimledger: skipped {printable(err.source)}: {printable(err.reason)}", err=True)
        if shown is not None and len(self.rows) > shown:
            click.echo(f"claimledger: ... and {plural(len(self.rows) - shown, 'more row')} "
                       "(claimledger errors, or -v)", err=True)


def _read_all(files: tuple[str, ...], report: _Report, **options: Any) -> Iterator[ExtractionResult]:
    """Every file's results; a file that fails is reported and the next one read."""
    for path in files:
        try:
            yield from read_series(path, on_error=report.rows.append, **options)
        except IngestError as exc:
            report.files.append(exc)
