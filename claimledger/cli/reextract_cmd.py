"""``claimledger reextract``: the current extractor over stored documents, reviews kept."""
from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import (DATE, EXIT_SOME_SKIPPED, RunFailed, cli, existing_db_option, load_registry_or_fail, printable,
                   registry_option)
from .review_cmds import open_existing

#: Orphaned and changed reviewed claims listed one per line before the rest are only counted.
SHOWN = 20


@cli.command()
@click.argument("document_ids", nargs=-1)
@existing_db_option
@click.option("--source", help="Only documents whose source (file, record, URL) contains this.")
@click.option("--outlet", help="Only documents whose outlet contains this.")
@click.option("--since", type=DATE, help="Only documents published on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Only documents published on or before this date (YYYY-MM-DD).")
@click.option("--set-outlet", help="Give the selected documents this outlet before extracting them again.")
@click.option("--set-date", type=DATE, help="Give the selected documents this publication date first.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Extraction processes (1: extract in this process).")
@registry_option
def reextract(document_ids: tuple[str, ...], db: str, source: str | None, outlet: str | None, since: str | None,
              until: str | None, set_outlet: str | None, set_date: str | None, workers: int,
              registry_files: tuple[str, ...]) -> None:
    """Extract stored documents again (all, or DOCUMENT_IDS and those the filters select) and
    replace their claims, after a registry or extractor change.

    Every review is kept: a reviewed claim found again keeps its id, its corrections and its
    status; one no longer found stays as the reviewer left it and is listed, for someone to
    decide. Reviewed claims the new extractor reads differently are listed for a second look.
    A document whose extraction fails keeps its old claims (exit status 1).
    """
    from ..flow import reextract as run

    load_registry_or_fail(registry_files)
    with open_existing(db) as ledger:
        try:
            summary = run(ledger, ids=document_ids, source=source, outlet=outlet, since=since, until=until,
                          registry_files=registry_files, set_outlet=set_outlet, set_date=set_date, workers=workers)
        except ClaimLedgerError as exc:
            raise RunFailed(f"{printable(exc)} (documents re-extracted before the failure stay so; "
                            "run it again to finish)") from exc
    _print_summary(summary)
    if summary.errors:
        sys.exit(EXIT_SOME_SKIPPED)


def _print_summary(summary: Any) -> None:
    r = summary.report
    for err in summary.errors[:SHOWN]:
        click.echo(f"claimledger: kept the old claims of {printable(err.source)}: {printable(err.reason)}", err=True)
    if not r.documents:
        click.echo("no stored document matches: nothing re-extracted")
        return
    click.echo(f"re-extracted {r.documents:,} document{'s' if r.documents != 1 else ''} with "
               f"{summary.extractor_version}: {r.claims_before:,} claims before, {r.claims_after:,} after "
               f"({r.claims_matched:,} found again, {r.claims_changed:,} of them changed; {r.claims_new:,} new; "
               f"{r.claims_removed:,} gone); {r.reviews_kept:,} reviewed claim{'s' if r.reviews_kept != 1 else ''} "
               "kept their review")
    if r.orphaned:
        click.echo(f"{len(r.orphaned):,} reviewed claim{'s are' if len(r.orphaned) != 1 else ' is'} no longer "
                   "extracted; kept as reviewed (reject one with `claimledger review reject ID` if it no longer holds):")
        for o in r.orphaned[:SHOWN]:
            click.echo(f"  {o['claim_id']} [{o['status']}, by {printable(', '.join(o['reviewers']))}] "
                       f"{printable(o['claim'])} in {printable(o['source'])}")
        _more(len(r.orphaned))
    if r.recheck:
        click.echo(f"{len(r.recheck):,} reviewed claim{'s' if len(r.recheck) != 1 else ''} now read differently "
                   "in fields no reviewer set (review kept; worth a second look):")
        for c in r.recheck[:SHOWN]:
            fields = "; ".join(f"{k} {v[0]} → {v[1]}" for k, v in c["fields"].items())
            click.echo(f"  {c['claim_id']} [{c['status']}] {printable(fields)}")
        _more(len(r.recheck))


def _more(n: int) -> None:
    if n > SHOWN:
        click.echo(f"  ... and {n - SHOWN:,} more")
