"""Exports of the ledger: ledger rows (``Ledger.claims()`` dicts) to files other tools read.

    >>> from claimledger.serve.exports import write_export
    >>> write_export(ledger.iter_claims(), "geojson", "claims.geojson")  # doctest: +SKIP

Every format streams: rows may be a generator of any length, and output goes out in chunks
(Parquet one record batch at a time). Column mappings and the choices behind them: docs/exports.md.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ...errors import ConfigError
from .acled import encode_acled
from .geojson import encode_geojson
from .ged import encode_ged
from .hxl import encode_hxl
from .output import binary_stream, drain_to_path, drain_to_stream
from .rows import LEDGER_COLUMNS, ErrorHandler, Row, clean_rows, normalize_row
from .tabular import encode_csv, encode_jsonl

logger = logging.getLogger(__name__)

Encoder = Callable[[Iterable[Row]], Generator[bytes, None, int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportFormat:
    """One export format: its name, file suffix, media type (for HTTP) and a line of help."""

    name: str
    suffix: str
    media_type: str
    help: str
    encode: Encoder


def _encode_parquet(rows: Iterable[Row]) -> Generator[bytes, None, int]:
    from .parquet import encode_parquet  # pyarrow (~0.2 s to import) only when Parquet is asked for

    return encode_parquet(rows)


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat(name="csv", suffix=".csv", media_type="text/csv; charset=utf-8", encode=encode_csv,
                 help="every ledger column; evidence flattened to text and first-span offsets"),
    ExportFormat(name="jsonl", suffix=".jsonl", media_type="application/x-ndjson", encode=encode_jsonl,
                 help="one JSON object per claim, evidence as a list of spans"),
    ExportFormat(name="parquet", suffix=".parquet", media_type="application/vnd.apache.parquet",
                 encode=_encode_parquet, help="typed columns (dates, nullable integers, evidence structs)"),
    ExportFormat(name="geojson", suffix=".geojson", media_type="application/geo+json", encode=encode_geojson,
                 help="RFC 7946 points for the claims that have coordinates"),
    ExportFormat(name="ucdp", suffix=".ged.csv", media_type="text/csv; charset=utf-8", encode=encode_ged,
                 help="CSV with UCDP GED column names (best/low/high, deaths_*, source_*)"),
    ExportFormat(name="acled", suffix=".acled.csv", media_type="text/csv; charset=utf-8", encode=encode_acled,
                 help="CSV with ACLED column names (event_date, actor1/2, notes, fatalities, tags)"),
    ExportFormat(name="hxl", suffix=".hxl.csv", media_type="text/csv; charset=utf-8", encode=encode_hxl,
                 help="CSV with a second row of HXL hashtags"),
)}
#: The format names :func:`write_export` accepts.
EXPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)


def export_format(fmt: str) -> ExportFormat:
    """The format named ``fmt`` (case-insensitive).

    Raises:
        ConfigError: no such format; the message lists the valid ones.
    """
    found = FORMATS.get(str(fmt).strip().lower())
    if found is None:
        raise ConfigError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    return found


def iter_export(rows: Iterable[object], fmt: str, *,
                on_error: ErrorHandler | None = None) -> Generator[bytes, None, int]:
    """The export as byte chunks (e.g. for an HTTP streaming response).

    Args:
        rows: ledger rows (dicts with :data:`LEDGER_COLUMNS`), any iterable, consumed once.
        fmt: one of :data:`EXPORT_FORMATS`.
        on_error: called with a message for each row that is skipped because it cannot be
            exported (it names the row number, the claim id and the column); by default the
            message is logged as a warning.

    Returns:
        A generator of chunks whose return value is the number of rows written (features for
        GeoJSON, where rows without coordinates are left out).

    Raises:
        ConfigError: ``fmt`` is not a known format (raised at once, before any row is read).
    """
    encoder = export_format(fmt).encode
    return encoder(clean_rows(rows, on_error or _log_skipped))


def write_export(rows: Iterable[object], fmt: str, out: str | os.PathLike[str] | BinaryIO, *,
                 on_error: ErrorHandler | None = None) -> int:
    """Write ledger rows to ``out`` in format ``fmt``, streaming.

    Args:
        rows: ledger rows, e.g. ``ledger.iter_claims()``; a generator is never held in memory.
        fmt: one of :data:`EXPORT_FORMATS`.
        out: a file path (written to a hidden file beside it, then moved into place, so a
            failed export never leaves half a file) or a binary stream such as
            ``sys.stdout.buffer`` (flushed, not closed).
        on_error: see :func:`iter_export`.

    Returns:
        The number of rows written (GeoJSON: features, i.e. rows with coordinates).

    Raises:
        ConfigError: unknown format, or an output that cannot be written.
    """
    chunks = iter_export(rows, fmt, on_error=on_error)
    if isinstance(out, (str, os.PathLike)):
        return drain_to_path(chunks, Path(out))
    return drain_to_stream(chunks, binary_stream(out))


def _log_skipped(message: str) -> None:
    logger.warning("export: %s", message)


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "LEDGER_COLUMNS",
    "ExportFormat",
    "export_format",
    "iter_export",
    "normalize_row",
    "write_export",
]
