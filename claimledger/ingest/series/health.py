"""``gaza-moh`` and ``lebanon-moh``: health authorities' daily casualty reports.

Both files are JSON arrays of one report per date, with ``report_date``, a
``report_source`` code naming who issued the report, and running totals. Reports whose
source code is not one of the dataset's issuers (``missing``: a day with no report, whose
figures the dataset fills in) give no claim: nobody claimed them.

Health tolls of one's own side are ``reported``: SCHEMA.md keeps ``acknowledged`` for a
party admitting losses of its fighters or forces, and the project's gold files annotate a
health ministry's toll of its own people as ``reported``.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date as Date, timedelta
from functools import partial
from typing import Any

from .base import Item, RowProblem, SeriesFormat, SeriesOptions, SeriesPoint, Source, count_item, row_date


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthSeries:
    """One dataset's issuers, figures and defaults."""

    #: ``report_source`` code -> (claimant, claimant_party).
    issuers: Mapping[str, tuple[str, str]]
    #: Running-total field -> (category, subject).
    fields: Mapping[str, tuple[str, str]]
    subject_party: str
    start: str


GAZA = HealthSeries(
    issuers={"mohtel": ("Gaza Ministry of Health", "Palestinians"),
             "gmotel": ("Government Media Office", "Palestinians")},
    # The reported totals only: the dataset's ``ext_*`` fields are its own extrapolations
    # over days without a report, which no claimant stated.
    fields={"killed_cum": ("killed", "Palestinians killed"),
            "injured_cum": ("wounded", "Palestinians injured")},
    subject_party="Palestinians", start="2023-10-07")

LEBANON = HealthSeries(
    issuers={"ocha": ("UN OCHA", "UN"), "moph_lb": ("Lebanese Ministry of Public Health", "Lebanon")},
    # ``*_cum_reported`` is the figure as the issuer stated it (since the start of the
    # current phase); ``*_cum`` adds earlier phases together, which nobody stated.
    fields={"killed_cum_reported": ("killed", "people killed in Lebanon"),
            "injured_cum_reported": ("wounded", "people injured in Lebanon")},
    subject_party="Lebanon", start="2023-10-08")


def read_reports(source: Source, options: SeriesOptions, *, series: HealthSeries) -> Iterator[Item]:
    phases = _PhaseStarts(series.start)
    for n, record in source.rows():
        date = row_date(record, "report_date")
        if date is None:
            yield RowProblem(row=n, reason=f"no date in 'report_date' ({record.get('report_date')!r})")
            continue
        issuer = series.issuers.get(str(record.get("report_source", "")))
        if issuer is None:
            continue
        start, note = phases.start_of(record, date)
        yield from _report_items(record, date, n, issuer, series, start, note)


def _report_items(record: Mapping[str, Any], date: str, row: int, issuer: tuple[str, str],
                  series: HealthSeries, start: str, note: str | None) -> Iterator[Item]:
    claimant, party = issuer
    for field, (category, subject) in series.fields.items():
        template = partial(SeriesPoint, date=date, row=row, claimant=claimant, claimant_party=party,
                           modality="reported", category=category, subject=subject,
                           subject_party=series.subject_party, period_start=start, notes=note)
        item = count_item(record.get(field), date=date, row=row, column=field, template=template)
        if item is not None:
            yield item


class _PhaseStarts:
    """The start of each phase of a dataset that restarts its counts (``phase`` field).

    The first phase starts at the dataset's start; a later phase at its first report's
    date less that report's period (``report_period``, in hours): the first report of a
    new phase covers the days since the phase began.
    """

    def __init__(self, first_start: str) -> None:
        self._first_start = first_start
        self._starts: dict[Any, tuple[str, str | None]] = {}

    def start_of(self, record: Mapping[str, Any], date: str) -> tuple[str, str | None]:
        """The record's phase start, and a note when it was inferred."""
        phase = record.get("phase")
        if phase not in self._starts:
            if not self._starts:
                self._starts[phase] = (self._first_start, None)
            else:
                start = _minus_hours(date, record.get("report_period"))
                self._starts[phase] = (start, f"counts restart in phase {phase}; start inferred "
                                              "from the phase's first report")
        return self._starts[phase]


def _minus_hours(date: str, hours: Any) -> str:
    days = -(-hours // 24) if isinstance(hours, int) and hours > 0 else 0
    return (Date.fromisoformat(date) - timedelta(days=days)).isoformat()


def _detect(source: Source, *, phased: bool) -> bool:
    keys = set(source.header)
    return {"report_date", "report_source"} <= keys and ("phase" in keys) == phased


GAZA_FORMAT = SeriesFormat(
    name="gaza-moh",
    summary="Gaza Ministry of Health / Government Media Office daily reports (killed, injured)",
    title="Gaza daily casualty report",
    detect=lambda source, options: _detect(source, phased=False),
    read=partial(read_reports, series=GAZA))

LEBANON_FORMAT = SeriesFormat(
    name="lebanon-moh",
    summary="Lebanon casualties as reported by the Ministry of Public Health or UN OCHA (killed, injured)",
    title="Lebanon casualty report",
    detect=lambda source, options: _detect(source, phased=True),
    read=partial(read_reports, series=LEBANON))
