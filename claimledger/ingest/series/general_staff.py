"""``general-staff``: the General Staff of the Armed Forces of Ukraine's daily running totals.

Two JSON layouts, told apart by their keys: the equipment file (``tank``, ``APC``,
``drone``, ...) and the personnel file (``personnel``, its ``personnel*`` marker, ``POW``).
Both are arrays of ``{"date": ..., "day": ..., <column>: <running total>}`` objects.
The claimant and the parties are this dataset's defaults; options override them.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ...errors import IngestError
from .base import Item, RowProblem, SeriesFormat, SeriesOptions, SeriesPoint, Source, count_item, row_date

CLAIMANT = "General Staff of the Armed Forces of Ukraine"
CLAIMANT_PARTY = "Ukraine"
SUBJECT_PARTY = "Russia"
START = "2022-02-24"

#: Column -> (category, subject). Downed aircraft, helicopters, drones and intercepted
#: cruise missiles are all ``aircraft_downed``, as SCHEMA.md defines that category.
COLUMNS: dict[str, tuple[str, str]] = {
    "tank": ("equipment_destroyed", "tanks"),
    "APC": ("equipment_destroyed", "armoured personnel carriers"),
    "field artillery": ("equipment_destroyed", "artillery systems"),
    "MRL": ("equipment_destroyed", "multiple rocket launchers"),
    "military auto": ("equipment_destroyed", "military vehicles"),
    "fuel tank": ("equipment_destroyed", "fuel tanks"),
    "vehicles and fuel tanks": ("equipment_destroyed", "vehicles and fuel tanks"),
    "special equipment": ("equipment_destroyed", "special equipment"),
    "anti-aircraft warfare": ("equipment_destroyed", "air-defence systems"),
    "mobile SRBM system": ("equipment_destroyed", "mobile short-range ballistic missile launchers"),
    "ground robotic systems": ("equipment_destroyed", "ground robotic systems"),
    "naval ship": ("equipment_destroyed", "warships and boats"),
    "submarines": ("equipment_destroyed", "submarines"),
    "aircraft": ("aircraft_downed", "aircraft"),
    "helicopter": ("aircraft_downed", "helicopters"),
    "drone": ("aircraft_downed", "drones"),
    "cruise missiles": ("aircraft_downed", "cruise missiles"),
    # The General Staff's "personnel" figure counts soldiers "liquidated": killed and
    # wounded together, never split, which is what SCHEMA.md calls ``casualties``.
    "personnel": ("casualties", "personnel"),
    "POW": ("captured", "prisoners of war"),
}
#: Columns that carry no figure of their own.
NOT_FIGURES = frozenset({"date", "day", "personnel*", "greatest losses direction"})
#: The personnel file marks its figure "about" (``"personnel*": "about"``) or "more".
QUALIFIER_MARKS = {"about": "about", "more": "more_than"}
#: Columns of the equipment file and of the personnel file: a file with both holds deltas.
_EQUIPMENT_MARKERS = frozenset({"tank", "APC", "aircraft"})


def detect(source: Source, options: SeriesOptions) -> bool:
    return "date" in source.header and bool(set(source.header) & set(COLUMNS))


def check(source: Source, options: SeriesOptions) -> None:
    """Refuse the corrections file: its rows are deltas, already inside the main series.

    Each row of ``*_correction.json`` is the change the General Staff made to its running
    totals on that day, and the main files' totals for that day already include it (the
    day's jump in the main series is the new losses plus the correction). Adding the
    deltas again would count them twice, and a delta is not a running total.
    """
    keys = set(source.header)
    if "correction" in source.path.stem.lower() or ("personnel" in keys and keys & _EQUIPMENT_MARKERS):
        raise IngestError(str(source.path), "holds corrections (day-to-day deltas), not running totals; the "
                          "main equipment and personnel files already include them: import those instead")


def read(source: Source, options: SeriesOptions) -> Iterator[Item]:
    for n, record in source.rows():
        date = row_date(record, "date")
        if date is None:
            yield RowProblem(row=n, reason=f"no date in column 'date' ({record.get('date')!r})")
            continue
        yield from _row_items(record, date, n)


def _row_items(record: Mapping[str, Any], date: str, row: int) -> Iterator[Item]:
    qualifier = QUALIFIER_MARKS.get(str(record.get("personnel*", "")).strip().lower(), "exact")
    for column, raw in record.items():
        if column in NOT_FIGURES:
            continue
        # A column this table does not know yet is a new kind of equipment: the General
        # Staff's tables have only ever grown by equipment types.
        category, subject = COLUMNS.get(column, ("equipment_destroyed", column))
        template = partial(
            SeriesPoint, date=date, row=row, claimant=CLAIMANT, claimant_party=CLAIMANT_PARTY,
            modality="claimed", category=category, subject=subject, subject_party=SUBJECT_PARTY,
            period_start=START, qualifier=qualifier if column == "personnel" else "exact")
        item = count_item(raw, date=date, row=row, column=column, template=template)
        if item is not None:
            yield item

FORMAT = SeriesFormat(
    name="general-staff",
    summary="General Staff of Ukraine: daily running totals of Russian losses (equipment or personnel JSON)",
    title="General Staff daily losses", detect=detect, read=read, check=check)
