"""Official running totals (reference series) as claims: one auditable document per date.

``read_series`` reads one file in one of the ``SERIES_FORMATS`` (detected from its columns
when not named) and yields an ``ExtractionResult`` per date: a document whose text states
each of that date's figures on a line of its own, and one cumulative claim per line with
that line as evidence. The mappings are described in ``docs/series.md``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ...errors import ConfigError, IngestError
from ...models import ExtractionResult
from . import general_staff, health, oryx, tables
from ..records import raise_error
from .base import Item, RowProblem, SeriesFormat, SeriesOptions, SeriesPoint, Source, open_source, parse_count
from .documents import build_result, render_line

ErrorHandler = Callable[[IngestError], None]

#: Format name -> mapping, in the order auto-detection tries them (the generic one last).
SERIES_FORMATS: dict[str, SeriesFormat] = {f.name: f for f in (
    general_staff.FORMAT, health.GAZA_FORMAT, health.LEBANON_FORMAT, oryx.FORMAT,
    tables.OCHA_FORMAT, tables.CSV_FORMAT)}

#: Option -> the point field it overrides.
_OVERRIDES = {"claimant": "claimant", "claimant_party": "claimant_party", "subject_party": "subject_party",
              "category": "category", "modality": "modality", "subject": "subject", "start": "period_start"}


def read_series(path: str | os.PathLike[str], fmt: str | None = None, *, claimant: str | None = None,
                claimant_party: str | None = None, subject_party: str | None = None,
                category: str | None = None, modality: str | None = None, subject: str | None = None,
                start: str | None = None, columns: Mapping[str, str] | None = None,
                on_error: ErrorHandler | None = None) -> Iterator[ExtractionResult]:
    """Read a reference series file into claims, one result per date.

    The file is opened and its format settled before this returns, so a file that cannot
    be used fails here; rows are read as the results are iterated.

    Args:
        path: A series file (JSON array or CSV with a header row).
        fmt: A name in ``SERIES_FORMATS``; None detects it from the file's columns.
        claimant, claimant_party, subject_party, category, modality, subject: Override the
            mapping's value for every claim (the generic ``csv`` mapping needs them).
        start: The date the running totals count from (``period_start``), YYYY-MM-DD.
        columns: For ``csv``-like mappings, role -> column name (roles: ``date``,
            ``value``, ``category``, ``subject``, ``subject_party``).
        on_error: Called with an ``IngestError`` for each row that gives no claim (not a
            count, no date, dated before the start); the default raises it.

    Returns:
        An iterator of results in date order, one per date with at least one claim.

    Raises:
        IngestError: The file cannot be read, matches no format, lacks a column the
            mapping needs, is one the mapping refuses (the General Staff's corrections
            file), or leaves a field of the generic ``csv`` mapping unset.
        ConfigError: An unknown format or a bad option value.
    """
    options = SeriesOptions(claimant=claimant, claimant_party=claimant_party, subject_party=subject_party,
                            category=category, modality=modality, subject=subject, start=start,
                            columns=dict(columns or {}))
    source = open_source(Path(path))
    series_format = _choose_format(source, fmt, options)
    series_format.check(source, options)
    return _results(source, series_format, options, on_error or raise_error, label=os.fspath(path))


def detect_format(path: str | os.PathLike[str], *, columns: Mapping[str, str] | None = None) -> str:
    """The name of the format ``read_series`` would use for a file.

    Raises:
        IngestError: The file cannot be read or matches no format.
    """
    options = SeriesOptions(columns=dict(columns or {}))
    return _choose_format(open_source(Path(path)), None, options).name


def _choose_format(source: Source, fmt: str | None, options: SeriesOptions) -> SeriesFormat:
    if fmt is not None:
        if fmt not in SERIES_FORMATS:
            raise ConfigError(f"unknown series format {fmt!r}; known: {', '.join(SERIES_FORMATS)}")
        return SERIES_FORMATS[fmt]
    for candidate in SERIES_FORMATS.values():
        if candidate.detect(source, options):
            return candidate
    raise IngestError(str(source.path), "not a known series format; use --format with one of "
                      f"{', '.join(SERIES_FORMATS)} (csv: --date-column and --value-column)")


def _results(source: Source, series_format: SeriesFormat, options: SeriesOptions,
             on_error: ErrorHandler, *, label: str) -> Iterator[ExtractionResult]:
    points: dict[str, list[SeriesPoint]] = {}
    warnings: dict[str, list[str]] = {}
    for item in _with_options(series_format.read(source, options), options):
        if isinstance(item, RowProblem):
            on_error(IngestError(f"{label} row {item.row}", item.reason))
            if item.date is not None:
                warnings.setdefault(item.date, []).append(f"row {item.row}: {item.reason}; skipped")
        else:
            points.setdefault(item.date, []).append(item)
    title = series_format.title or source.path.stem
    for date in sorted(points):
        yield build_result(points[date], source=label, file_name=source.name, title=title,
                           warnings=warnings.get(date, ()))


def _with_options(items: Iterator[Item], options: SeriesOptions) -> Iterator[Item]:
    """Apply the caller's overrides; a point dated before its series' start is a problem."""
    changes = {field: getattr(options, name) for name, field in _OVERRIDES.items()
               if getattr(options, name) is not None}
    for item in items:
        if isinstance(item, SeriesPoint):
            item = replace(item, **changes)
            if item.period_start is not None and item.date < item.period_start:
                item = RowProblem(row=item.row, date=item.date,
                                  reason=f"dated before the series' start {item.period_start} (see --start)")
        yield item


__all__ = ["SERIES_FORMATS", "SeriesFormat", "detect_format", "parse_count", "read_series", "render_line"]
