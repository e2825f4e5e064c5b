"""The pieces every series mapping shares: points, row problems, options and sources.

A mapping turns the rows of one file into ``SeriesPoint`` records (one figure of one
claimant for one date) or ``RowProblem`` records (a row or cell that cannot be used).
The package's ``read_series`` then applies the caller's options and groups the points
into one auditable document per date.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ConfigError, IngestError
from ...models import CATEGORIES, MODALITIES
from ..dates import parse_date

#: A data row: its 1-based number in the file (header not counted) and its fields.
Row = tuple[int, Mapping[str, Any]]

_SEPARATORS = re.compile(r"(?<=\d)[,_\s\u00a0\u202f'](?=\d{3}(?!\d))")
_INTEGRAL = re.compile(r"[+]?\d+(?:\.0*)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesPoint:
    """One running total of one claimant on one date, before the caller's options apply."""

    date: str
    row: int
    value: int
    claimant: str
    claimant_party: str
    modality: str
    category: str
    subject: str
    subject_party: str
    period_start: str | None
    qualifier: str = "exact"
    location: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RowProblem:
    """A row (or one cell of it) that gives no claim; ``date`` when the row has one."""

    row: int
    reason: str
    date: str | None = None


Item = SeriesPoint | RowProblem


#: What a generic CSV column can hold, and the column read when ``columns`` names none.
COLUMN_ROLES = {"date": "date", "value": "value", "category": "category", "subject": "subject",
                "subject_party": "subject_party"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesOptions:
    """The caller's overrides of a mapping's defaults (None keeps the mapping's value)."""

    claimant: str | None = None
    claimant_party: str | None = None
    subject_party: str | None = None
    category: str | None = None
    modality: str | None = None
    subject: str | None = None
    start: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.category is not None and self.category not in CATEGORIES:
            raise ConfigError(f"category {self.category!r} is not one of {', '.join(CATEGORIES)}")
        if self.modality is not None and self.modality not in MODALITIES:
            raise ConfigError(f"modality {self.modality!r} is not one of {', '.join(MODALITIES)}")
        if self.start is not None and parse_date(self.start) != self.start:
            raise ConfigError(f"start {self.start!r} is not an ISO date (YYYY-MM-DD)")
        unknown = set(self.columns) - set(COLUMN_ROLES)
        if unknown:
            raise ConfigError(f"unknown column role(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(COLUMN_ROLES)}")


@dataclass(slots=True)
class Source:
    """One input file: its header (CSV columns or JSON keys) and a way to walk its rows.

    JSON is loaded whole (the series files are a few MB); CSV rows are streamed from disk
    each time ``rows()`` is called.
    """

    path: Path
    header: tuple[str, ...]
    records: list[Mapping[str, Any]] | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[Row]:
        if self.records is not None:
            yield from enumerate(self.records, start=1)
        else:
            yield from _csv_rows(self.path)


def open_source(path: Path) -> Source:
    """Read a file's header (or its JSON records).

    Raises:
        IngestError: The file is missing, unreadable, not UTF-8, not a JSON array of
            objects, or a CSV without a header row.
    """
    try:
        if path.suffix.lower() == ".json":
            return _json_source(path)
        return Source(path=path, header=_csv_header(path))
    except OSError as exc:
        raise IngestError(str(path), exc.strerror or type(exc).__name__) from exc
    except UnicodeDecodeError as exc:
        raise IngestError(str(path), f"not valid UTF-8 text (offset {exc.start})") from exc


def _json_source(path: Path) -> Source:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise IngestError(str(path), f"not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise IngestError(str(path), "not a JSON array of objects (one object per date)")
    keys: dict[str, None] = {}
    for record in data:
        keys.update(dict.fromkeys(record))
    return Source(path=path, header=tuple(keys), records=data)


def _csv_header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), None)
    if not header:
        raise IngestError(str(path), "empty file (no CSV header row)")
    return tuple(name.strip() for name in header)


def _csv_rows(path: Path) -> Iterator[Row]:
    n = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [name.strip() for name in next(reader, [])]
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    n += 1
                    yield n, dict(zip(header, cells))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        # Only the rows before the fault were read: the file as a whole is unusable.
        raise IngestError(str(path), f"unreadable after data row {n} ({exc})") from exc


def parse_count(value: Any) -> int | None:
    """Read a non-negative whole count from a JSON number or a CSV cell.

    ``"12,345"``, ``"12 345"``, ``"12345.0"`` and ``12345`` give 12345; anything else
    (words, fractions, negatives, booleans) gives None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = _SEPARATORS.sub("", value.strip())
    if not _INTEGRAL.fullmatch(text):
        return None
    return int(text.split(".")[0])


def row_date(record: Mapping[str, Any], column: str) -> str | None:
    """The row's date as ISO, or None when the column is missing or not a date."""
    raw = record.get(column)
    return parse_date(raw) if isinstance(raw, str) else None


def count_item(raw: Any, *, date: str, row: int, column: str,
               template: Callable[..., SeriesPoint]) -> Item | None:
    """A point from one cell, None for an empty cell or a zero, a problem for a non-count.

    Zeros give no claim: a running total of nothing asserts no loss (SCHEMA.md does not
    annotate zero statements either).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = parse_count(raw)
    if value is None:
        return RowProblem(row=row, date=date, reason=f"column {column!r}: {raw!r} is not a count")
    return template(value=value) if value else None


def thousands(n: int) -> str:
    """``6610`` -> ``"6,610"``: how the rendered lines write figures."""
    return f"{n:,}"


def _accept_any(source: Source, options: SeriesOptions) -> None:
    """The default ``SeriesFormat.check``: every file the format detects is usable."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesFormat:
    """One named mapping from a file layout to claims.

    ``detect`` says whether a file has this layout; ``check`` raises a clear error for a
    file (or options) the mapping cannot use, before any row is read; ``read`` turns the
    rows into points and problems.
    """

    name: str
    summary: str
    title: str | None  # documents' title; None: the file's name without extension
    detect: Callable[[Source, SeriesOptions], bool]
    read: Callable[[Source, SeriesOptions], Iterator[Item]]
    check: Callable[[Source, SeriesOptions], None] = _accept_any
