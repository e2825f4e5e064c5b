"""Read report files, directories and standard input into ``Document`` records.

Every input that cannot be read becomes one ``IngestError`` (or ``DropDocument``)
naming it, handed to ``on_error``; iteration then goes on with the next input.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from ..errors import ConfigError, DropDocument, IngestError
from ..models import Document
from .dates import WarStarts, parse_date
from .html import parse_html
from .records import RecordOptions, parse_csv, parse_json, parse_jsonl, raise_error
from .text import parse_plain

MB = 1024 * 1024
#: Largest file read, in bytes (``--max-bytes``).
DEFAULT_MAX_BYTES = 50 * MB
STDIN = "-"

#: Format of each report extension ("" is a file without one).
FORMATS = {
    "": "plain", ".txt": "plain", ".text": "plain", ".md": "plain", ".markdown": "plain",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
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


def _size(n: int, *, whole: bool = False) -> str:
    if whole and n % MB == 0:
        return f"{n // MB} MB"
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n} bytes"


def _too_big(source: str, size: int | None, max_bytes: int) -> DropDocument:
    what = "input is" if size is None else f"file is {_size(size)},"
    limit = _size(max_bytes, whole=True)
    return DropDocument(source, f"{what} over the {limit} limit (--max-bytes)")


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


def _confident_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding.startswith(("utf_16", "utf_32")):
        return None
    if best.chaos > 0.1 or best.coherence < 0.2:
        return None
    return str(best)


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
    if not data.strip():
        raise DropDocument(source, "empty file")
    text = _decode_bom(data, source)
    if text is None:
        if _is_binary(data):
            raise DropDocument(source, "binary file")
        offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        try:
            text = data[offset:].decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _confident_guess(data)
            if text is None:
                byte, at = data[offset + exc.start], offset + exc.start
                raise IngestError(source, f"not valid UTF-8 text (byte 0x{byte:02x} at offset "
                                          f"{at}) and no other encoding detected") from exc
    if not text.strip():
        raise DropDocument(source, "empty file")
    return text


def sniff_format(text: str) -> str:
    """Guess a report's format from its content: html, json, jsonl or plain."""
    head = text.lstrip()[:2000]
    if _HTML_START.match(head):
        return "html"
    if not head.startswith(("{", "[")):
        return "plain"
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    if head.startswith("{") and len(lines) > 1 and lines[1].startswith("{"):
        try:
            json.loads(lines[0])
        except ValueError:
            return "json"
        return "jsonl"
    return "json"


def detect_format(name: str | None, text: str) -> str:
    """The format of a report: by extension, or by content when the extension is unknown.

    Args:
        name: The file name, or None for standard input.
        text: The decoded content.

    Returns:
        One of ``plain``, ``html``, ``json``, ``jsonl``, ``csv``, ``tsv``.
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


def _load(path: str, max_bytes: int) -> tuple[str, str]:
    """Read and decode one input; returns ``(source, text)``."""
    if path == STDIN:
        return "<stdin>", read_bytes(_read_stream(sys.stdin.buffer, max_bytes, "<stdin>"),
                                     source="<stdin>")
    try:
        check_size(path, max_bytes=max_bytes)
        with open(path, "rb") as handle:
            data = _read_stream(handle, max_bytes, path)
    except OSError as exc:
        raise IngestError(path, exc.strerror or str(exc)) from exc
    return path, read_bytes(data, source=path)


def _parse_single(fmt: str, text: str, source: str, options: RecordOptions) -> Document:
    if fmt == "html":
        return parse_html(text, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet)
    doc = parse_plain(text, source=source, war_starts=options.war_starts,
                      published=options.published, outlet=options.outlet)
    if not doc.text.strip():
        raise DropDocument(source, "no article text (only markup and metadata)")
    return doc


def _parse_records(fmt: str, text: str, source: str, options: RecordOptions,
                   on_error: ErrorHandler) -> Iterator[Document]:
    if fmt == "json":
        return parse_json(text, source=source, options=options, on_error=on_error)
    if fmt == "jsonl":
        return parse_jsonl(text, source=source, options=options, on_error=on_error)
    delimiter = "\t" if fmt == "tsv" else ","
    return parse_csv(text, source=source, delimiter=delimiter, options=options,
                     on_error=on_error)


def _read_input(path: str, options: RecordOptions, max_bytes: int,
                on_error: ErrorHandler) -> Iterator[Document]:
    try:
        source, text = _load(path, max_bytes)
        fmt = detect_format(None if path == STDIN else path, text)
        if fmt in ("plain", "html"):
            doc = _parse_single(fmt, text, source, options)
    except IngestError as err:
        on_error(err)
        return
    if fmt in ("plain", "html"):
        yield doc
    else:
        yield from _parse_records(fmt, text, source, options, on_error)


def _walk(root: str, on_error: ErrorHandler) -> Iterator[str]:
    def report(exc: OSError) -> None:
        on_error(IngestError(str(exc.filename or root), exc.strerror or str(exc)))

    for folder, subfolders, names in os.walk(root, onerror=report):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in FORMATS:
                yield os.path.join(folder, name)


def _expand(path: str, on_error: ErrorHandler) -> Iterator[str]:
    if path == STDIN:
        yield path
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        on_error(IngestError(path, exc.strerror or str(exc)))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, on_error)
    else:
        yield path


def _option_date(value: str | None) -> str | None:
    if value is None:
        return None
    iso = parse_date(value)
    if iso is None:
        raise ConfigError(f"published date {value!r} is not a date (use YYYY-MM-DD)")
    return iso


def iter_documents(paths: Iterable[str | os.PathLike[str]], *, published: str | None = None,
                   outlet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                   on_error: ErrorHandler | None = None, war_starts: WarStarts = (),
                   text_column: str | None = None) -> Iterator[Document]:
    """Read reports from files, directories (recursively) and standard input (``-``).

    Directories are read in sorted order, skipping hidden entries and files whose
    extension is not a report format. The format comes from the extension (see
    ``FORMATS``) or, when unknown, from the content.

    Args:
        paths: Files, directories, or ``-`` for standard input (a single path is
            taken as a list of one).
        published: A date for every document, overriding the files' own dates.
        outlet: An outlet name for every document, overriding the files' own.
        max_bytes: The largest file read; bigger files are dropped unread.
        on_error: Called with each ``IngestError``; the default raises it.
        war_starts: ``(war terms, start date)`` pairs used to infer a dateline's year.
        text_column: The CSV column or JSON field holding the text.

    Returns:
        An iterator of documents, one per report or record that could be read.

    Raises:
        ConfigError: ``published`` is not a date or ``max_bytes`` is not positive.
    """
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(f"max_bytes must be a positive number of bytes, not {max_bytes!r}")
    options = RecordOptions(text_field=text_column, war_starts=war_starts,
                            published=_option_date(published), outlet=outlet or None)
    handler = on_error or raise_error
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else paths

    def documents() -> Iterator[Document]:
        for given in inputs:
            for path in _expand(os.fspath(given), handler):
                yield from _read_input(path, options, max_bytes, handler)

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
