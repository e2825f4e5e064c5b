"""What a claim's figure and period mean once squeezed into event-data columns.

GED, ACLED and HXL columns hold one number and one date window per row; a claim has a qualifier
("at least", "20 to 30"), a modality (a denial is not a count) and a period that may be a running
total. These helpers make those squeezes in one place, the same way for every party.
"""
from __future__ import annotations

from datetime import date

from .rows import Row

#: Qualifiers whose figure is a floor of the claimed count (as written: "more than 60" gives 60).
FLOOR_QUALIFIERS = frozenset({"exact", "about", "at_least", "more_than"})
#: Qualifiers whose figure is a ceiling of the claimed count.
CEILING_QUALIFIERS = frozenset({"up_to", "fewer_than"})
#: ``subject_party`` values that are not a side (SCHEMA.md: a total mixing sides, or unknown).
NO_SIDE = frozenset({"", "unknown"})
#: ``subject_party`` of people the text calls civilians, whatever their side (SCHEMA.md).
CIVILIANS = "civilians"
#: People counted by category (the rest count things or acts).
PERSON_CATEGORIES = frozenset({"killed", "wounded", "casualties", "captured", "missing", "arrested", "displaced"})

_QUALIFIER_WORDS = {"at_least": "at least", "more_than": "more than", "about": "about",
                    "up_to": "up to", "fewer_than": "fewer than"}
_OUTCOME_WORDS = {
    "killed": "killed", "wounded": "wounded", "casualties": "killed or wounded", "captured": "captured",
    "missing": "missing", "arrested": "arrested", "displaced": "displaced",
    "equipment_destroyed": "destroyed", "aircraft_downed": "downed", "materiel_seized": "seized",
    "buildings_destroyed": "destroyed", "attacks": "(attacks)", "projectiles": "(projectiles)",
}


def is_denial(row: Row) -> bool:
    """A denied figure is the figure someone else gave; it must not be counted as a loss."""
    return row["modality"] == "denied"


def is_summable(row: Row) -> bool:
    """Whether the figure may be added to other rows' figures: not a denial, and not a running
    total (it already contains every earlier day's count)."""
    return not is_denial(row) and row["period_kind"] != "cumulative"


def counted_loss(row: Row, category: str) -> int | None:
    """The claim's lower bound when it is a summable claim of ``category`` losses, else None."""
    if row["category"] != category or not is_summable(row):
        return None
    return lower_bound(row)


def lower_bound(row: Row) -> int | None:
    """The smallest count the claim asserts: the figure as written, or a range's low end."""
    if row["qualifier"] in FLOOR_QUALIFIERS:
        return row["value"]
    if row["qualifier"] == "range":
        return row["low"]
    return None


def best_low_high(row: Row) -> tuple[int | None, int | None, int | None]:
    """GED-style (best, low, high); empty where the claim does not give one, all empty for denials.

    A range has no best (its midpoint would be a figure nobody claimed); "about N" has a best
    but no bounds; "at least N" / "more than N" are a floor; "up to N" / "fewer than N" a ceiling.
    """
    if is_denial(row):
        return None, None, None
    value, qualifier = row["value"], row["qualifier"]
    if qualifier == "exact":
        return value, value, value
    if qualifier == "about":
        return value, None, None
    if qualifier in ("at_least", "more_than"):
        return value, value, None
    if qualifier in CEILING_QUALIFIERS:
        return None, None, value
    if qualifier == "range":
        return None, row["low"], row["high"]
    return None, None, None


def claim_window(row: Row) -> tuple[str | None, str | None]:
    """(start, end) ISO dates of what the figure covers.

    The end is the period's end, else the report's date. A single event with no date of its own
    starts on that end too; a running total or a period with no known start keeps an empty start
    (its start is not the report's date).
    """
    end = row["period_end"] or row["published"]
    start = row["period_start"]
    if start is None and row["period_kind"] == "event":
        start = end
    return start, end


def days_between(start: str | None, end: str | None) -> int | None:
    """Days from start to end (0: one day); None when either is unknown or end precedes start.

    Counted exclusively because the extractor dates "the past week" as end minus seven days.
    """
    if start is None or end is None:
        return None
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days
    return days if days >= 0 else None


def year_of(day: str | None) -> int | None:
    """The year of an ISO date."""
    return None if day is None else int(day[:4])


def describe_figure(row: Row) -> str:
    """The figure in words: "at least 24", "20-30", "an unstated number of"."""
    if row["qualifier"] == "range":
        low, high = row["low"], row["high"]
        return f"{'?' if low is None else low}-{'?' if high is None else high}"
    if row["value"] is None:
        return "an unstated number of"
    word = _QUALIFIER_WORDS.get(row["qualifier"] or "", "")
    return f"{word} {row['value']}".strip()


def describe_period(row: Row) -> str:
    """The period in ISO dates: "2024-02-04", "2024-02-04..2024-02-11", "cumulative ..2024-02-12"."""
    start, end = row["period_start"], row["period_end"]
    if start is None and end is None:
        text = f"reported {row['published']}" if row["published"] else "date unknown"
    elif start == end:
        text = str(start)
    else:
        text = f"{start or ''}..{end or ''}"
    return f"cumulative {text}" if row["period_kind"] == "cumulative" else text


def describe_claim(row: Row) -> str:
    """One line: "<claimant>: <figure> <subject> <outcome>, <period>" ("denies:" for denials)."""
    who = row["claimant"] or row["claimant_party"] or "unknown claimant"
    verb = " denies" if is_denial(row) else ""
    outcome = _OUTCOME_WORDS.get(row["category"] or "", f"({row['category'] or 'other'})")
    what = " ".join(part for part in (describe_figure(row), row["subject"], outcome) if part)
    return f"{who}{verb}: {what}, {describe_period(row)}"
