"""``claimledger serve`` (the web app) and ``claimledger report`` (one self-contained HTML file)."""
from __future__ import annotations

import json
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import cli, existing_db_option, info, printable, verbosity_options
from .ledger_cmds import build_filter, check_filter_sides, filter_options, open_or_fail


@cli.command()
@existing_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --token to accept reviews.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--token", envvar="CLAIMLEDGER_TOKEN",
              help="Reviews need 'Authorization: Bearer TOKEN' (also $CLAIMLEDGER_TOKEN).")
@click.option("--read-only", is_flag=True, help="Refuse every review (browse only).")
@verbosity_options
def serve(db: str, host: str, port: int, token: str | None, read_only: bool) -> None:
    """Browse, chart and review the ledger in a web browser.

    On a loopback address (the default) the server answers only to the loopback names and
    refuses reviews posted from other sites' pages. On any other address without a token
    it starts read-only, since anyone who can reach it could otherwise rewrite claims.
    """
    import uvicorn

    from ..serve.app import create_app
    from ..serve.security import LOOPBACK_HOSTS, is_loopback

    loopback = is_loopback(host)
    allow_writes = not read_only
    if allow_writes and not loopback and not token:
        click.echo(f"claimledger: warning: serving on {host} without --token: read-only "
                   "(give --token or $CLAIMLEDGER_TOKEN to accept reviews)", err=True)
        allow_writes = False
    try:
        app = create_app(db, token=token, allow_writes=allow_writes,
                         allowed_hosts=LOOPBACK_HOSTS if loopback else None)
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    mode = "read-only" if not allow_writes else "reviews need the token" if token else "reviews open"
    info(f"claimledger: serving {printable(db)} on http://{_url_host(host)}:{port}/ ({mode})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@cli.command()
@existing_db_option
@filter_options
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="report.html", show_default=True,
              help="The HTML file to write.")
@click.option("--title", help="The report's heading.")
@verbosity_options
def report(db: str, out: str, title: str | None, **filters: Any) -> None:
    """Write ONE self-contained HTML report: counts, claimants, timelines, comparisons,
    flags, claimed vs reference, and the evidence behind every figure (opens offline)."""
    from ..serve.report import write_report

    f = build_filter(**filters)
    with open_or_fail(db) as ledger:
        check_filter_sides(ledger, f)
        try:
            path = write_report(ledger, out, filters=f, title=title)
        except (ClaimLedgerError, OSError) as exc:
            raise click.ClickException(printable(f"{out}: {exc}")) from exc
    info(f"wrote {printable(path)} ({path.stat().st_size / 1e6:.1f} MB)", err=True)


@cli.command("datasette-metadata")
@existing_db_option
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@verbosity_options
def datasette_metadata(db: str, out: str | None) -> None:
    """Print Datasette metadata for the ledger: titles, descriptions, search, internals hidden.

    \b
    claimledger datasette-metadata --db ledger.db --out metadata.json
    datasette ledger.db --metadata metadata.json
    """
    from ..serve.datasette import metadata_for

    text = json.dumps(metadata_for(db), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise click.ClickException(printable(f"{out}: {exc.strerror or exc}")) from exc
    info(f"wrote {printable(out)}", err=True)
