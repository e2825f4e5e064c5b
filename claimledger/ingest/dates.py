"""Publication dates: metadata date strings, news datelines and year inference.

``parse_date`` normalises the many shapes of metadata dates to ISO. ``find_dateline``
reads a wire-style dateline ("KYIV, March 4 (Reuters) -") from the top of a report.
``infer_year`` supplies the year a dateline leaves out, but only when the text itself
allows it, and says how it did.
"""
from __future__ import annotations

import calendar
import email.utils
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

#: ``(war term phrases, ISO start date)`` pairs, e.g. ``((["war in Gaza"], "2023-10-07"),)``.
WarStarts = Sequence[tuple[Sequence[str], Any]]

#: How far into the text a dateline may start (characters after the first non-blank one).
DATELINE_WINDOW = 600

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_SUFFIX = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"

_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_MONTH_FIRST = re.compile(
    rf"\b{_WEEKDAY}(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_SUFFIX},?\s+(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}}){_SUFFIX}\s+(?:of\s+)?(?P<month>{MONTH}),?\s+"
    r"(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)

# Day ranges ("March 15-17, 2024", "24-26 May 2024"): the range's first day.
_MONTH_FIRST_RANGE = re.compile(
    rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_SUFFIX}\s*[-–]\s*\d{{1,2}}{_SUFFIX},?\s+"
    r"(?P<year>\d{4})(?!\d)", re.IGNORECASE)
_DAY_FIRST_RANGE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}}){_SUFFIX}\s*[-–]\s*\d{{1,2}}{_SUFFIX}\s+(?P<month>{MONTH}),?\s+"
    r"(?P<year>\d{4})(?!\d)", re.IGNORECASE)

_PARTICLES = "al|el|ad|ed|as|ash|at|az|ar|an|ech|es|de|del|der|di|da|du|la|le|of|on|upon|am|bin|ibn"
_WORD = rf"(?:[A-Z][\w'’.\-]*|(?:{_PARTICLES})(?:[-'’][\w'’.\-]+)?)"
_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>[A-Z][\w'’.\-]*(?:/[A-Z][\w'’.\-]*)*(?:[ \t]{_WORD}){{0,4}}"
    rf"(?:,[ \t]*[A-Z][\w'’.\-]*"
    rf"(?:[ \t]{_WORD}){{0,3}})?),[ \t]+(?P<month>{MONTH})[ \t]+(?P<day>\d{{1,2}}){_SUFFIX}"
    r"(?:,[ \t]*(?P<year>\d{4}))?[ \t]*(?:\((?P<outlet>[^()\n]{1,40})\))?[ \t]*(?:--|[-–—:])",
    re.MULTILINE,
)

_ORDINAL_WORDS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
]
_ORDINAL = rf"(?:\d{{1,4}}(?:st|nd|rd|th)|{'|'.join(_ORDINAL_WORDS)})"
_UNIT = r"(?P<unit>day|week|month|year|anniversary)s?"  # "nears its second anniversary": its second year


@dataclass(frozen=True, slots=True, kw_only=True)
class Dateline:
    """A dateline found at the top of a report; ``start``/``end`` index the text."""

    place: str
    month: int
    day: int
    year: int | None
    outlet: str | None
    start: int
    end: int


def month_number(name: str) -> int:
    """The month number (1-12) of an English month name or abbreviation."""
    return _MONTHS[name.strip(".")[:3].lower()]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_date(s: str) -> date | None:
    if m := _ISO.search(s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.search(s):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        return _valid(year, second, first) or _valid(year, first, second)
    return None


def _named_date(s: str) -> date | None:
    m = _MONTH_FIRST.search(s) or _DAY_FIRST.search(s)
    if m is None:
        return None
    return _valid(int(m["year"]), month_number(m["month"]), int(m["day"]))


def _rfc2822_date(s: str) -> date | None:
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def parse_date(s: str) -> str | None:
    """Normalise a metadata date string to ISO ``YYYY-MM-DD``.

    Understands ISO dates and datetimes (the date as written, no time-zone shift),
    day-first numeric dates (``26/01/2024``, ``15.03.2024 22:01:18 UTC+03:00``; month
    first only when day first is impossible), ``March 4, 2024``, ``4 March 2024``,
    ``Mon, 04 Mar 2024 10:00:00 +0000`` (RFC 2822) and such strings with a label
    around them ("Published on March 2, 2024").

    Args:
        s: The date string.

    Returns:
        The ISO date, or None when no valid date is found.
    """
    if not isinstance(s, str) or not s.strip():
        return None
    for parse in (_numeric_date, _named_date, _rfc2822_date):
        found = parse(s)
        if found is not None:
            return found.isoformat()
    return None


# A record's numeric date at the start of its field, with a four- or two-digit year.
_RECORD_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)")


def _full_year(digits: str) -> int:
    """A two-digit year the way ``strptime``'s ``%y`` reads it (69-99: 1900s, else 2000s)."""
    year = int(digits)
    if len(digits) > 2:
        return year
    return year + (1900 if year >= 69 else 2000)


def format_is_day_first(date_format: str) -> bool | None:
    """Whether a strftime format puts the day before the month (None: it does not say)."""
    day = date_format.find("%d")
    month = min((i for i in (date_format.find(d) for d in ("%m", "%b", "%B")) if i >= 0),
                default=-1)
    if day < 0 or month < 0:
        return None
    return day < month


def infer_day_first(values: Iterable[str]) -> bool:
    """Read a set of numeric dates day first unless they show month first and never day first.

    A value like ``29/02/2024`` shows day first, ``02/29/2024`` month first; ambiguous
    values (``03/04/2024``) show nothing. Day first is the default.

    Args:
        values: The date strings of one file's records.

    Returns:
        True to read ambiguous numeric dates day first.
    """
    day_first = month_first = False
    for value in values:
        m = _RECORD_NUMERIC.match(value.strip()) if isinstance(value, str) else None
        if m is None:
            continue
        first, second = int(m[1]), int(m[2])
        day_first = day_first or first > 12 >= second
        month_first = month_first or second > 12 >= first
    return not (month_first and not day_first)


def parse_record_date(value: str, *, date_format: str | None = None,
                      day_first: bool = True) -> str | None:
    """Normalise a record's date field to ISO ``YYYY-MM-DD``.

    ``date_format`` (a strftime string) is tried first; a value it does not fit is still
    read by the general rules below, in the day/month order the format implies. Numeric
    dates at the start of the field (``29/02/2024``, ``29.02.24 18:31``) are read in the
    given order unless that is impossible; everything else goes to ``parse_date``
    (``2024-02-29 18:31:00``, ``Feb 29, 2024``, RFC 2822 ...).

    Args:
        value: The field's text.
        date_format: A strftime format for the whole field, e.g. ``%d/%m/%Y``.
        day_first: Read ambiguous numeric dates day first.

    Returns:
        The ISO date, or None when no valid date is found.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    if date_format:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            implied = format_is_day_first(date_format)
            day_first = day_first if implied is None else implied
    m = _RECORD_NUMERIC.match(text)
    if m is not None and not _ISO.match(text):
        first, second, year = int(m[1]), int(m[2]), _full_year(m[3])
        month, day = (second, first) if day_first else (first, second)
        found = _valid(year, month, day) or _valid(year, day, month)
        return found.isoformat() if found else None
    return parse_date(text)


def iter_full_dates(text: str) -> Iterator[tuple[date, str]]:
    """Yield every fully dated mention (day, month and year) in ``text``.

    Args:
        text: Any text.

    Yields:
        ``(date, matched text)`` pairs, in no particular order.
    """
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for m in pattern.finditer(text):
            found = _valid(int(m["year"]), month_number(m["month"]), int(m["day"]))
            if found:
                yield found, m[0].strip()
    for m in _ISO.finditer(text):
        if found := _valid(int(m[1]), int(m[2]), int(m[3])):
            yield found, m[0]
    for pattern in (_MONTH_FIRST_RANGE, _DAY_FIRST_RANGE):
        for m in pattern.finditer(text):
            found = _valid(int(m["year"]), month_number(m["month"]), int(m["day"]))
            if found:
                yield found, m[0].strip()


def find_dateline(text: str) -> Dateline | None:
    """Find a wire-style dateline near the top of a report.

    Recognises "Gaza City, November 13 (RHC)--", "KYIV, March 4 (Reuters) -",
    "BEIRUT, Jan. 5 (AP) —" and "KHARTOUM, May 4, 2024 (AFP) -" at the start of a line
    within the first ``DATELINE_WINDOW`` characters of the text.

    Args:
        text: The document text.

    Returns:
        The dateline, or None when there is none.
    """
    first = len(text) - len(text.lstrip())
    limit = first + DATELINE_WINDOW
    for m in _DATELINE.finditer(text, 0, limit + 120):
        if m.start("place") >= limit:
            break
        day, month = int(m["day"]), month_number(m["month"])
        year = int(m["year"]) if m["year"] else None
        if not 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
            continue
        outlet = m["outlet"].strip() if m["outlet"] else None
        return Dateline(place=m["place"].strip(), month=month, day=day, year=year,
                        outlet=outlet or None, start=m.start("place"), end=m.end())
    return None


def _add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _ordinal_value(word: str) -> int:
    word = word.lower()
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS.index(word) + 1
    return int(word[:-2])


def _window(start: date, n: int, unit: str) -> tuple[date, date]:
    """The ``[lo, hi)`` dates of the n-th day/week/month/year counted from ``start``."""
    if unit in ("day", "week"):
        step = timedelta(days=1 if unit == "day" else 7)
        return start + step * (n - 1), start + step * n
    months = 1 if unit == "month" else 12
    return _add_months(start, months * (n - 1)), _add_months(start, months * n)


_SLACK = {"day": 2, "week": 3, "month": 16, "year": 31}


def _year_in_window(month: int, day: int, lo: date, hi: date, unit: str) -> int | None:
    """The year that puts month/day inside ``[lo, hi)`` (or nearest to it, within slack)."""
    best: tuple[int, int] | None = None
    for year in range(lo.year - 1, hi.year + 2):
        when = _valid(year, month, day)
        if when is None:
            continue
        gap = 0 if lo <= when < hi else min(abs((when - lo).days), abs((when - hi).days) + 1)
        if best is None or gap < best[0]:
            best = (gap, year)
    if best is None or best[0] > _SLACK[unit]:
        return None
    return best[1]


def _term_index(war_starts: WarStarts) -> dict[str, date]:
    index: dict[str, date] = {}
    for terms, began in war_starts:
        iso = began.isoformat()[:10] if isinstance(began, date) else parse_date(str(began))
        if iso is None:
            continue
        start = date.fromisoformat(iso)
        for term in terms:
            key = " ".join(str(term).lower().split())
            if key:
                index.setdefault(key, start)
    return index


def _war_patterns(terms: Sequence[str]) -> list[re.Pattern[str]]:
    alternation = "|".join(
        r"\s+".join(map(re.escape, t.split())) for t in sorted(terms, key=len, reverse=True))
    war = rf"(?P<war>{alternation})\b"
    verbs = (r"(?:enters|entered|entering|enter|is\s+(?:now\s+)?in|was\s+(?:now\s+)?in|in|into"
             r"|reaches|reached"
             r"|marks|marked|nears|neared|approaches|approached|now\s+in)")
    owner = r"(?:[\w'’.\-]+['’]s\s+)?"
    return [
        re.compile(rf"\b{war}\s+{verbs}\s+(?:its|the)\s+(?P<n>{_ORDINAL})\s+{_UNIT}\b",
                   re.IGNORECASE),
        re.compile(rf"\b(?P<n>{_ORDINAL})\s+{_UNIT}\s+(?:since\s+the\s+start\s+)?of\s+"
                   rf"(?:the\s+|this\s+)?{owner}{war}", re.IGNORECASE),
        re.compile(rf"\b(?P<unit>day|week|month|year)\s+(?P<n>\d{{1,4}})\s+of\s+"
                   rf"(?:the\s+|this\s+)?{owner}{war}", re.IGNORECASE),
    ]


#: Words for "the war" that a text may date itself ("since the war began in April 2023").
_GENERIC_WARS = ("war", "conflict")
_TEXT_START = re.compile(
    r"\b(?:war|conflict|fighting|hostilities)\s+(?:that\s+|which\s+)?(?:began|broke\s+out|started|erupted)"
    r"\s+(?:in|on)\s+", re.IGNORECASE)


def text_war_start(text: str) -> tuple[date, str] | None:
    """The start of "the war" when the text gives one ("the war began in April 2023").

    A full date gives that day, a month and year the 1st of the month. Texts giving
    two different starts give none.

    Args:
        text: The document text.

    Returns:
        ``(start, phrase)``, or None.
    """
    starts: dict[date, str] = {}
    for m in _TEXT_START.finditer(text):
        after = text[m.end():m.end() + 40]
        if (full := _MONTH_FIRST.match(after) or _DAY_FIRST.match(after)) and (
                found := _valid(int(full["year"]), month_number(full["month"]), int(full["day"]))):
            starts.setdefault(found, m[0] + full[0])
        elif month_year := _MONTH_YEAR.match(after):
            found = date(int(month_year["year"]), month_number(month_year["month"]), 1)
            starts.setdefault(found, m[0] + month_year[0])
    if len(starts) != 1:
        return None
    return next(iter(starts.items()))


def _infer_from_war(text: str, month: int, day: int,
                    war_starts: WarStarts) -> tuple[int, str] | None:
    index = _term_index(war_starts)
    anchored = text_war_start(text)
    if anchored is not None:
        start, phrase = anchored
        found = _infer_from_war_age(text, month, day, dict.fromkeys(_GENERIC_WARS, start))
        if found is not None:
            year, note = found
            return year, note.replace(";", f" per \"{' '.join(phrase.split())}\";", 1)
    if not index:
        return None
    return _infer_from_war_age(text, month, day, index)


def _infer_from_war_age(text: str, month: int, day: int,
                        index: dict[str, date]) -> tuple[int, str] | None:
    for pattern in _war_patterns(list(index)):
        for m in pattern.finditer(text):
            n = int(m["n"]) if m["n"].isdigit() else _ordinal_value(m["n"])
            unit = m["unit"].lower().replace("anniversary", "year")
            start = index[" ".join(m["war"].lower().split())]
            if n < 1:
                continue
            lo, hi = _window(start, n, unit)
            year = _year_in_window(month, day, lo, hi, unit)
            if year is not None:
                last = hi - timedelta(days=1)
                phrase = " ".join(m[0].split())
                return year, (f"year {year} inferred from \"{phrase}\" (began {start.isoformat()};"
                              f" {unit} {n} runs {lo.isoformat()} to {last.isoformat()})")
    return None


# A month and year with no day ("in October 2023"), and a bare year ("since 2014").
_MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH}),?\s+(?:of\s+)?(?P<year>(?:19|20)\d{{2}})(?!\d)",
                         re.IGNORECASE)
_BARE_YEAR = re.compile(
    r"(?:(?<=mid-)|(?<![\w.,/-]))(?P<year>(?:19|20)\d{2})(?![\w-]|[.,/]\d)", re.IGNORECASE)
# A full date written before a month-year match: "4 October 2023" is not "October 2023".
_DAY_BEFORE = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?\Z", re.IGNORECASE)
# Words that introduce a past or present point in time, right before the month-year/year.
_INTRODUCER = re.compile(
    r"\b(?P<intro>(?:since|in|on|from|after|during|throughout|began|begun|started|launched"
    r"|as\s+of)\s+(?:(?P<part>early|late|mid)\s+|(?P<mid>mid-)|the\s+(?P<of>start|beginning|end"
    r"|middle|course|first\s+half|second\s+half|spring|summer|autumn|fall|winter)\s+of\s+)?)\Z",
    re.IGNORECASE)
#: The earliest month a part of a year can mean ("mid-2023": May at the earliest).
_PART_MONTH = {"early": 1, "start": 1, "beginning": 1, "course": 1, "first half": 1, "winter": 1,
               "spring": 3, "mid": 5, "middle": 5, "summer": 5, "second half": 7, "late": 9,
               "autumn": 9, "fall": 9, "end": 10}
# A clause that puts the mention in the future ("elections due in 2026").
_FUTURE = re.compile(
    r"\b(?:will|won't|would|shall|due(?!\s+to\s+(?:the|an?|its|their|his|her|this|that|these"
    r"|those|[a-z]+ing)\b)|expected|expects?|scheduled|planned|plans?|planning"
    r"|set\s+to|slated|aims?|aiming|intends?|hopes?|hoping|next|upcoming|forecast|projected"
    r"|targets?|deadline|ahead|going\s+to)\b|['’]ll\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;!?\n]\s|\n")
_LOOK_BACK = 80
#: Lowercase words that may follow a bare year without making it a count ("in 2024 alone").
_AFTER_YEAR = frozenset({"as", "was", "has", "is", "this", "its", "his", "us", "alas"})


def _clause_before(text: str, start: int) -> str:
    """The text of the clause (same sentence and line) before ``start``."""
    before = text[max(0, start - _LOOK_BACK):start]
    ends = list(_CLAUSE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _is_future(text: str, start: int) -> bool:
    return _FUTURE.search(_clause_before(text, start)) is not None


def _is_count(text: str, end: int) -> bool:
    """True when a bare 'year' is followed by a plural noun ("in 2000 attacks")."""
    m = re.match(r"[ \t]+([a-z]+)\b", text[end:end + 40])
    return m is not None and m[1].endswith("s") and m[1] not in _AFTER_YEAR


def lower_bounds(text: str, today: date | None = None) -> list[tuple[date, str, str]]:
    """Dates the report cannot be older than, from mentions of past dates in ``text``.

    Full dates ("since Oct. 7, 2023", "March 15-17, 2024": the first day) count unless
    their clause speaks of the future ("talks scheduled for March 15, 2024"); a month
    and year ("the war that began in October 2023": the 1st of the month) and a bare
    year ("since the start of 2024", "so far in 2024": 1 January) count only when
    introduced by since/in/on/from/after/during/began/started and not in a future clause
    ("elections due in 2026"). Bounds after ``today`` are left out.

    Args:
        text: The document text.
        today: The latest plausible date; defaults to the current date.

    Returns:
        ``(bound, phrase, kind)`` triples, kind ``full``, ``month`` or ``year``.
    """
    today = today or date.today()
    bounds: list[tuple[date, str, str]] = []
    full_spans: list[tuple[int, int]] = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST, _MONTH_FIRST_RANGE, _DAY_FIRST_RANGE):
        for m in pattern.finditer(text):
            full_spans.append(m.span())
            found = _valid(int(m["year"]), month_number(m["month"]), int(m["day"]))
            if found and not _is_future(text, m.start()):
                bounds.append((found, m[0].strip(), "full"))
    for m in _ISO.finditer(text):
        full_spans.append(m.span())
        found = _valid(int(m[1]), int(m[2]), int(m[3]))
        if found and not _is_future(text, m.start()):
            bounds.append((found, m[0], "full"))

    def in_full(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in full_spans)

    month_spans: list[tuple[int, int]] = []
    for m in _MONTH_YEAR.finditer(text):
        if in_full(*m.span()) or _DAY_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        month_spans.append(m.span())
        intro = _INTRODUCER.search(text[max(0, m.start() - 60):m.start()])
        if intro and not _is_future(text, m.start() - len(intro[0])):
            found = date(int(m["year"]), month_number(m["month"]), 1)
            bounds.append((found, intro[0] + m[0], "month"))
    for m in _BARE_YEAR.finditer(text):
        if in_full(*m.span()) or any(s <= m.start() < e for s, e in month_spans):
            continue
        intro = _INTRODUCER.search(text[max(0, m.start() - 60):m.start()])
        if (intro and not _is_future(text, m.start() - len(intro[0]))
                and not _is_count(text, m.end())):
            part = " ".join((intro["part"] or intro["mid"] or intro["of"] or "").lower()
                            .strip("-").split())
            found = date(int(m["year"]), _PART_MONTH.get(part, 1), 1)
            bounds.append((found, intro[0] + m[0], "year"))
    return [bound for bound in bounds if bound[0] <= today]


def _infer_from_mentions(text: str, month: int, day: int,
                         today: date | None = None) -> tuple[int, str] | None:
    bounds = lower_bounds(text, today)
    if not bounds:
        return None
    latest, phrase, kind = max(bounds, key=lambda b: (b[0], b[2] == "full"))
    phrase = " ".join(phrase.split())
    for year in range(latest.year, latest.year + 2):
        when = _valid(year, month, day)
        if when is None or when < latest:
            continue
        if kind == "full":
            return year, (f"year {year} inferred from the latest full date in the text, "
                          f"\"{phrase}\" ({latest.isoformat()}): the report is not older")
        what = "month" if kind == "month" else "year"
        return year, (f"year {year} inferred from \"{phrase}\" in the text (a past {what}, "
                      f"from {latest.isoformat()}): the report is not older")
    return None


def infer_year(text: str, month: int, day: int, *, war_starts: WarStarts = (),
               today: date | None = None) -> tuple[int | None, str | None]:
    """Infer the year of a month/day (from a dateline) when the text allows it.

    Two rules, in order: (a) a war-age phrase such as "as the war in Gaza enters its
    14th month", "on the 300th day of the war" or "in the third year of the full-scale
    invasion", whose war term is one of ``war_starts`` (or "the war"/"the conflict" when
    the text itself says when the war began: "since the war began in April 2023"), gives
    a window of dates and the year that puts month/day inside it; (b) otherwise the
    latest past date the text mentions (see ``lower_bounds``: "since Oct. 7, 2023", "the
    war that began in October 2023", "since the start of 2024"; not "elections due in
    2026") bounds the report date from below, giving the smallest year on or after it.
    An inferred date after ``today`` is rejected; with no evidence the year stays unknown.

    Args:
        text: The document text.
        month: The dateline month (1-12).
        day: The dateline day of the month.
        war_starts: ``(war term phrases, ISO start date)`` pairs, from the party registry.
        today: The latest plausible date; defaults to the current date.

    Returns:
        ``(year, note)`` where the note says how the year was inferred, or
        ``(None, None)`` when the text does not allow it.
    """
    today = today or date.today()
    for found in (_infer_from_war(text, month, day, war_starts),
                  _infer_from_mentions(text, month, day, today)):
        if found is not None and date(found[0], month, day) <= today:
            return found
    return None, None


def default_war_starts(path: str | Path | None = None) -> list[tuple[tuple[str, ...], str]]:
    """Load ``war_starts`` pairs from the party registry (``extract/data/parties.yaml``).

    Reads ``conflicts: [{id, sides, began, war_terms: [...]}]``. A missing or unreadable
    registry, or entries without ``began`` or ``war_terms``, give no pairs.

    Args:
        path: The registry file; defaults to the packaged ``parties.yaml``.

    Returns:
        A list of ``(war terms, ISO start date)`` pairs for ``infer_year``.
    """
    import yaml

    registry = Path(path) if path else Path(__file__).parent.parent / "extract/data/parties.yaml"
    try:
        data = yaml.load(registry.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    conflicts = data.get("conflicts") if isinstance(data, dict) else None
    pairs: list[tuple[tuple[str, ...], str]] = []
    for entry in conflicts if isinstance(conflicts, list) else []:
        if not isinstance(entry, dict):
            continue
        terms, began = entry.get("war_terms"), parse_date(str(entry.get("began", "")))
        if isinstance(terms, list) and terms and began:
            pairs.append((tuple(str(t) for t in terms), began))
    return pairs
