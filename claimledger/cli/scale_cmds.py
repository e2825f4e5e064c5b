"""``claimledger load``: claim shards (from ``extract --out``) into a ledger, and the shard side of
``extract --engine``."""
from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import EXIT_SOME_SKIPPED, RunFailed, cli, db_option, info, plural, printable, verbosity_options
from .ledger_cmds import open_or_fail


@cli.command()
@click.argument("shards_dir", metavar="SHARDS_DIR", type=click.Path(file_okay=False, exists=True))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@verbosity_options
def load(shards_dir: str, db: str, as_json: bool) -> None:
    """Load the claim shards of SHARDS_DIR (written by `extract --out`) into the ledger.

    Each shard is loaded in one transaction (COPY into staging tables on PostgreSQL, batches
    on SQLite) and recorded as loaded in the same transaction: a load that is killed resumes
    where it stopped when run again, and loading the same shards twice adds nothing. Claims
    relayed by several documents merge into one assertion as they do in `ingest`.

    \b
    Exit status:
      0  every shard was loaded (or had been already)
      1  some documents were refused by the database (see `claimledger errors`)
      3  the ledger could not be opened or written; what was loaded stays
    """
    from ..scale.load import load_shards

    def progress(shard: Any) -> None:
        what = ("already loaded" if shard.skipped else
                f"{plural(shard.stats.documents_added, 'document')}, {plural(shard.stats.claims_added, 'claim')}")
        info(f"{shard.name}: {what}", err=True)

    with open_or_fail(db, RunFailed) as ledger:
        try:
            summary = load_shards(shards_dir, ledger, progress=progress)
        except ClaimLedgerError as exc:
            raise RunFailed(f"{printable(exc)} (the shards loaded so far stay; run the same load again "
                            "to complete it)") from exc
    stats = summary.stats
    if as_json:
        click.echo(json.dumps({"shards_loaded": summary.loaded, "shards_skipped": summary.skipped,
                               "documents_added": stats.documents_added,
                               "documents_skipped": stats.documents_skipped, "claims_added": stats.claims_added,
                               "errors_recorded": stats.errors_recorded,
                               "refused": [[e.source, e.reason] for e in stats.rejected]}))
    else:
        info(f"loaded {plural(summary.loaded, 'shard')} ({summary.skipped} already loaded) into {printable(db)}: "
             f"{plural(stats.documents_added, 'new document')} ({stats.documents_skipped} already there), "
             f"{plural(stats.claims_added, 'claim')}, {plural(stats.errors_recorded, 'ingest error')}")
        for err in stats.rejected:
            click.echo(f"claimledger: refused {printable(err.source)}: {printable(err.reason)}", err=True)
    if stats.rejected:
        sys.exit(EXIT_SOME_SKIPPED)


def extract_to_out(paths: tuple[str, ...], out: str, *, engine: str, scheduler: str | None, workers: int,
                   files_per_partition: int, published: str | None, outlet: str | None, max_bytes: int,
                   text_column: str | None, registry_files: tuple[str, ...]) -> None:
    """``extract --out DIR``: the corpus into claim shards; a line per shard, a summary, the exit status."""
    from ..scale import ReadOptions, extract_to_shards

    options = ReadOptions(published=published, outlet=outlet, max_bytes=max_bytes, text_column=text_column,
                          registry_files=registry_files)

    def progress(report: Any) -> None:
        info(f"{report.name}: " + ("already extracted" if report.skipped else
                                   f"{plural(report.documents, 'document')}, {plural(report.claims, 'claim')}"),
             err=True)

    try:
        summary = extract_to_shards(paths, out, engine=engine, scheduler=scheduler, workers=workers,
                                    files_per_partition=files_per_partition, options=options, progress=progress)
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    for err in summary.errors:
        click.echo(f"claimledger: skipped {printable(err.source)}: {printable(err.reason)}", err=True)
    info(f"wrote {plural(len(summary.partitions), 'shard')} to {printable(out)}: "
         f"{plural(summary.documents, 'document')}, {plural(summary.claims, 'claim')} "
         f"(load them with `claimledger load {printable(out)} --db ...`)", err=True)
    if summary.errors:
        sys.exit(2 if not summary.documents else 1)
