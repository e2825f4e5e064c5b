"""Plain-text and Markdown reports.

The document text keeps the exact length of the file: markup (``#``, ``*``, ``_``,
``---``, ``<``/``>``, link brackets) and metadata (the leading `` date YYYY-MM-DD``
marker, ``Published:``/``Date:``/``Title:`` header lines, a ``Source @Outlet`` line, a
trailing URL line and the outlet name after it) are replaced by spaces, newlines kept.
An offset into ``Document.text`` is therefore an offset into the user's file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Document
from .dates import MONTH, WarStarts, parse_date
from .metadata import Metadata, build_document

#: How many non-empty lines at the top may hold ``Published:``-style metadata.
HEADER_LINES = 8

_DATE_MARKER = re.compile(r"\A\s*(date:?[ \t]+(\d{4}-\d{2}-\d{2}))(?![\d\w])", re.IGNORECASE)
_DATE_LABEL = (r"first\s+published|last\s+updated|published|posted|updated|dated|date"
               r"|publication\s+date")
_LABELLED = re.compile(
    rf"^(?P<label>{_DATE_LABEL}|title|headline|source|outlet|url|link)"
    r"(?P<sep>\s*:\s*|\s+on\s+|\s+)(?P<value>\S.*)$", re.IGNORECASE)
_DATE_START = re.compile(rf"^(?:\d|{MONTH}|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))", re.IGNORECASE)
_DATE_WORD = re.compile(
    rf"^(?:{MONTH}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)(?:day)?|Tue|Wed|Thu|Sat|at|on|of"
    r"|the|am|pm|a|p|m)$", re.IGNORECASE)
_SOURCE_AT = re.compile(r"^[*_ \t]*source\s*@\s*(?P<outlet>.+?)[*_ \t]*$", re.IGNORECASE)
_URL_LINE = re.compile(r"^<?(?P<url>https?://[^\s<>]+)>?$")
_HEADING = re.compile(
    r"^ {0,3}(?P<marks>#{1,6})(?=[ \t]|$)(?P<body>.*?)(?P<close>[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$")
_QUOTE = re.compile(r"^ {0,3}(?P<marks>>[> \t]*)")
_ASTERISKS = re.compile(r"(?<!\d)\*+|\*+(?!\d)")
_UNDERSCORES = re.compile(r"(?<!\w)_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")
_LINK = re.compile(r"(?P<open>!?\[)[^\]\n]*(?P<close>\]\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\))")
_AUTOLINK = re.compile(r"(?P<open><)(?:https?://|mailto:)[^\s<>]+(?P<close>>)")


@dataclass
class _Scan:
    """Working state while marking a text's markup and metadata spans."""

    raw: str
    lines: list[tuple[int, int]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)
    found: dict[str, str] = field(default_factory=dict)
    heading: int | None = None
    marker_line: int | None = None

    def __post_init__(self) -> None:
        pos = 0
        for part in self.raw.split("\n"):
            end = pos + len(part)
            self.lines.append((pos, end - 1 if part.endswith("\r") else end))
            pos = end + 1

    def line(self, i: int) -> str:
        start, end = self.lines[i]
        return self.raw[start:end]

    def take(self, i: int) -> None:
        self.taken.add(i)
        self.spans.append(self.lines[i])

    def open_lines(self) -> list[int]:
        return [i for i, _ in enumerate(self.lines)
                if i not in self.taken and self.line(i).strip()]


def _clean(value: str) -> str:
    return " ".join(value.strip().strip("*_#").split())


def _mark_date_marker(scan: _Scan) -> None:
    m = _DATE_MARKER.match(scan.raw)
    if m and parse_date(m[2]):
        scan.found["published"] = parse_date(m[2]) or ""
        scan.spans.append(m.span(1))
        line = next(i for i, (s, e) in enumerate(scan.lines) if s <= m.start(1) <= e)
        scan.marker_line = line
        if not scan.raw[m.end(1):scan.lines[line][1]].strip():
            scan.taken.add(line)


def _is_date_value(value: str) -> bool:
    """True for a value that is a date (and time), not a sentence that holds one."""
    if len(value) > 60 or not _DATE_START.match(value):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", value)
             if not (_DATE_WORD.match(w) or (w.isupper() and len(w) <= 5))]
    return len(words) <= 1


def _labelled_value(label: str, sep: str, value: str) -> tuple[str, str] | None:
    label = " ".join(label.lower().split())
    colon = ":" in sep
    if label in ("title", "headline") and colon:
        return "title", value
    if label in ("source", "outlet") and colon and _looks_like_name(value):
        return "outlet", value
    if label in ("url", "link") and colon and _URL_LINE.match(value):
        return "url", value.strip("<>")
    if label in ("title", "headline", "source", "outlet", "url", "link"):
        return None
    iso = parse_date(value) if _is_date_value(value) else None
    if iso is None:
        return None
    return ("updated" if "updated" in label else "published"), iso


def _mark_header(scan: _Scan) -> None:
    for i in scan.open_lines()[:HEADER_LINES]:
        if i == scan.marker_line:
            continue
        m = _LABELLED.match(_clean(scan.line(i)))
        found = m and _labelled_value(m["label"], m["sep"], _clean(m["value"]))
        if found:
            scan.found.setdefault(*found)
            scan.take(i)


def _mark_source_lines(scan: _Scan) -> None:
    for i in scan.open_lines():
        m = _SOURCE_AT.match(scan.line(i).strip())
        if m:
            scan.found.setdefault("outlet", _clean(m["outlet"]))
            scan.take(i)


def _url_of(line: str) -> str | None:
    m = _URL_LINE.match(line.strip())
    return m["url"] if m else None


def _looks_like_name(line: str) -> bool:
    name = _clean(line)
    return (0 < len(name) <= 60 and len(name.split()) <= 6 and name[0].isupper()
            and not name.endswith((".", ",", ":", ";")) and "://" not in name)


def _mark_trailer(scan: _Scan) -> None:
    body = [i for i in scan.open_lines() if not _RULE.match(scan.line(i))]
    if not body:
        return
    last = body[-1]
    if url := _url_of(scan.line(last)):
        scan.found.setdefault("url", url)
        scan.take(last)
    elif len(body) > 1 and (url := _url_of(scan.line(body[-2]))) and _looks_like_name(
            scan.line(last)):
        scan.found.setdefault("url", url)
        scan.found.setdefault("outlet", _clean(scan.line(last)))
        scan.take(body[-2])
        scan.take(last)
    if body[0] not in scan.taken and (url := _url_of(scan.line(body[0]))):
        scan.found.setdefault("url", url)
        scan.take(body[0])


def _mark_blocks(scan: _Scan) -> None:
    for i in scan.open_lines():
        start, line = scan.lines[i][0], scan.line(i)
        if _RULE.match(line):
            scan.take(i)
        elif m := _HEADING.match(line):
            scan.spans.append((start + m.start("marks"), start + m.end("marks")))
            if m["close"]:
                scan.spans.append((start + m.start("close"), start + m.end("close")))
            scan.heading = i if scan.heading is None else scan.heading
        elif _SETEXT.match(line) and i > 0 and scan.line(i - 1).strip() and i - 1 not in scan.taken:
            scan.take(i)
            scan.heading = i - 1 if scan.heading is None else scan.heading
        elif m := _QUOTE.match(line):
            scan.spans.append((start + m.start("marks"), start + m.end("marks")))


def _mark_inline(scan: _Scan) -> None:
    raw = scan.raw
    scan.spans.extend(m.span() for m in _ASTERISKS.finditer(raw))
    scan.spans.extend(m.span() for m in _UNDERSCORES.finditer(raw))
    for pattern in (_LINK, _AUTOLINK):
        for m in pattern.finditer(raw):
            scan.spans.extend((m.span("open"), m.span("close")))


def _blank(raw: str, spans: list[tuple[int, int]]) -> str:
    """``raw`` with every character inside ``spans`` but CR/LF replaced by a space."""
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        pieces.append(raw[pos:start])
        pieces.append(re.sub(r"[^\r\n]", " ", raw[start:end]))
        pos = end
    pieces.append(raw[pos:])
    return "".join(pieces)


def strip_markup(raw: str) -> tuple[str, Metadata]:
    """Blank the markup and metadata of a plain-text or Markdown report.

    Args:
        raw: The file's text.

    Returns:
        The text, as long as ``raw`` and equal to it except that markup and metadata
        are spaces (newlines kept), and the metadata found (title, outlet, URL, date).
    """
    scan = _Scan(raw)
    for mark in (_mark_date_marker, _mark_header, _mark_source_lines, _mark_trailer,
                 _mark_blocks, _mark_inline):
        mark(scan)
    text = _blank(raw, scan.spans)
    title = scan.found.get("title")
    if title is None and scan.heading is not None:
        start, end = scan.lines[scan.heading]
        title = " ".join(text[start:end].split()) or None
    meta = Metadata(title=title, outlet=scan.found.get("outlet") or None,
                    url=scan.found.get("url"),
                    published=scan.found.get("published") or scan.found.get("updated"))
    return text, meta


def parse_plain(raw: str, *, source: str, war_starts: WarStarts = (),
                published: str | None = None, outlet: str | None = None) -> Document:
    """Parse a plain-text or Markdown report.

    Args:
        raw: The file's text.
        source: Where it came from (a path, ``<stdin>``, ``<text>``).
        war_starts: ``(war terms, start date)`` pairs used to infer a dateline's year.
        published: The caller's ISO date, overriding the file's.
        outlet: The caller's outlet name, overriding the file's.

    Returns:
        The document; ``len(document.text) == len(raw)``.
    """
    text, meta = strip_markup(raw)
    return build_document(text, meta, source=source, war_starts=war_starts,
                          published=published, outlet=outlet)
