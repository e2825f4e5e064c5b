"""``oryx``: Oryx's photo-verified equipment losses, as dated running totals.

Reads ``daily_count.csv`` and the series rebuilt from its history (both have ``country``,
``equipment_type``, ``date_recorded``, the four statuses and ``type_total``). Each row is
one claim: ``type_total`` (destroyed + damaged + abandoned + captured, all of which Oryx
counts as losses) with the statuses in the notes. ``country`` is the side that lost the
equipment, taken as the party name as written.

Aircraft, helicopters and drones are ``aircraft_downed`` and everything else
``equipment_destroyed``, so that Oryx's figures meet the General Staff's under the same
categories. Oryx lists only losses it has seen on photo or video: its totals are lower
bounds by design, but stated as exact counts, so the qualifier stays ``exact``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from .base import (Item, RowProblem, SeriesFormat, SeriesOptions, SeriesPoint, Source, count_item,
                   parse_count, row_date, thousands)

CLAIMANT = "Oryx"
# An open-source analysis site publishing in its own voice: an outlet, not a party.
CLAIMANT_PARTY = "media"
START = "2022-02-24"
STATUSES = ("destroyed", "damaged", "abandoned", "captured")
REQUIRED = frozenset({"country", "equipment_type", "date_recorded", "type_total"})
#: Equipment types (as cleaned by ``subject_of``) counted as ``aircraft_downed``.
AIRBORNE = frozenset({"aircraft", "helicopters", "unmanned combat aerial vehicles",
                      "reconnaissance unmanned aerial vehicles"})

# Summary rows carry their figures in the type's name ("Losses excluding ... - 17594, of
# which: ..."): the name is what comes before the figures.
_FIGURES_IN_NAME = re.compile(r"\s+-\s+\d.*$", re.DOTALL)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
#: Type names that say nothing on their own.
_RENAMED = {"all types": "equipment of all types"}


def subject_of(equipment_type: str) -> str:
    """``"Armoured Personnel Carriers"`` -> ``"armoured personnel carriers"`` (acronyms kept)."""
    name = _FIGURES_IN_NAME.sub("", equipment_type.strip())
    subject = _CAPITALISED.sub(lambda m: m.group().lower(), name)
    return _RENAMED.get(subject, subject)


def detect(source: Source, options: SeriesOptions) -> bool:
    return REQUIRED <= set(source.header)


def read(source: Source, options: SeriesOptions) -> Iterator[Item]:
    for n, record in source.rows():
        date = row_date(record, "date_recorded")
        party = str(record.get("country") or "").strip()
        if date is None or not party:
            what = "date in 'date_recorded'" if date is None else "side in 'country'"
            yield RowProblem(row=n, date=date, reason=f"no {what}")
            continue
        subject = subject_of(str(record.get("equipment_type") or ""))
        template = partial(
            SeriesPoint, date=date, row=n, claimant=CLAIMANT, claimant_party=CLAIMANT_PARTY,
            modality="reported", subject=subject, subject_party=party, period_start=START,
            category="aircraft_downed" if subject in AIRBORNE else "equipment_destroyed",
            notes=_statuses(record))
        item = count_item(record.get("type_total"), date=date, row=n, column="type_total", template=template)
        if item is not None:
            yield item


def _statuses(record: Mapping[str, Any]) -> str | None:
    counts = ((status, parse_count(record.get(status))) for status in STATUSES)
    parts = [f"{status} {thousands(value)}" for status, value in counts if value is not None]
    return ", ".join(parts) or None


FORMAT = SeriesFormat(
    name="oryx",
    summary="Oryx's photo-verified equipment losses by side and type (daily_count.csv and its rebuilt history)",
    title="Oryx equipment losses", detect=detect, read=read)
