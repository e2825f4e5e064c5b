"""Turn a text and the metadata found beside it into a ``Document``.

Date precedence: the caller's option > the file's own metadata (date marker,
Published line, HTML meta, record field) > a dateline in the text (with the year
inferred from the text when the dateline has none) > a date on a short metadata-like
line of the text ("8 March 2024 | Peace and Security") > unknown, with a warning.

Outlet precedence: the caller's option > the file's metadata (Source line, trailer,
byline, channel header, HTML site name, record field) > a dateline's wire
("(Reuters)") > an outlet named in the text ("NV could not independently verify").
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Document
from .dates import Dateline, WarStarts, find_dateline, infer_year

NO_DATE_WARNING = "no publication date found; relative periods stay unresolved"

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """What a file says about its report besides the text (all optional)."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    #: A date read from a metadata-like line of the text, used without a dateline.
    text_published: str | None = None
    #: An outlet named in the text, used when nothing else names one.
    text_outlet: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DateChoice:
    """The publication date chosen for a document, how, and any notes on it."""

    published: str | None
    date_source: str | None
    warnings: tuple[str, ...] = ()


def _from_dateline(text: str, line: Dateline, war_starts: WarStarts) -> DateChoice:
    if line.year is not None:
        iso = f"{line.year:04d}-{line.month:02d}-{line.day:02d}"
        return DateChoice(published=iso, date_source="dateline")
    year, note = infer_year(text, line.month, line.day, war_starts=war_starts)
    if year is not None and note is not None:
        iso = f"{year:04d}-{line.month:02d}-{line.day:02d}"
        return DateChoice(published=iso, date_source="dateline+inferred-year", warnings=(note,))
    missing = (f"dateline \"{_MONTH_NAMES[line.month - 1]} {line.day}\" has no year and the "
               "text does not allow inferring one")
    return DateChoice(published=None, date_source=None, warnings=(missing, NO_DATE_WARNING))


def choose_date(text: str, *, option: str | None, metadata: str | None,
                dateline: Dateline | None, war_starts: WarStarts = (),
                text_date: str | None = None) -> DateChoice:
    """Pick the publication date: option > metadata > dateline > text date line > unknown.

    Args:
        text: The document text (used to infer a dateline's missing year).
        option: An ISO date given by the caller, or None.
        metadata: An ISO date from the file's metadata, or None.
        dateline: The dateline found in the text, or None.
        war_starts: ``(war terms, start date)`` pairs for ``infer_year``.
        text_date: An ISO date from a metadata-like line of the text, or None.

    Returns:
        The chosen date, its ``date_source`` and any warnings.
    """
    if option:
        return DateChoice(published=option, date_source="option")
    if metadata:
        return DateChoice(published=metadata, date_source="metadata")
    if dateline is not None:
        return _from_dateline(text, dateline, war_starts)
    if text_date:
        return DateChoice(published=text_date, date_source="text")
    return DateChoice(published=None, date_source=None, warnings=(NO_DATE_WARNING,))


def build_document(text: str, meta: Metadata, *, source: str, war_starts: WarStarts = (),
                   published: str | None = None, outlet: str | None = None,
                   warnings: tuple[str, ...] = ()) -> Document:
    """Build the ``Document`` for a text and its metadata.

    Args:
        text: The document text (markup already blanked).
        meta: Title, outlet, URL and date the file itself gives.
        source: Where the text came from (path, ``path#N``, ``<stdin>``).
        war_starts: ``(war terms, start date)`` pairs for ``infer_year``.
        published: The caller's ISO date, overriding everything else.
        outlet: The caller's outlet name, overriding the file's.
        warnings: Warnings gathered while reading, kept first.

    Returns:
        The document.
    """
    dateline = find_dateline(text)
    choice = choose_date(text, option=published, metadata=meta.published,
                         dateline=dateline, war_starts=war_starts,
                         text_date=meta.text_published)
    wire = dateline.outlet if dateline is not None else None
    return Document(
        text=text, source=source, title=meta.title or None,
        outlet=outlet or meta.outlet or wire or meta.text_outlet or None,
        url=meta.url or None,
        published=choice.published, date_source=choice.date_source,
        warnings=tuple(warnings) + choice.warnings,
    )
