"""The ``claimledger`` click group and the options several commands share."""
from __future__ import annotations

from typing import Any, Callable

import click

from .. import __version__
from ..errors import ClaimLedgerError

#: The ledger used when ``--db`` is not given (also read from $CLAIMLEDGER_DB).
DEFAULT_DB = "claimledger.db"


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
