"""``claimledger review``: the queue of unreviewed claims, reviews, and the review log.

    claimledger review --db L                       # the queue, least confident first
    claimledger review confirm ID --reviewer ana
    claimledger review correct ID --set claimant_party=Israel --set value=41 --reviewer ana
    claimledger review reject ID --reviewer ana --note "a headline repeat"
    claimledger review unreject ID --reviewer ana
    claimledger review log --format csv --out reviews.csv
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import cell, cli, printable, registry_option
from .ledger_cmds import build_filter, figure, filter_options, open_or_fail

#: The ledger used when no --db is given (as everywhere: $CLAIMLEDGER_DB, else this file).
DEFAULT_DB = "claimledger.db"


def open_existing(db: str) -> Any:
    """The ledger at ``db``; a SQLite path that does not exist is an error, never a new empty ledger."""
    if "://" not in db and not Path(db).exists():
        # a usage error (exit 2), as the read commands' --db gives
        raise click.UsageError(f"no ledger at {printable(db)!r} (claimledger ingest or import-series creates one; "
                               "--db or $CLAIMLEDGER_DB names another)")
    return open_or_fail(db)


def _db_option(f: Any) -> Any:
    return click.option("--db", "db", envvar="CLAIMLEDGER_DB", default=None,
                        help=f"Ledger: a SQLite path or a postgresql:// URL (default: $CLAIMLEDGER_DB, "
                             f"else {DEFAULT_DB}).")(f)


def _ledger_path(ctx: click.Context, db: str | None) -> str:
    """The subcommand's --db, else the group's, else the default."""
    return db or (ctx.obj or {}).get("db") or DEFAULT_DB


@cli.group(invoke_without_command=True)
@_db_option
@filter_options
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Claims listed.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many claims of the queue.")
@click.option("--format", "fmt", type=click.Choice(("table", "jsonl")), default="table", show_default=True)
@click.pass_context
def review(ctx: click.Context, db: str | None, limit: int, offset: int, fmt: str, **filters: Any) -> None:
    """The review queue (unreviewed claims, least confident first), or a review with a subcommand.

    Every review names its reviewer (--reviewer, or $CLAIMLEDGER_REVIEWER). A rejected claim
    takes no other review until `review unreject` brings it back.
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    f = build_filter(**{k: v for k, v in filters.items() if k != "include_rejected"})
    with open_existing(_ledger_path(ctx, db)) as ledger:
        total, rows = ledger.review_queue(f, limit=limit, offset=offset)
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    _queue_table(rows, total, offset)


def _queue_table(rows: list[dict[str, Any]], total: int, offset: int) -> None:
    from rich.console import Console
    from rich.table import Table

    shown = f"{offset + 1}–{offset + len(rows)} of " if rows else ""
    t = Table(title=f"review queue: {shown}{total:,} unreviewed claim{'s' if total != 1 else ''}")
    for col in ("confidence", "claim", "date", "claimant", "figure", "category", "subject (side)"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*map(cell, (f"{r['confidence']:.2f}", r["claim_id"], r["published"] or "",
                              f"{r['claimant']} ({r['claimant_party']})", figure(r), r["category"],
                              f"{r['subject']} ({r['subject_party']})")))
    Console(width=max(140, Console().width)).print(t)


def _review_options(f: Any) -> Any:
    opts = [
        click.argument("claim_id"),
        _db_option,
        click.option("--reviewer", envvar="CLAIMLEDGER_REVIEWER", required=True,
                     help="Who reviews (also $CLAIMLEDGER_REVIEWER); kept in the audit log."),
        click.option("--note", default="", help="Why: kept in the audit log."),
        registry_option,
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _apply(ctx: click.Context, db: str | None, claim_id: str, action: str, *, reviewer: str, note: str,
           registry_files: tuple[str, ...], changes: dict[str, str] | None = None) -> None:
    from ..flow import review_claim
    with open_existing(_ledger_path(ctx, db)) as ledger:
        try:
            row = review_claim(ledger, claim_id, action, reviewer=reviewer, note=note, changes=changes,
                               registry_files=registry_files)
        except ClaimLedgerError as exc:
            raise click.ClickException(printable(exc)) from exc
    last = row["audit"][-1]
    what = "; ".join(f"{k} {v[0]} → {v[1]}" for k, v in last["changes"].items())
    click.echo(f"claim {row['claim_id']}: {action} by {printable(last['reviewer'])}"
               + (f" ({printable(what)})" if what else "") + f"; now {row['review_status']}")


@review.command()
@_review_options
@click.pass_context
def confirm(ctx: click.Context, claim_id: str, db: str | None, reviewer: str, note: str,
            registry_files: tuple[str, ...]) -> None:
    """Confirm a claim as extracted."""
    _apply(ctx, db, claim_id, "confirm", reviewer=reviewer, note=note, registry_files=registry_files)


@review.command()
@_review_options
@click.pass_context
def reject(ctx: click.Context, claim_id: str, db: str | None, reviewer: str, note: str,
           registry_files: tuple[str, ...]) -> None:
    """Reject a claim: it leaves every count, list and export (the log keeps it)."""
    _apply(ctx, db, claim_id, "reject", reviewer=reviewer, note=note, registry_files=registry_files)


@review.command()
@_review_options
@click.pass_context
def unreject(ctx: click.Context, claim_id: str, db: str | None, reviewer: str, note: str,
             registry_files: tuple[str, ...]) -> None:
    """Bring a rejected claim back, with the status it had before the rejection."""
    _apply(ctx, db, claim_id, "unreject", reviewer=reviewer, note=note, registry_files=registry_files)


@review.command()
@_review_options
@click.option("--set", "sets", multiple=True, required=True, metavar="FIELD=VALUE",
              help="A corrected field (repeatable); an empty VALUE clears an optional field.")
@click.pass_context
def correct(ctx: click.Context, claim_id: str, db: str | None, reviewer: str, note: str,
            registry_files: tuple[str, ...], sets: tuple[str, ...]) -> None:
    """Correct some of a claim's fields: claimant_party, value, category, period_start, ...

    Sides must be parties of the registry (or sides the ledger holds) and choices one of
    their values: a typo is refused with the nearest names.
    """
    changes = {}
    for item in sets:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--set")
        changes[name.strip()] = value
    _apply(ctx, db, claim_id, "correct", reviewer=reviewer, note=note, registry_files=registry_files,
           changes=changes)


@review.command("log")
@_db_option
@click.option("--format", "fmt", type=click.Choice(("csv", "jsonl")), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.pass_context
def review_log(ctx: click.Context, db: str | None, fmt: str, out: str | None) -> None:
    """Export the review log: every review ever made, oldest first."""
    from ..store.review import log_lines
    count = 0

    def counted(rows: Any) -> Any:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with open_existing(_ledger_path(ctx, db)) as ledger:
        lines = log_lines(counted(ledger.review_log()), fmt)
        if not out:
            for line in lines:
                click.echo(line, nl=False)
            return
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)
    click.echo(f"wrote {count:,} review{'s' if count != 1 else ''} to {printable(out)} ({fmt})", err=True)
