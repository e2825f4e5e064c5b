"""Command-line options for record column mapping, for any command that reads records.

    @cli.command()
    @column_options
    def ingest(paths, **kw):
        docs = iter_documents(paths, columns=columns_from_options(**kw),
                              date_format=kw["date_format"])
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Option parameter name -> the role it names in ``iter_documents(columns=...)``.
COLUMN_OPTIONS = {
    "text_column": "text",
    "date_column": "published",
    "title_column": "title",
    "url_column": "url",
    "outlet_column": "outlet",
}
_HELP = {
    "text": "the report text",
    "published": "the publication date",
    "title": "the title",
    "url": "the URL",
    "outlet": "the outlet name",
}


def column_options(f: F) -> F:
    """Add ``--text-column``, ``--date-column``, ``--title-column``, ``--url-column``,
    ``--outlet-column`` and ``--date-format`` to a click command."""
    import click  # here, so that importing the library does not load click

    f = click.option(
        "--date-format", "date_format", default=None, metavar="FORMAT",
        help="strftime format of record dates, e.g. %d/%m/%Y (also sets day/month order "
             "for dates that do not fit it).")(f)
    for param, role in reversed(COLUMN_OPTIONS.items()):
        flag = "--" + param.replace("_", "-")
        f = click.option(flag, param, default=None, metavar="NAME",
                         help=f"CSV column / JSON field holding {_HELP[role]}.")(f)
    return f


def columns_from_options(**kw: Any) -> dict[str, str]:
    """The ``columns`` map for ``iter_documents`` from a command's keyword arguments.

    Other keywords (``date_format``, a command's own options) are ignored, so a command
    may pass all of its arguments.

    Returns:
        Role -> column name, for the column options that were given.
    """
    return {role: kw[param] for param, role in COLUMN_OPTIONS.items() if kw.get(param)}
