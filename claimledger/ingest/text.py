"""Plain-text and Markdown reports.

The document text keeps the exact length of the file: markup (``#``, ``*``, ``_``,
``---``, ``<``/``>``, link brackets) and metadata (the leading `` date YYYY-MM-DD``
marker, ``Published:``/``Date:``/``Title:`` header lines, a ``Source @Outlet`` line, a
trailing URL line and the outlet name after it, a byline near the top, an "Outlet |
Section" header line, a channel name over its "@handle · N subscribers" line) are
replaced by spaces, newlines kept. An offset into ``Document.text`` is therefore an
offset into the user's file.

Also read, without blanking: a headline-like first line as the title when there is no
heading, a date on a short metadata-like line near the top or bottom ("8 March 2024 |
World", used when nothing better dates the report), and "X could not independently
verify" as a last-resort outlet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Document
from .dates import WarStarts, find_dateline, parse_date
from .headers import (
    byline,
    date_line_value,
    is_channel_handle,
    is_date_value,
    is_headline,
    outlet_line,
)
from .metadata import Metadata, build_document

#: How many non-empty lines at the top may hold ``Published:``-style metadata.
HEADER_LINES = 8
#: How many non-empty lines at the top may hold a byline, or a date line.
TOP_LINES = 10
#: How many non-empty lines at the bottom may hold a date line.
BOTTOM_LINES = 6

_DATE_MARKER = re.compile(r"\A\s*(date:?[ \t]+(\d{4}-\d{2}-\d{2}))(?![\d\w])", re.IGNORECASE)
_DATE_LABEL = (r"first\s+published|last\s+updated|published|posted|updated|dated|date"
               r"|publication\s+date")
_LABELLED = re.compile(
    rf"^(?P<label>{_DATE_LABEL}|title|headline|source|outlet|url|link)"
    r"(?P<sep>\s*:\s*|\s+on\s+|\s+)(?P<value>\S.*)$", re.IGNORECASE)
# The outlet's trailing emphasis and blanks are stripped in code: a lazy name before them
# rescanned every run of blanks inside a long line (quadratic).
_SOURCE_AT = re.compile(r"^[*_ \t]*source\s*@\s*(?P<outlet>.+)$", re.IGNORECASE)
_URL_LINE = re.compile(r"^<?(?P<url>https?://[^\s<>]+)>?$")
# An ATX heading's opening marks; its closing ones are found by ``_closing_marks``.
_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$")
_QUOTE = re.compile(r"^ {0,3}(?P<marks>>[> \t]*)")
_ASTERISKS = re.compile(r"(?<!\d)\*+|\*+(?!\d)")
_UNDERSCORES = re.compile(r"(?<!\w)_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")
# Neither the link text nor the address holds a bracket: each scan then stops at the next one,
# so a run of brackets costs linear time, not quadratic.
_LINK = re.compile(r"(?P<open>!?\[)[^\[\]\n]*(?P<close>\]\([^)\s\[\]]*(?:[ \t]+\"[^\"\n]*\")?\))")
_AUTOLINK = re.compile(r"(?P<open><)(?:https?://|mailto:)[^\s<>]+(?P<close>>)")
_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<short>[A-Z][A-Za-z&.\-]{1,11})\)$")
# "Reuters could not independently verify ...": the outlet speaking of itself.
_SP = r"[ \t]+"
_NAME_WORDS = rf"[A-Z][\w&'’.\-]*(?:{_SP}[A-Z][\w&'’.\-]*){{0,4}}"
_UNABLE = (rf"(?:could{_SP}not|couldn['’]t|cannot|can['’]t"
           rf"|(?:was|is){_SP}(?:not{_SP}able|unable){_SP}to|has{_SP}not{_SP}been{_SP}able{_SP}to)")
_VERIFY = re.compile(
    rf"(?:^|(?<=[.!?][ \t]))[ \t]*(?P<name>{_NAME_WORDS}){_SP}{_UNABLE}{_SP}independently"
    rf"{_SP}(?:verify|confirm)\b", re.MULTILINE)
_NOT_OUTLETS = frozenset("""
it they we he she i you this that these those officials authorities journalists reporters
analysts observers monitors experts researchers investigators residents witnesses police
there""".split())


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
    channel_end: int | None = None

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

    def filled_lines(self) -> list[int]:
        """Non-empty lines, taken or not."""
        return [i for i, _ in enumerate(self.lines) if self.line(i).strip()]


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


def _labelled_value(label: str, sep: str, value: str) -> tuple[str, str] | None:
    label = " ".join(label.lower().split())
    colon = ":" in sep
    if label in ("title", "headline") and colon:
        return "title", value
    if label in ("source", "outlet") and colon and (name := _outlet_name(value)):
        return "outlet", name
    if label in ("url", "link") and colon and _URL_LINE.match(value):
        return "url", value.strip("<>")
    if label in ("title", "headline", "source", "outlet", "url", "link"):
        return None
    iso = parse_date(value) if is_date_value(value) else None
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
            scan.found.setdefault("outlet", _clean(m["outlet"].rstrip("*_ \t")))
            scan.take(i)


def _url_of(line: str) -> str | None:
    m = _URL_LINE.match(line.strip())
    return m["url"] if m else None


def _looks_like_name(line: str) -> bool:
    name = _clean(line)
    return (0 < len(name) <= 60 and len(name.split()) <= 6 and name[0].isupper()
            and not name.endswith((".", ",", ":", ";")) and "://" not in name)


def _outlet_name(value: str) -> str | None:
    """An outlet name from a ``Source:`` value: the name, or its acronym when too long.

    "Example Wire (EXW)" gives "Example Wire"; "UN Office for the Coordination of
    Humanitarian Affairs (OCHA)", too long to be a name, gives "OCHA".
    """
    value = _clean(value)
    m = _ACRONYM.match(value)
    if m and sum(c.isupper() for c in m["short"]) >= 2:
        if _looks_like_name(m["name"]):
            return _clean(m["name"])
        return m["short"] if _looks_like_name(m["short"]) else None
    return value if _looks_like_name(value) else None


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


def _mark_byline(scan: _Scan) -> None:
    """Blank the first byline near the top; the outlet it names, if any, is kept."""
    for i in scan.filled_lines()[:TOP_LINES]:
        if i in scan.taken:
            continue
        found = byline(_clean(scan.line(i)))
        if found is not None:
            if found.outlet and _looks_like_name(found.outlet):
                scan.found.setdefault("outlet", found.outlet)
            scan.take(i)
            return


def _mark_outlet_line(scan: _Scan) -> None:
    """An "Outlet | Section" line in the header, below the first line: blanked."""
    top = set(scan.filled_lines()[:HEADER_LINES])
    for i in [i for i in scan.open_lines() if i in top][1:]:
        name = outlet_line(_clean(scan.line(i)))
        if name and _looks_like_name(name):
            scan.found.setdefault("outlet", name)
            scan.take(i)
            return


def _mark_channel(scan: _Scan) -> None:
    """A channel name over an "@handle · N subscribers" line: the outlet; both blanked."""
    lines = scan.open_lines()
    if len(lines) < 3:
        return
    name, handle = lines[0], lines[1]
    if is_channel_handle(_clean(scan.line(handle))) and _looks_like_name(scan.line(name)) \
            and not _clean(scan.line(name)).startswith("@"):
        scan.found.setdefault("outlet", _clean(scan.line(name)))
        scan.take(name)
        scan.take(handle)
        scan.channel_end = handle


def _mark_date_line(scan: _Scan) -> None:
    """A date on a short metadata-like line in the first or last lines (not blanked)."""
    if "published" in scan.found or "updated" in scan.found:
        return
    filled = scan.filled_lines()
    bottom = filled[max(TOP_LINES, len(filled) - BOTTOM_LINES):]
    for i in filled[:TOP_LINES] + bottom:
        if i not in scan.taken and (iso := date_line_value(_clean(scan.line(i)))):
            scan.found["text_date"] = iso
            return


def _mark_title(scan: _Scan, text: str) -> None:
    """A headline-like first line of a plain text without a heading: the title."""
    if "title" in scan.found or scan.heading is not None:
        return
    after = scan.channel_end if scan.channel_end is not None else -1
    lines = [i for i in scan.open_lines() if i > after]
    if lines and date_line_value(_clean(scan.line(lines[0]))):
        lines = lines[1:]
    if len(lines) < 2:
        return
    first = lines[0]
    start, end = scan.lines[first]
    title = " ".join(text[start:end].split())
    following = first + 1
    ends_block = (following >= len(scan.lines) or not scan.line(following).strip()
                  or following in scan.taken)
    labelled = _LABELLED.match(title)
    if (ends_block and is_headline(title) and find_dateline(scan.line(first)) is None
            and not (labelled and ":" in labelled["sep"])):
        scan.found["title"] = title


def _mark_verify_outlet(scan: _Scan, text: str) -> None:
    """"Reuters could not independently verify": a fallback outlet from the text."""
    for m in _VERIFY.finditer(text):
        name = " ".join(m["name"].split())
        if name.lower() not in _NOT_OUTLETS and _looks_like_name(name):
            scan.found["text_outlet"] = name
            return


def _mark_blocks(scan: _Scan) -> None:
    for i in scan.open_lines():
        start, line = scan.lines[i][0], scan.line(i)
        if _RULE.match(line):
            scan.take(i)
        elif m := _HEADING.match(line):
            scan.spans.append((start + m.start("marks"), start + m.end("marks")))
            if close := _closing_marks(line, m.end("marks")):
                scan.spans.append((start + close[0], start + close[1]))
            scan.heading = i if scan.heading is None else scan.heading
        elif _SETEXT.match(line) and i > 0 and scan.line(i - 1).strip() and i - 1 not in scan.taken:
            scan.take(i)
            scan.heading = i - 1 if scan.heading is None else scan.heading
        elif m := _QUOTE.match(line):
            scan.spans.append((start + m.start("marks"), start + m.end("marks")))


def _closing_marks(line: str, body_start: int) -> tuple[int, int] | None:
    """Where a heading's closing sequence lies ('# Title ##': the blanks and the '##'), if any.

    Found from the end of the line, in linear time (a regex with a lazy body was quadratic
    on long runs of blanks).
    """
    end = len(line.rstrip(" \t"))
    hashes = end - len(line[:end].rstrip("#"))
    before = end - hashes  # where the closing hashes start
    if not hashes or before - 1 < body_start or line[before - 1] not in " \t":
        return None
    return len(line[:before].rstrip(" \t")), end


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
                 _mark_channel, _mark_byline, _mark_outlet_line, _mark_blocks, _mark_inline,
                 _mark_date_line):
        mark(scan)
    text = _blank(raw, scan.spans)
    _mark_title(scan, text)
    _mark_verify_outlet(scan, text)
    title = scan.found.get("title")
    if title is None and scan.heading is not None:
        start, end = scan.lines[scan.heading]
        title = " ".join(text[start:end].split()) or None
    meta = Metadata(title=title, outlet=scan.found.get("outlet") or None,
                    url=scan.found.get("url"),
                    published=scan.found.get("published") or scan.found.get("updated"),
                    text_published=scan.found.get("text_date"),
                    text_outlet=scan.found.get("text_outlet"))
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
