"""RSS and Atom feeds: one document per item, from the page it links to.

Each item's link is loaded through a caller-given ``load_page`` (the reader fetches it
and extracts the article). When the page cannot be used the item's own content or
summary is the text, with a warning; an item with neither goes to ``on_error`` naming
its link. The page's metadata wins over the item's (title, date, URL); the outlet is
the page's site name, else the feed's title.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

from ..errors import DropDocument, IngestError
from ..models import Document
from .dates import parse_date
from .metadata import Metadata, build_document
from .records import RecordOptions

ErrorHandler = Callable[[IngestError], None]
#: Loads an item's page: its text and metadata, or raises ``IngestError``.
PageLoader = Callable[[str], tuple[str, Metadata]]

# What may come before a feed's root element: BOM, XML declaration, comments, DOCTYPE.
_PROLOG = re.compile(r"\A(?:\ufeff|\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>/]", re.IGNORECASE)
_XML_ENCODING = re.compile(r"(<\?xml[^>]*?\bencoding\s*=\s*)([\"'])[^\"']*\2")
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "tr", "table", "section", "article", "pre", "hr"})
_HIDDEN = frozenset({"script", "style", "template"})
# A numeric character reference; feedparser's loose parser crashes on one that names no
# character (a surrogate, 0, past U+10FFFF), so those become U+FFFD before it runs.
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_REPLACEMENT_REF = b"&#xFFFD;"


def looks_like_feed(head: str | bytes) -> bool:
    """Whether content starts (after any XML prolog) with an RSS, Atom or RDF root."""
    text = head[:4000].decode("utf-8", "replace") if isinstance(head, bytes) else head[:4000]
    prolog = _PROLOG.match(text)
    return _FEED_ROOT.match(text, prolog.end() if prolog else 0) is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One feed entry: its link, title, ISO date and own text (all optional)."""

    link: str | None = None
    title: str | None = None
    published: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """A parsed feed: its title and items, in feed order."""

    title: str | None
    items: tuple[FeedItem, ...]


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment, a line break at each block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:  # line breaks in HTML source are spaces
            self.parts.append(" ".join(data.split("\n")))


def html_fragment_text(fragment: str) -> str:
    """The plain text of an HTML fragment: paragraphs on their own lines, spaces tidied."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def _entry_text(entry: Mapping[str, Any]) -> str:
    bodies = [c for c in entry.get("content") or [] if isinstance(c, Mapping) and c.get("value")]
    if not bodies and entry.get("summary"):
        bodies = [entry.get("summary_detail") or {"value": entry["summary"]}]
    if not bodies:
        return ""
    body = max(bodies, key=lambda c: len(c["value"]))
    if body.get("type") == "text/plain":
        return str(body["value"]).strip()
    return html_fragment_text(str(body["value"]))


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    for key in ("published", "updated", "created"):
        if isinstance(entry.get(key), str) and (iso := parse_date(entry[key])):
            return iso  # the date as the feed writes it, not shifted to UTC
    for key in ("published_parsed", "updated_parsed"):
        if parsed := entry.get(key):
            try:
                return date(*parsed[:3]).isoformat()
            except (TypeError, ValueError):  # feedparser passes on year 0 and the like
                continue
    return None


def _is_character(code: int) -> bool:
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def _checked_charref(match: re.Match[bytes]) -> bytes:
    hex_digits, digits = match.group(1), match.group(2)
    if len((hex_digits or digits).lstrip(b"0")) > 8:  # past U+10FFFF (and int() stays cheap)
        return _REPLACEMENT_REF
    code = int(hex_digits, 16) if hex_digits else int(digits)
    return match.group(0) if _is_character(code) else _REPLACEMENT_REF


def _clean(value: Any) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def parse_feed(data: bytes | str, *, source: str, base_url: str | None = None,
               content_type: str | None = None) -> Feed:
    """Parse an RSS, Atom or RDF feed with feedparser (nothing is fetched).

    Args:
        data: The feed's bytes, or its decoded text.
        source: Its name (a path or URL), for errors.
        base_url: Where it was fetched from, to resolve relative item links.
        content_type: The HTTP Content-Type header, which may name the encoding.

    Returns:
        The feed's title and items.

    Raises:
        IngestError: The content is not a feed.
        DropDocument: The feed has no items.
    """
    import feedparser

    if isinstance(data, str):  # now UTF-8, whatever the declaration said
        data = _XML_ENCODING.sub(r"\1\2utf-8\2", data, count=1).encode("utf-8")
    headers = {key: value for key, value in (("content-location", base_url),
                                             ("content-type", content_type)) if value}
    data = _CHARREF.sub(_checked_charref, data)
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser has no error contract; its loose parser raises many types
        raise IngestError(source, f"feed could not be parsed ({type(exc).__name__}: {exc})") from exc
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise IngestError(source, "not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    if not parsed.entries:
        raise DropDocument(source, "feed has no items")
    items = tuple(FeedItem(link=_clean(e.get("link")), title=_clean(e.get("title")),
                           published=_entry_date(e), text=_entry_text(e))
                  for e in parsed.entries)
    return Feed(title=_clean(parsed.feed.get("title")), items=items)


def _fetchable(link: str | None) -> bool:
    return link is not None and link.lower().startswith(("http://", "https://"))


def _page_document(text: str, page: Metadata, item: FeedItem, feed: Feed, *, source: str,
                   options: RecordOptions) -> Document:
    meta = Metadata(title=page.title or item.title, outlet=page.outlet or feed.title,
                    url=page.url or item.link, published=page.published or item.published,
                    text_published=page.text_published, text_outlet=page.text_outlet)
    return build_document(text, meta, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet)


def _item_document(item: FeedItem, feed: Feed, *, source: str, options: RecordOptions,
                   warnings: tuple[str, ...]) -> Document:
    url = item.link if _fetchable(item.link) else None
    meta = Metadata(title=item.title, outlet=feed.title, url=url, published=item.published)
    return build_document(item.text, meta, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet,
                          warnings=warnings)


def _why_no_page(item: FeedItem, load_page: PageLoader | None) -> str | None:
    """Why an item's page is not loaded (None: it is)."""
    if not item.link:
        return "the item has no link"
    if not _fetchable(item.link):
        return f"its link {item.link!r} is not an http(s) URL"
    return "item links are not fetched" if load_page is None else None


def item_document(item: FeedItem, feed: Feed, *, source: str, options: RecordOptions,
                  load_page: PageLoader | None) -> Document:
    """The document of one feed item: its page, else its own text.

    Args:
        item: The item.
        feed: The feed it belongs to (its title is the fallback outlet).
        source: The item's name (its http(s) link, or ``feed#N``).
        options: The caller's overrides and ``war_starts``.
        load_page: Loads the linked page, or None to use the item's own text.

    Raises:
        IngestError: Neither the page nor the item gives any text; names the link.
    """
    reason = _why_no_page(item, load_page)
    if reason is None and load_page is not None and item.link:
        try:
            text, page = load_page(item.link)
        except IngestError as err:
            reason = f"page not used: {err.reason}"
        else:
            return _page_document(text, page, item, feed, source=source, options=options)
    if not item.text:
        raise IngestError(source, f"{reason}, and the feed item has no text of its own")
    # Only a page that should have been read is worth a warning.
    warnings = (f"{reason}; text taken from the feed item",) if (
        load_page is not None and item.link) else ()
    return _item_document(item, feed, source=source, options=options, warnings=warnings)


def feed_documents(feed: Feed, *, source: str, options: RecordOptions = RecordOptions(),
                   load_page: PageLoader | None = None,
                   on_error: ErrorHandler) -> Iterator[Document]:
    """Read a feed's items into documents, one at a time.

    Args:
        feed: The parsed feed.
        source: The feed's path or URL; an item without an http(s) link is ``source#N``.
        options: The caller's ``published``/``outlet`` overrides and ``war_starts``.
        load_page: Loads an item's page (see ``PageLoader``); None uses the items' text.
        on_error: Called with an ``IngestError`` for each item giving no text.

    Yields:
        One document per item with text.
    """
    for n, item in enumerate(feed.items, 1):
        name = item.link if item.link and _fetchable(item.link) else f"{source}#{n}"
        try:
            yield item_document(item, feed, source=name, options=options, load_page=load_page)
        except IngestError as err:
            on_error(err)
