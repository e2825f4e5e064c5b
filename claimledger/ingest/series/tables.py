"""``csv`` and ``ocha-soldiers``: a date column and a running-total column.

The generic ``csv`` mapping reads ``date`` and ``value`` columns (other names through
``columns``) and, per row when present, ``category``, ``subject`` and ``subject_party``;
whatever the rows do not give comes from the options. ``ocha-soldiers`` is the same
reader with a named dataset's defaults.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ...errors import IngestError
from ...models import CATEGORIES
from .base import (COLUMN_ROLES, Item, RowProblem, SeriesFormat, SeriesOptions, SeriesPoint, Source,
                   count_item, row_date)

#: Fields a row may give; the others come from the options or the mapping's defaults.
ROW_FIELDS = ("category", "subject", "subject_party")


@dataclass(frozen=True, slots=True, kw_only=True)
class TableDefaults:
    """A mapping's defaults for what the rows do not give (None: the caller must say)."""

    columns: Mapping[str, str] = field(default_factory=dict)
    claimant: str | None = None
    claimant_party: str | None = None
    modality: str = "reported"
    category: str | None = None
    subject: str | None = None
    subject_party: str | None = None
    start: str | None = None
    location: str | None = None


GENERIC = TableDefaults()

# UN OCHA's flash updates relay the Israeli military's count of its soldiers killed in
# Gaza: the military acknowledging its own losses, with OCHA as the relay.
OCHA_SOLDIERS = TableDefaults(
    columns={"value": "killed_soldiers_gaza"}, claimant="Israeli military (via UN OCHA)",
    claimant_party="Israel", modality="acknowledged", category="killed",
    subject="Israeli soldiers killed in Gaza", subject_party="Israel", start="2023-10-07",
    location="Gaza Strip")


def columns_of(options: SeriesOptions, defaults: TableDefaults) -> dict[str, str]:
    """Role -> column name: the options' names over the mapping's over the roles' own."""
    return {**COLUMN_ROLES, **defaults.columns, **options.columns}


def _setting(name: str, options: SeriesOptions, defaults: TableDefaults) -> Any:
    value = getattr(options, name)
    return value if value is not None else getattr(defaults, name)


def check(source: Source, options: SeriesOptions, *, defaults: TableDefaults) -> None:
    """Fail early on a missing date or value column, or a field nobody gives."""
    columns = columns_of(options, defaults)
    for role, hint in (("date", "--date-column"), ("value", "--value-column")):
        if columns[role] not in source.header:
            raise IngestError(str(source.path), f"no {role} column {columns[role]!r} (columns: "
                              f"{', '.join(source.header)}); name it with {hint}")
    missing = [name for name in ("claimant", "claimant_party", "category", "subject_party")
               if _setting(name, options, defaults) is None
               and (name not in ROW_FIELDS or columns[name] not in source.header)]
    if missing:
        flags = ", ".join("--party" if m == "claimant_party" else f"--{m.replace('_', '-')}" for m in missing)
        raise IngestError(str(source.path), f"the {', '.join(missing)} of these figures must be given ({flags})")


def read(source: Source, options: SeriesOptions, *, defaults: TableDefaults) -> Iterator[Item]:
    columns = columns_of(options, defaults)
    for n, record in source.rows():
        date = row_date(record, columns["date"])
        if date is None:
            yield RowProblem(row=n, reason=f"no date in column {columns['date']!r} "
                                           f"({record.get(columns['date'])!r})")
            continue
        fields = _row_fields(record, columns, options, defaults)
        if isinstance(fields, str):
            yield RowProblem(row=n, date=date, reason=fields)
            continue
        template = partial(SeriesPoint, date=date, row=n, claimant=_setting("claimant", options, defaults),
                           claimant_party=_setting("claimant_party", options, defaults),
                           modality=_setting("modality", options, defaults),
                           period_start=_setting("start", options, defaults), location=defaults.location,
                           **fields)
        item = count_item(record.get(columns["value"]), date=date, row=n, column=columns["value"],
                          template=template)
        if item is not None:
            yield item


def _row_fields(record: Mapping[str, Any], columns: Mapping[str, str], options: SeriesOptions,
                defaults: TableDefaults) -> dict[str, str] | str:
    """The row's category, subject and subject party, or why the row cannot be used."""
    found: dict[str, str] = {}
    for name in ROW_FIELDS:
        option = getattr(options, name)
        cell = str(record.get(columns[name]) or "").strip()
        value = option if option is not None else cell or getattr(defaults, name)
        if name == "subject" and not value:
            value = columns["value"].replace("_", " ")
        if not value:
            return f"no {name} in column {columns[name]!r} and none given"
        found[name] = value
    if found["category"] not in CATEGORIES:
        return f"category {found['category']!r} is not one of {', '.join(CATEGORIES)}"
    return found


def _detect(source: Source, options: SeriesOptions, *, defaults: TableDefaults) -> bool:
    columns = columns_of(options, defaults)
    return {columns["date"], columns["value"]} <= set(source.header)


def table_format(name: str, summary: str, title: str | None, defaults: TableDefaults) -> SeriesFormat:
    return SeriesFormat(name=name, summary=summary, title=title,
                        detect=partial(_detect, defaults=defaults), read=partial(read, defaults=defaults),
                        check=partial(check, defaults=defaults))


CSV_FORMAT = table_format(
    "csv", "any CSV with a date and a running-total column; the rest per row or from options",
    None, GENERIC)
OCHA_FORMAT = table_format(
    "ocha-soldiers", "Israeli soldiers killed in Gaza, as relayed by UN OCHA (date, killed_soldiers_gaza)",
    "Israeli soldiers killed in Gaza (UN OCHA)", OCHA_SOLDIERS)
