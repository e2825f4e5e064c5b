"""Record files: JSON (an object or a list of objects), JSONL and CSV/TSV.

Each record becomes one ``Document`` whose ``source`` is ``path#N`` (N the 1-based
record, line or data-row number). A bad record goes to ``on_error`` and the other
records are still read. Record fields: ``text`` (or ``body``, ``content``,
``article``, or a field the caller names), ``title``, ``url``, ``published`` (or
``date``) and ``outlet`` (or ``source``). A record's text is read as plain text or
Markdown, like a ``.txt`` file.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import DropDocument, IngestError
from ..models import Document
from .dates import WarStarts, infer_day_first, parse_record_date
from .metadata import Metadata, build_document
from .text import strip_markup

ErrorHandler = Callable[[IngestError], None]

TEXT_FIELDS = ("text", "Text", "body", "content", "article")
#: The roles a caller may map to a column or field of their own (``columns``).
COLUMN_ROLES = ("text", "published", "title", "url", "outlet")
_FIELDS = {
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date", "Date", "published_at", "publication_date"),
    "outlet": ("outlet", "source", "site_name", "publisher"),
}
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


def raise_error(err: IngestError) -> None:
    """The default error handler: raise the error."""
    raise err


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordOptions:
    """How to read records: the caller's field names, date reading and overrides.

    ``columns`` maps roles (``COLUMN_ROLES`` but ``text``) to field names; the text
    field is ``text_field``. ``day_first`` reads ambiguous numeric dates day first.
    """

    text_field: str | None = None
    war_starts: WarStarts = ()
    published: str | None = None
    outlet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    day_first: bool = True


def _lookup(record: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in record:
            return record[name]
    lower = {str(key).lower(): value for key, value in record.items()}
    return next((lower[n.lower()] for n in names if n.lower() in lower), None)


def _field(record: Mapping[str, Any], role: str, options: RecordOptions) -> Any:
    """The value of a role: the caller's field when named, else the usual names."""
    named = options.columns.get(role)
    return record.get(named) if named else _lookup(record, _FIELDS[role])


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def _record_text(record: Mapping[str, Any], source: str, field: str | None) -> str:
    value = record.get(field) if field else _lookup(record, TEXT_FIELDS)
    if value is None:
        wanted = repr(field) if field else "text, body, content or article"
        raise DropDocument(source, f"record has no text field ({wanted})")
    if not isinstance(value, str):
        raise IngestError(source, f"record text is a {_JSON_TYPES.get(type(value), 'value')}, "
                                  "not a string")
    if not value.strip():
        raise DropDocument(source, "record text is empty")
    return value


def record_document(record: Mapping[str, Any], *, source: str,
                    options: RecordOptions = RecordOptions()) -> Document:
    """Build the document of one record.

    Args:
        record: The record's fields.
        source: Its name, ``path#N``.
        options: The text field, year inference and caller overrides.

    Returns:
        The document; record fields win over metadata found inside the text.

    Raises:
        DropDocument: The record has no text or only an empty one.
        IngestError: The record's text is not a string.
    """
    text, found = strip_markup(_record_text(record, source, options.text_field))
    if not text.strip():
        raise DropDocument(source, "record text holds only markup and metadata")
    warnings: tuple[str, ...] = ()
    raw_date = _string(_field(record, "published", options))
    published = parse_record_date(raw_date, date_format=options.date_format,
                                  day_first=options.day_first) if raw_date else None
    if raw_date and published is None:
        warnings = (f"record date {raw_date!r} is not a recognised date; ignored",)
    meta = Metadata(
        title=_string(_field(record, "title", options)) or found.title,
        outlet=_string(_field(record, "outlet", options)) or found.outlet,
        url=_string(_field(record, "url", options)) or found.url,
        published=published or found.published,
        text_published=found.text_published,
        text_outlet=found.text_outlet,
    )
    return build_document(text, meta, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet,
                          warnings=warnings)


def _one(record: Any, source: str, options: RecordOptions,
         on_error: ErrorHandler) -> Iterator[Document]:
    if not isinstance(record, dict):
        kind = _JSON_TYPES.get(type(record), "value")
        on_error(IngestError(source, f"expected a JSON object, got a JSON {kind}"))
        return
    try:
        doc = record_document(record, source=source, options=options)
    except IngestError as err:
        on_error(err)
        return
    yield doc


def with_date_order(options: RecordOptions, records: Iterable[Any]) -> RecordOptions:
    """``options`` with the day/month order shown by the records' dates.

    A caller's ``date_format`` decides the order by itself; otherwise the file's own
    unambiguous dates do (``infer_day_first``).
    """
    if options.date_format:
        return options
    dates = (_string(_field(r, "published", options)) or "" for r in records
             if isinstance(r, dict))
    return replace(options, day_first=infer_day_first(dates))


def _unreadable_json(exc: ValueError | RecursionError) -> str:
    """Why valid-looking JSON cannot be decoded: nesting too deep, or a number too long."""
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    if "digits" in str(exc):
        return f"JSON holds a number of more than {sys.get_int_max_str_digits()} digits"
    return f"JSON cannot be read ({exc})"


def load_json(raw: str, *, source: str) -> Any:
    """Decode a JSON file.

    Raises:
        IngestError: The file is not valid JSON (names ``source:LINE``), or holds a number
            of thousands of digits or nesting deeper than Python's recursion limit.
    """
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{source}:{exc.lineno}",
                          f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:  # json.loads raises these for what it cannot hold
        raise IngestError(source, _unreadable_json(exc)) from exc


def json_records(data: Any, *, source: str, options: RecordOptions = RecordOptions(),
                 on_error: ErrorHandler = raise_error) -> Iterator[Document]:
    """Read decoded JSON holding one record object or a list of them.

    Args:
        data: The decoded file.
        source: The file's name; records are named ``source#N``.
        options: The record fields, date reading and caller overrides.
        on_error: Called with an ``IngestError`` for the file or for each bad record.

    Yields:
        One document per good record.
    """
    if not isinstance(data, (dict, list)):
        kind = _JSON_TYPES.get(type(data), "value")
        on_error(IngestError(source, f"expected a JSON object or array, got a JSON {kind}"))
        return
    records = data if isinstance(data, list) else [data]
    options = with_date_order(options, records)
    for n, record in enumerate(records, 1):
        yield from _one(record, f"{source}#{n}", options, on_error)


def parse_json(raw: str, *, source: str, options: RecordOptions = RecordOptions(),
               on_error: ErrorHandler = raise_error) -> Iterator[Document]:
    """Read a JSON file holding one record object or a list of them.

    Args:
        raw: The file's text.
        source: The file's name; records are named ``source#N``.
        options: The text field, year inference and caller overrides.
        on_error: Called with an ``IngestError`` for the file or for each bad record.

    Yields:
        One document per good record.
    """
    try:
        data = load_json(raw, source=source)
    except IngestError as err:
        on_error(err)
        return
    yield from json_records(data, source=source, options=options, on_error=on_error)


def parse_jsonl(raw: str, *, source: str, options: RecordOptions = RecordOptions(),
                on_error: ErrorHandler = raise_error) -> Iterator[Document]:
    """Read a JSON Lines file: one record object a line, blank lines ignored.

    Args:
        raw: The file's text.
        source: The file's name; records are named ``source#LINE``.
        options: The text field, year inference and caller overrides.
        on_error: Called with an ``IngestError`` naming ``source:LINE`` for each bad line.

    Yields:
        One document per good line.
    """
    lines: list[tuple[int, Any]] = []  # (line number, record or the line's error)
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            lines.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            lines.append((lineno, IngestError(f"{source}:{lineno}",
                                              f"invalid JSON: {exc.msg} (column {exc.colno})")))
        except (ValueError, RecursionError) as exc:
            lines.append((lineno, IngestError(f"{source}:{lineno}", _unreadable_json(exc))))
    options = with_date_order(options, (record for _, record in lines))
    for lineno, record in lines:
        if isinstance(record, IngestError):
            on_error(record)
        else:
            yield from _one(record, f"{source}#{lineno}", options, on_error)


def _no_column(source: str, wanted: str, header: list[str]) -> IngestError:
    columns = ", ".join(header) or "none"
    return IngestError(source, f"no column named {wanted!r} (columns: {columns})")


def _check_columns(header: list[str], source: str, columns: Mapping[str, str]) -> None:
    for wanted in columns.values():
        if wanted not in header:
            raise _no_column(source, wanted, header)


def _text_column(header: list[str], source: str, wanted: str | None) -> str:
    if wanted:
        if wanted in header:
            return wanted
        raise _no_column(source, wanted, header)
    columns = ", ".join(header) or "none"
    lower = {name.lower(): name for name in header}
    for name in TEXT_FIELDS:
        if name in header or name.lower() in lower:
            return name if name in header else lower[name.lower()]
    raise IngestError(source, f"no text column found (looked for text, body, content, article;"
                              f" columns: {columns}); name one with --text-column")


def _csv_rows(raw: str, source: str, delimiter: str,
              on_error: ErrorHandler) -> Iterator[list[str]]:
    csv.field_size_limit(max(csv.field_size_limit(), len(raw) + 1))
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        on_error(IngestError(f"{source}:{reader.line_num}", f"malformed CSV: {exc}"))


def parse_csv(raw: str, *, source: str, delimiter: str = ",",
              options: RecordOptions = RecordOptions(),
              on_error: ErrorHandler = raise_error) -> Iterator[Document]:
    """Read a CSV or TSV file with a header row; each data row is one record.

    Args:
        raw: The file's text.
        source: The file's name; rows are named ``source#N`` (N counts data rows).
        delimiter: The field separator (``","`` or ``"\\t"``).
        options: The text column (found among ``TEXT_FIELDS`` when not given), the
            other named columns (each must be in the header), date reading and overrides.
        on_error: Called with an ``IngestError`` for the file or for each bad row.

    Yields:
        One document per good row.
    """
    rows = _csv_rows(raw.lstrip("\ufeff"), source, delimiter, on_error)
    header = [name.strip() for name in next(rows, [])]
    try:
        column = _text_column(header, source, options.text_field)
        _check_columns(header, source, options.columns)
    except IngestError as err:
        on_error(err)
        return
    records = [dict(zip(header, row)) for row in rows if any(cell.strip() for cell in row)]
    row_options = with_date_order(replace(options, text_field=column), records)
    for n, record in enumerate(records, 1):
        yield from _one(record, f"{source}#{n}", row_options, on_error)
