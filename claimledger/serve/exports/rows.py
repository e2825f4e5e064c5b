"""The ledger row every export starts from: its columns, and checking one row before it is written.

The store's ``Ledger.claims()`` returns these rows as plain dicts. Exports check each row here so
that one bad row (a value that is not a number, a date that is not a date) is reported and
skipped instead of stopping the export, and so that every writer can trust the types it gets.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from ...models import CLAIM_FIELDS, Evidence

#: The columns of a ledger row, in the order every export writes them.
LEDGER_COLUMNS: tuple[str, ...] = (
    "claim_id", "document_id", "claim_index", "assertion_id",
    *CLAIM_FIELDS,
    "extractor_version",
    "outlet", "source", "url", "title", "published", "filed_from",
    "relay_count", "outlet_count", "independent_count", "first_seen",
    "review_status",
)
INT_COLUMNS = frozenset({"claim_index", "value", "low", "high", "relay_count", "outlet_count", "independent_count"})
FLOAT_COLUMNS = frozenset({"latitude", "longitude", "confidence"})
DATE_COLUMNS = frozenset({"period_start", "period_end", "published", "first_seen"})

Row = dict[str, Any]
#: Receives one message per skipped row, naming the row and the reason.
ErrorHandler = Callable[[str], None]


def clean_rows(rows: Iterable[object], on_error: ErrorHandler) -> Iterator[Row]:
    """Yield each row checked and typed by :func:`normalize_row`; report and skip the bad ones."""
    for position, row in enumerate(rows, start=1):
        try:
            clean = normalize_row(row)
        except (TypeError, ValueError) as exc:
            on_error(f"row {position}{_claim_label(row)} skipped: {exc}")
            continue
        yield clean


def normalize_row(row: object) -> Row:
    """One ledger row with every column of :data:`LEDGER_COLUMNS`, typed.

    Missing columns become None; other keys are dropped (exports have fixed columns). Integers
    may arrive as integral floats or digit strings, dates as ``date`` objects or ISO strings
    (a timestamp keeps its date), evidence as dicts or :class:`~claimledger.models.Evidence`.

    Raises:
        TypeError, ValueError: the row is not a mapping, or a column (named in the message)
            holds a value of the wrong kind; ``claim_id`` is required.
    """
    if not isinstance(row, Mapping):
        raise TypeError(f"a ledger row must be a mapping, not {type(row).__name__}")
    clean: Row = {}
    for column, plain_types, coerce in _COLUMN_RULES:
        value = row.get(column)
        if type(value) in plain_types:  # the common case, already right: skip the call
            clean[column] = value
            continue
        try:
            clean[column] = coerce(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{column}: {exc}") from None
    if not clean["claim_id"]:
        raise ValueError("claim_id: missing")
    _check_coordinates(clean)
    return clean


def _to_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__} {_show(value)}")


def _to_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if hasattr(value, "__index__"):  # integer types of other libraries (numpy.int64 ...)
        return operator.index(value)
    raise ValueError(f"{_show(value)} is not an integer")


def _to_float(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{_show(value)} is not a number") from None
    if math.isnan(number):
        return None  # a database NULL that came back as NaN
    if math.isinf(number):
        raise ValueError(f"{_show(value)} is not a finite number")
    return number


def _to_date(value: object) -> str | None:
    """An ISO date string (``YYYY-MM-DD``)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            # Python 3.11 also reads "20240204" and "2024-W06-1": write those the usual way.
            return value if len(value) == 10 and value[4] == "-" else day.isoformat()
        try:
            return datetime.fromisoformat(value).date().isoformat()
        except ValueError:
            raise ValueError(f"{_show(value)} is not an ISO date") from None
    raise TypeError(f"expected an ISO date, got {type(value).__name__} {_show(value)}")


def _to_evidence(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"expected a list of spans, got {type(value).__name__}")
    return [_to_span(span) for span in value]


def _to_span(span: object) -> dict[str, Any]:
    if isinstance(span, Evidence):
        return {"text": span.text, "start": span.start, "end": span.end}
    if not isinstance(span, Mapping):
        raise TypeError(f"a span must be a mapping with text, start, end, not {type(span).__name__}")
    text = span.get("text")
    if not isinstance(text, str):
        raise TypeError(f"a span's text must be a string, got {_show(text)}")
    return {"text": text, "start": _to_int(span.get("start")), "end": _to_int(span.get("end"))}


def _check_coordinates(row: Row) -> None:
    lat, lon = row["latitude"], row["longitude"]
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude: {lat} is outside -90..90")
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude: {lon} is outside -180..180")


def _claim_label(row: object) -> str:
    claim_id = row.get("claim_id") if isinstance(row, Mapping) else None
    return f" (claim {claim_id})" if claim_id else ""


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _coercer(column: str) -> Callable[[Any], Any]:
    if column in INT_COLUMNS:
        return _to_int
    if column in FLOAT_COLUMNS:
        return _to_float
    if column in DATE_COLUMNS:
        return _to_date
    return _to_evidence if column == "evidence" else _to_text


def _plain_types(column: str) -> tuple[type, ...]:
    """Types a column's value keeps without a closer look (None, and str / int where that is the type)."""
    if column == "evidence":
        return ()  # None becomes []
    if column in FLOAT_COLUMNS or column in DATE_COLUMNS:
        return (type(None),)  # floats may be NaN, date strings may not be dates
    return (int, type(None)) if column in INT_COLUMNS else (str, type(None))


#: (column, types passed through as they are, coercer for anything else), in ledger order.
_COLUMN_RULES: tuple[tuple[str, tuple[type, ...], Callable[[Any], Any]], ...] = tuple(
    (column, _plain_types(column), _coercer(column)) for column in LEDGER_COLUMNS)


def flatten_row(row: Row, *, offsets: bool = True) -> Row:
    """The row with ``evidence`` replaced by flat columns, for tables and map layers.

    ``evidence_text`` joins the spans' text with `` | ``; ``evidence_start``/``evidence_end``
    (when ``offsets``) are the first span's offsets into the document text.
    """
    flat: Row = {}
    for column, value in row.items():
        if column != "evidence":
            flat[column] = value
            continue
        flat["evidence_text"] = " | ".join(span["text"] for span in value)
        if offsets:
            first = value[0] if value else {}
            flat["evidence_start"] = first.get("start")
            flat["evidence_end"] = first.get("end")
    return flat


def flat_columns(*, offsets: bool = True) -> tuple[str, ...]:
    """The column names :func:`flatten_row` produces, in order."""
    spans = ("evidence_text", "evidence_start", "evidence_end") if offsets else ("evidence_text",)
    return tuple(name for column in LEDGER_COLUMNS
                 for name in (spans if column == "evidence" else (column,)))
