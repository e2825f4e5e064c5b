"""Read report files, directories, URLs and standard input into ``Document`` records.

Every input that cannot be read becomes one ``IngestError`` (or ``DropDocument``)
naming it, handed to ``on_error``; iteration then goes on with the next input.
Inputs: plain text/Markdown, HTML, JSON/JSONL/CSV records, Telegram Desktop exports
(a JSON file, found by its content), RSS/Atom feeds (their items' pages are fetched)
and ``http(s)://`` URLs of pages or feeds.
"""
from __future__ import annotations

import codecs
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, BinaryIO

from ..errors import ConfigError, DropDocument, IngestError
from ..models import Document, replace_surrogates
from .dates import WarStarts, parse_date
from .feeds import feed_documents, looks_like_feed, parse_feed
from .fetch import DEFAULT_TIMEOUT, Fetched, Fetcher, is_url
from .html import extract_html, parse_html
from .limits import DEFAULT_MAX_BYTES, MB, limit_text, size_text  # noqa: F401  (MB: re-exported)
from .metadata import Metadata, build_document
from .records import (
    COLUMN_ROLES,
    RecordOptions,
    json_records,
    load_json,
    parse_csv,
    parse_jsonl,
    raise_error,
)
from .telegram import is_telegram_export, telegram_documents
from .text import parse_plain, strip_markup

if TYPE_CHECKING:
    import httpx

STDIN = "-"
#: Opening flags for a report file: a FIFO swapped in after the type check must not block the open.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)

#: Format of each report extension ("" is a file without one).
FORMATS = {
    "": "plain", ".txt": "plain", ".text": "plain", ".md": "plain", ".markdown": "plain",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
#: Media types of feeds; other XML is sniffed.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
#: Formats of fetched bodies by media type (others are sniffed).
_MEDIA_FORMATS = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "plain",
    "text/markdown": "plain", "application/json": "json", "application/x-ndjson": "jsonl",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_UTF_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 11, 12, 13, 27}))
_HTML_START = re.compile(
    r"\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<article|<section|<p[\s>]|<!--)",
    re.IGNORECASE)

ErrorHandler = Callable[[IngestError], None]
log = logging.getLogger(__name__)


def _too_big(source: str, size: int | None, max_bytes: int) -> DropDocument:
    what = "input is" if size is None else f"file is {size_text(size)},"
    return DropDocument(source, f"{what} over the {limit_text(max_bytes)} limit (--max-bytes)")


def _special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _refuse_special(path: str, mode: int) -> None:
    """Refuse a special file by its type: reading a FIFO or a device could block or never end."""
    kind = _special_kind(mode)
    if kind is not None:
        raise IngestError(path, f"{kind}, not a report file: not read")


def _open_report(path: str) -> BinaryIO:
    """Open a regular file for reading, never blocking on a FIFO or a device swapped in meanwhile."""
    fd = os.open(path, _OPEN_FLAGS)
    handle = os.fdopen(fd, "rb")
    try:
        _refuse_special(path, os.fstat(fd).st_mode)
    except BaseException:
        handle.close()
        raise
    return handle


def check_size(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Check a file's size with ``os.stat`` before anything reads it.

    Args:
        path: The file.
        max_bytes: The largest size accepted.

    Returns:
        The file's size in bytes.

    Raises:
        DropDocument: The file is over ``max_bytes``.
        OSError: The file cannot be stat'ed.
    """
    size = os.stat(path).st_size
    if size > max_bytes:
        raise _too_big(path, size, max_bytes)
    return size


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:65536]
    control = len(sample) - len(sample.translate(None, _CONTROL))
    return control > len(sample) * 0.1


def _confident_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's decoding and the encoding it chose, when it is confident."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding.startswith(("utf_16", "utf_32")):
        return None
    if best.chaos > 0.1 or best.coherence < 0.2:
        return None
    return str(best), best.encoding


def _decode_bom(data: bytes, source: str) -> str | None:
    for bom, codec in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(source, f"not valid {codec.upper()} text "
                                          f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
                                  ) from exc
    return None


def read_bytes(data: bytes, *, source: str) -> str:
    """Decode a file's bytes to text.

    UTF-8 (with or without BOM) first, UTF-16/32 when a BOM says so, then
    charset-normalizer's best guess only when it is confident.

    Args:
        data: The file's content.
        source: The file's name, for errors.

    Returns:
        The text.

    Raises:
        DropDocument: The data is empty, whitespace only, or binary.
        IngestError: The data is not UTF-8 and no other encoding is detected.
    """
    return decode_bytes(data, source=source)[0]


def decode_bytes(data: bytes, *, source: str) -> tuple[str, str | None]:
    """Like :func:`read_bytes`, with a warning when the encoding had to be guessed.

    Returns:
        The text, and None or a warning naming the byte that is not UTF-8 and the
        encoding guessed, since a wrong guess gives readable-looking nonsense.
    """
    if not data.strip():
        raise DropDocument(source, "empty file")
    text = _decode_bom(data, source)
    warning = None
    if text is None:
        if _is_binary(data):
            raise DropDocument(source, "binary file")
        offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        try:
            text = data[offset:].decode("utf-8")
        except UnicodeDecodeError as exc:
            byte, at = data[offset + exc.start], offset + exc.start
            guess = _confident_guess(data)
            if guess is None:
                raise IngestError(source, f"not valid UTF-8 text (byte 0x{byte:02x} at offset "
                                          f"{at}) and no other encoding detected") from exc
            text, encoding = guess
            warning = (f"not valid UTF-8 (byte 0x{byte:02x} at offset {at}); read as {encoding}, "
                       "the encoding guessed from its bytes: check the text")
    if not text.strip():
        raise DropDocument(source, "empty file")
    return text, warning


def sniff_format(text: str) -> str:
    """Guess a report's format from its content: feed, html, json, jsonl or plain."""
    head = text.lstrip()[:2000]
    if looks_like_feed(head):
        return "feed"
    if _HTML_START.match(head):
        return "html"
    if not head.startswith(("{", "[")):
        return "plain"
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    if head.startswith("{") and len(lines) > 1 and lines[1].startswith("{"):
        try:
            json.loads(lines[0])
        except (ValueError, RecursionError):  # RecursionError: a first line nested past the limit
            return "json"
        return "jsonl"
    return "json"


def detect_format(name: str | None, text: str) -> str:
    """The format of a report: by extension, or by content when the extension is unknown.

    Args:
        name: The file name, or None for standard input.
        text: The decoded content.

    Returns:
        One of ``plain``, ``html``, ``json``, ``jsonl``, ``csv``, ``tsv``, ``feed``.
    """
    if name is not None:
        extension = os.path.splitext(name)[1].lower()
        if extension in FORMATS:
            return FORMATS[extension]
    return sniff_format(text)


def _read_stream(stream: BinaryIO, max_bytes: int, source: str) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(source, None, max_bytes)
    return data


def _load(path: str, max_bytes: int) -> tuple[str, str, str | None]:
    """Read and decode one input; returns ``(source, text, decoding warning or None)``."""
    if path == STDIN:
        return ("<stdin>", *decode_bytes(_read_stream(sys.stdin.buffer, max_bytes, "<stdin>"),
                                         source="<stdin>"))
    try:
        _refuse_special(path, os.stat(path).st_mode)
        check_size(path, max_bytes=max_bytes)
        with _open_report(path) as handle:
            data = _read_stream(handle, max_bytes, path)
    except OSError as exc:
        raise IngestError(path, exc.strerror or str(exc)) from exc
    return (path, *decode_bytes(data, source=path))


def _parse_single(fmt: str, text: str, source: str, options: RecordOptions) -> Document:
    if fmt == "html":
        return parse_html(text, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet)
    doc = parse_plain(text, source=source, war_starts=options.war_starts,
                      published=options.published, outlet=options.outlet)
    if not doc.text.strip():
        raise DropDocument(source, "no article text (only markup and metadata)")
    return doc


def _parse_json(text: str, source: str, options: RecordOptions,
                on_error: ErrorHandler) -> Iterator[Document]:
    """A JSON file: a Telegram Desktop export when its content says so, else records."""
    try:
        data = load_json(text, source=source)
    except IngestError as err:
        on_error(err)
        return
    if is_telegram_export(data):
        yield from telegram_documents(data, source=source, options=options, on_error=on_error)
    else:
        yield from json_records(data, source=source, options=options, on_error=on_error)


def _parse_records(fmt: str, text: str, source: str, options: RecordOptions,
                   on_error: ErrorHandler) -> Iterator[Document]:
    if fmt == "json":
        return _parse_json(text, source, options, on_error)
    if fmt == "jsonl":
        return parse_jsonl(text, source=source, options=options, on_error=on_error)
    delimiter = "\t" if fmt == "tsv" else ","
    return parse_csv(text, source=source, delimiter=delimiter, options=options,
                     on_error=on_error)


@dataclass
class _Run:
    """One ``iter_documents`` call's settings, and the fetcher its URLs share."""

    options: RecordOptions
    max_bytes: int
    on_error: ErrorHandler
    client: httpx.Client | None = None
    timeout: float = DEFAULT_TIMEOUT
    fetch_links: bool = True
    _fetcher: Fetcher | None = field(default=None, repr=False)

    def fetch(self, url: str) -> Fetched:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.client, timeout=self.timeout)
        return self._fetcher.fetch(url, max_bytes=self.max_bytes)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()


def _decode(fetched: Fetched, source: str) -> str:
    """A fetched body as text: the charset the server names, else as a file would be."""
    if fetched.charset:
        try:
            text = fetched.body.decode(fetched.charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if text.strip():
                return text
    return read_bytes(fetched.body, source=source)


def _fetched_format(fetched: Fetched, text: str) -> str:
    """The format of a fetched body: by media type, else sniffed like a file."""
    media = fetched.content_type
    if media in FEED_TYPES or looks_like_feed(text):
        return "feed"
    if media in _MEDIA_FORMATS:
        return _MEDIA_FORMATS[media]
    if media.endswith("+json"):
        return "json"
    return sniff_format(text)


def _fetched_text(fetched: Fetched, source: str) -> tuple[str, str]:
    """A fetched body's format and decoded text."""
    text = _decode(fetched, source)
    return _fetched_format(fetched, text), text


def _page_of(fmt: str, text: str, fetched: Fetched, source: str) -> tuple[str, Metadata]:
    """The article text and metadata of a fetched page (HTML or plain text).

    Raises:
        IngestError: The body is not a page, or has no article text.
    """
    if fmt == "html":
        body, meta = extract_html(text, source=source)
    elif fmt == "plain":
        body, meta = strip_markup(text)
        if not body.strip():
            raise DropDocument(source, "no article text (only markup and metadata)")
    else:
        raise IngestError(source, f"expected a page, got {'a feed' if fmt == 'feed' else fmt}")
    return body, replace(meta, url=meta.url or fetched.url)


def _load_page(run: _Run) -> Callable[[str], tuple[str, Metadata]]:
    """The page loader feed items use: fetch, decode, extract."""
    def load(url: str) -> tuple[str, Metadata]:
        fetched = run.fetch(url)
        return _page_of(*_fetched_text(fetched, url), fetched, url)

    return load


def _read_feed(data: str | bytes, source: str, run: _Run, *,
               fetched: Fetched | None = None) -> Iterator[Document]:
    try:
        feed = parse_feed(data, source=source, base_url=fetched.url if fetched else None)
    except IngestError as err:
        run.on_error(err)
        return
    loader = _load_page(run) if run.fetch_links else None
    yield from feed_documents(feed, source=source, options=run.options, load_page=loader,
                              on_error=run.on_error)


def _read_url(url: str, run: _Run) -> Iterator[Document]:
    try:
        fetched = run.fetch(url)
        fmt, text = _fetched_text(fetched, url)
        if fmt in ("plain", "html"):
            body, meta = _page_of(fmt, text, fetched, url)
    except IngestError as err:
        run.on_error(err)
        return
    if fmt in ("plain", "html"):
        options = run.options
        yield build_document(body, meta, source=url, war_starts=options.war_starts,
                             published=options.published, outlet=options.outlet)
    elif fmt == "feed":
        yield from _read_feed(text, url, run, fetched=fetched)
    else:
        yield from _parse_records(fmt, text, url, run.options, run.on_error)


def _read_input(path: str, run: _Run) -> Iterator[Document]:
    if is_url(path):
        yield from _read_url(path, run)
        return
    try:
        source, text, warning = _load(path, run.max_bytes)
        fmt = detect_format(None if path == STDIN else path, text)
        if fmt in ("plain", "html"):
            doc = _parse_single(fmt, text, source, run.options)
    except IngestError as err:
        run.on_error(err)
        return
    if fmt in ("plain", "html"):
        docs: Iterable[Document] = [doc]
    elif fmt == "feed":
        docs = _read_feed(text, source, run)
    else:
        docs = _parse_records(fmt, text, source, run.options, run.on_error)
    yield from _warned(docs, warning)


def _warned(docs: Iterable[Document], warning: str | None) -> Iterator[Document]:
    """Each document of an input with the input's decoding warning first."""
    for doc in docs:
        yield doc if warning is None else replace(doc, warnings=(warning, *doc.warnings))


def _repaired(doc: Document) -> Document:
    """``doc`` with lone surrogates (which JSON can escape, but no database stores) replaced by U+FFFD.

    The text keeps its length, so evidence offsets still point into the input; the
    document's id is that of the repaired text, so a rerun finds it.
    """
    changes: dict[str, str] = {}
    count = 0
    for name in ("text", "title", "outlet", "url"):
        value = getattr(doc, name)
        if value:
            fixed, n = replace_surrogates(value)
            if n:
                changes[name] = fixed
                count += n
    if not count:
        return doc
    note = (f"{count} lone surrogate{'s' if count > 1 else ''} (not Unicode text, e.g. a JSON "
            f"\\ud800 escape) replaced by U+FFFD")
    return replace(doc, **changes, doc_id="", warnings=(*doc.warnings, note))


def _walk(root: str, on_error: ErrorHandler) -> Iterator[str]:
    def report(exc: OSError) -> None:
        on_error(IngestError(str(exc.filename or root), exc.strerror or str(exc)))

    for folder, subfolders, names in os.walk(root, onerror=report):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            extension = os.path.splitext(name)[1].lower()
            path = os.path.join(folder, name)
            if name.startswith(".") or extension not in FORMATS:
                continue
            if not _regular(path, on_error):
                continue
            if extension != ".xml" or _is_feed_file(path):  # other XML is not a report
                yield path


def _regular(path: str, on_error: ErrorHandler) -> bool:
    """Whether ``path`` is a regular file; a FIFO, device or socket is reported, never opened."""
    try:
        _refuse_special(path, os.stat(path).st_mode)
    except OSError:
        return True  # reading it reports the error
    except IngestError as err:
        on_error(err)
        return False
    return True


def _is_feed_file(path: str) -> bool:
    try:
        with _open_report(path) as handle:
            return looks_like_feed(handle.read(4000))
    except (OSError, IngestError):
        return True  # reading it again reports the error


def _expand(path: str, on_error: ErrorHandler) -> Iterator[str]:
    if path == STDIN or is_url(path):
        yield path
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        on_error(IngestError(path, exc.strerror or str(exc)))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, on_error)
    elif (kind := _special_kind(mode)) is not None:
        on_error(IngestError(path, f"{kind}, not a report file: not read"))
    else:
        yield path


def _isolated(path: str, run: _Run) -> Iterator[Document]:
    """One input's documents, repaired; a failure nobody foresaw ends this input only, as its error."""
    read = 0
    try:
        for doc in _read_input(path, run):
            read += 1
            yield _repaired(doc)
    except IngestError:              # raised by the caller's own handler: the caller's choice
        raise
    except Exception as exc:  # noqa: BLE001  one input must not end the run
        log.exception("reading %s failed", path)
        after = f" after {read} document{'s' if read != 1 else ''}" if read else ""
        run.on_error(IngestError(path, f"reading stopped{after}: {type(exc).__name__}: {exc}"))


def _option_date(value: str | None) -> str | None:
    if value is None:
        return None
    iso = parse_date(value)
    if iso is None:
        raise ConfigError(f"published date {value!r} is not a date (use YYYY-MM-DD)")
    return iso


def _column_map(columns: Mapping[str, str] | None, text_column: str | None) -> dict[str, str]:
    """The caller's role -> column map, with ``text_column`` as the text role's synonym."""
    named = dict(columns or {})
    unknown = sorted(set(named) - set(COLUMN_ROLES))
    if unknown:
        raise ConfigError(f"unknown column role(s) {', '.join(map(repr, unknown))} "
                          f"(use {', '.join(COLUMN_ROLES)})")
    for role, column in named.items():
        if not isinstance(column, str) or not column.strip():
            raise ConfigError(f"the {role} column must be a non-empty name, not {column!r}")
    if text_column:
        if named.get("text", text_column) != text_column:
            raise ConfigError(f"text column given twice: {text_column!r} and {named['text']!r}")
        named["text"] = text_column
    return named


def _check_date_format(date_format: str | None) -> str | None:
    if date_format is not None and "%" not in date_format:
        raise ConfigError(f"date format {date_format!r} has no strftime directives "
                          "(e.g. %d/%m/%Y)")
    return date_format or None


def iter_documents(paths: Iterable[str | os.PathLike[str]], *, published: str | None = None,
                   outlet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                   on_error: ErrorHandler | None = None, war_starts: WarStarts = (),
                   text_column: str | None = None, columns: Mapping[str, str] | None = None,
                   date_format: str | None = None, client: httpx.Client | None = None,
                   timeout: float = DEFAULT_TIMEOUT,
                   fetch_links: bool = True) -> Iterator[Document]:
    """Read reports from files, directories (recursively), URLs and standard input (``-``).

    Directories are read in sorted order, skipping hidden entries and files whose
    extension is not a report format (``.xml`` files only when they are feeds). The
    format comes from the extension (see ``FORMATS``) or, when unknown, from the
    content; a JSON file holding a Telegram Desktop export is read message by message.
    An ``http(s)://`` input is fetched: a feed gives its items, a page one document.

    Args:
        paths: Files, directories, URLs, or ``-`` for standard input (a single path is
            taken as a list of one).
        published: A date for every document, overriding the files' own dates.
        outlet: An outlet name for every document, overriding the files' own.
        max_bytes: The largest file or response read; bigger ones are dropped.
        on_error: Called with each ``IngestError``; the default raises it.
        war_starts: ``(war terms, start date)`` pairs used to infer a dateline's year.
        text_column: The CSV column or JSON field holding the text (``columns["text"]``).
        columns: The record column or field of each role in ``COLUMN_ROLES`` (``text``,
            ``published``, ``title``, ``url``, ``outlet``); unnamed roles use the
            usual names. A named CSV column missing from a file is an error for it.
        date_format: A strftime format for record dates (``%d/%m/%Y``); dates it does
            not fit are still read, in its day/month order.
        client: The ``httpx.Client`` for URLs and feed items (a new one by default).
        timeout: Seconds to wait to connect and for each read of a response.
        fetch_links: Fetch the pages feed items link to; False uses the items' text.

    Returns:
        An iterator of documents, one per report, record, message or feed item read.

    Raises:
        ConfigError: ``published`` is not a date, ``max_bytes`` is not positive, or
            ``columns``/``date_format`` cannot be used.
    """
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(f"max_bytes must be a positive number of bytes, not {max_bytes!r}")
    named = _column_map(columns, text_column)
    options = RecordOptions(text_field=named.pop("text", None), columns=named,
                            date_format=_check_date_format(date_format), war_starts=war_starts,
                            published=_option_date(published), outlet=outlet or None)
    handler = on_error or raise_error
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else paths
    run = _Run(options=options, max_bytes=max_bytes, on_error=handler, client=client,
               timeout=timeout, fetch_links=fetch_links)

    def documents() -> Iterator[Document]:
        try:
            for given in inputs:
                for path in _expand(os.fspath(given), handler):
                    yield from _isolated(path, run)
        finally:
            run.close()

    return documents()


def read_text(text: str, *, source: str = "<text>", published: str | None = None,
              outlet: str | None = None, war_starts: WarStarts = ()) -> Document:
    """Parse a string as a plain-text or Markdown report.

    Args:
        text: The report.
        source: A name for it.
        published: A date overriding the text's own.
        outlet: An outlet name overriding the text's own.
        war_starts: ``(war terms, start date)`` pairs used to infer a dateline's year.

    Returns:
        The document; ``len(document.text) == len(text)``.

    Raises:
        DropDocument: The text is empty or holds only markup and metadata.
        ConfigError: ``published`` is not a date.
    """
    options = RecordOptions(war_starts=war_starts, published=_option_date(published),
                            outlet=outlet or None)
    if not text.strip():
        raise DropDocument(source, "empty text")
    return _parse_single("plain", text, source, options)
