"""Turn a text and the metadata found beside it into a ``Document``.

Date precedence: the caller's option > the file's own metadata (date marker,
Published line, HTML meta, record field) > a dateline in the text (its missing year
from the URL's year and month, else inferred from the text) > a date in the URL
(/2024/03/04/, 20240304) > a date on a short metadata-like line of the text
("8 March 2024 | Peace and Security") > unknown, with a warning.

Outlet precedence: the caller's option > the file's metadata (Source line, trailer,
byline, channel header, HTML site name, record field) > a dateline's wire
("(Reuters)") > an outlet named in the text ("NV could not independently verify").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


# A date in a URL path: /2024/03/04/, /2024-03-04, 20240304 (digits not part of a longer number),
# or a year and month alone (/2024/03/) that can only complete a dateline without a year.
_URL_DAY = re.compile(r"(?<![0-9])(20[0-4]\d)(?:([/_-])(\d{1,2})\2(\d{1,2})|(\d\d)(\d\d))(?![0-9])")
_URL_MONTH = re.compile(r"/(20[0-4]\d)/(0?[1-9]|1[0-2])/")


def url_date(url: str | None) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) from a URL's path, the day only when it is a real date."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for m in _URL_DAY.finditer(path):
        month, day = (m.group(3), m.group(4)) if m.group(2) else (m.group(5), m.group(6))
        try:
            d = date(int(m.group(1)), int(month), int(day))
        except ValueError:
            continue
        return d.year, d.month, d.day
    m = _URL_MONTH.search(path)
    return (int(m.group(1)), int(m.group(2)), None) if m else None


def choose_date(text: str, *, option: str | None, metadata: str | None,
                dateline: Dateline | None, war_starts: WarStarts = (),
                text_date: str | None = None, url: str | None = None) -> DateChoice:
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
    in_url = url_date(url)
    if dateline is not None and dateline.year is None and in_url is not None and in_url[1] == dateline.month:
        return DateChoice(published=f"{in_url[0]:04d}-{dateline.month:02d}-{dateline.day:02d}",
                          date_source="dateline+url-year")
    if dateline is not None and (dateline.year is not None or in_url is None or in_url[2] is None):
        return _from_dateline(text, dateline, war_starts)
    if in_url is not None and in_url[2] is not None:
        return DateChoice(published=f"{in_url[0]:04d}-{in_url[1]:02d}-{in_url[2]:02d}", date_source="url")
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
                         text_date=meta.text_published, url=meta.url)
    wire = dateline.outlet if dateline is not None else None
    return Document(
        text=text, source=source, title=meta.title or None,
        outlet=outlet or meta.outlet or wire or meta.text_outlet or None,
        url=meta.url or None,
        published=choice.published, date_source=choice.date_source,
        warnings=tuple(warnings) + choice.warnings,
    )
