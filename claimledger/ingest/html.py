"""HTML pages: main text and metadata through trafilatura, htmldate for dates.

Extraction runs offline on the given markup (no URL is fetched). Any failure of the
third-party parsers is converted to ``DropDocument`` at this boundary.
"""
from __future__ import annotations

from typing import Any

from ..errors import DropDocument
from ..models import Document
from .dates import WarStarts, parse_date
from .metadata import Metadata, build_document

NO_TEXT = "no article text found in HTML"


def _extract(raw: str, source: str) -> Any:
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            raw, with_metadata=True, favor_precision=False, include_comments=False,
            include_tables=True, include_images=False, include_links=False, fast=False)
    except Exception as exc:  # lxml/trafilatura raise many types on broken markup
        raise DropDocument(source, f"HTML could not be parsed ({type(exc).__name__}: {exc})") \
            from exc


def _fallback_date(raw: str) -> str | None:
    import htmldate

    try:
        found = htmldate.find_date(raw, extensive_search=True, original_date=True)
    except Exception:  # noqa: BLE001 - htmldate has no error contract; the date is optional
        return None
    return parse_date(found) if isinstance(found, str) else None


def _text_of(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def extract_html(raw: str, *, source: str) -> tuple[str, Metadata]:
    """Extract the main text and metadata of an HTML page.

    Args:
        raw: The page's markup.
        source: Where it came from, for error messages.

    Returns:
        The article text and its metadata (title, site name, canonical URL, date).

    Raises:
        DropDocument: The page has no extractable article text.
    """
    result = _extract(raw, source)
    text = _text_of(getattr(result, "text", None)) if result is not None else None
    if text is None:
        raise DropDocument(source, NO_TEXT)
    date = _text_of(getattr(result, "date", None))
    meta = Metadata(
        title=_text_of(getattr(result, "title", None)),
        outlet=_text_of(getattr(result, "sitename", None)),
        url=_text_of(getattr(result, "url", None)),
        published=(parse_date(date) if date else None) or _fallback_date(raw),
    )
    return text, meta


def parse_html(raw: str, *, source: str, war_starts: WarStarts = (),
               published: str | None = None, outlet: str | None = None) -> Document:
    """Parse an HTML page into a document.

    Args:
        raw: The page's markup.
        source: Where it came from (a path, ``<stdin>``).
        war_starts: ``(war terms, start date)`` pairs used to infer a dateline's year.
        published: The caller's ISO date, overriding the page's.
        outlet: The caller's outlet name, overriding the page's site name.

    Returns:
        The document; its text is the extracted article text.

    Raises:
        DropDocument: The page is broken or has no article text.
    """
    text, meta = extract_html(raw, source=source)
    return build_document(text, meta, source=source, war_starts=war_starts,
                          published=published, outlet=outlet)
