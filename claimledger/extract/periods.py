"""Time expressions of a claim, resolved against the date of the statement.

A claim is for an ``event`` (one incident or day), a ``period`` (a bounded window) or is
``cumulative`` (a running total since a date). Dates are resolved only when the text and the
anchor (the statement's date, else the document's) allow it; otherwise they stay None.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .numbers import words_to_int

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?:%s)\b\.?" % "|".join(sorted(_MONTHS, key=len, reverse=True))  # "Mar" is March, "martyrs" is not
_WEEKDAYS = [d.lower() for d in calendar.day_name]
_WD = r"(?:%s)" % "|".join(_WEEKDAYS)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d\d"
_N = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-eight|several|few)"
_UNIT = r"(?:hours?|days?|weeks?|months?|years?)"
_DATE = rf"(?:{_MON}\s+{_DAY}(?:\s*,?\s*{_YEAR})?|{_DAY}\s+(?:of\s+)?{_MON}(?:\s*,?\s*{_YEAR})?)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(rx, re.I)) for name, rx in [
    ("since_date", rf"\bsince\s+(?:the\s+)?(?P<d>{_DATE}|{_MON}\s+{_YEAR}|{_YEAR}\b|{_MON}\b)"),
    ("since_event", r"\bsince\s+(?P<e>[^.;:,]{3,70}(?:,\s*(?:19|20)\d\d\b)?)"),
    ("as_of", rf"\bas\s+of\s+(?:(?P<late>(?:late|the\s+end\s+of)\s+last\s+month)|(?P<d>{_DATE}))"),
    ("between_full", rf"\bbetween\s+(?P<a>{_DATE})\s+(?:and|to|-|–)\s+(?P<b>{_DATE})"),
    ("between_days", rf"\b(?:between|from)\s+(?:the\s+\w+\s+of\s+)?(?P<d1>{_DAY})\s*(?:and|to|-|–)\s*(?P<d2>{_DAY})\s+(?P<m>{_MON})(?:\s*,?\s*(?P<y>{_YEAR}))?"),
    ("first_months", rf"\b(?:in|during|over)\s+the\s+first\s+(?P<n>{_N})\s+months\s+of\s+(?:(?P<y>{_YEAR})|this\s+year|the\s+year)"),
    ("course_of", rf"\b(?:over|during|in)\s+the\s+course\s+of\s+(?P<n>{_N})\s+(?P<u>{_UNIT})\b"),
    ("between_dates", rf"\bbetween\s+(?P<m>{_MON})\s+(?P<d1>{_DAY})\s*(?:-|–|and|to)\s*(?:(?P<m2>{_MON})\s+)?(?P<d2>{_DAY})(?:\s*,?\s*(?P<y>{_YEAR}))?"),
    ("from_to_dates", rf"\bfrom\s+(?P<m>{_MON})\s+(?P<d1>{_DAY})\s+(?:to|until|through)\s+(?:(?P<m2>{_MON})\s+)?(?P<d2>{_DAY})(?:\s*,?\s*(?P<y>{_YEAR}))?"),
    ("same_period", r"\b(?:over|during|in|for|within)\s+the\s+same\s+(?:period|time|timeframe|time\s+frame|week|day|month|span)\b"),
    ("the_week", r"\b(?:during|over|in|throughout)\s+the\s+(?:past\s+)?week\b|\bthis\s+past\s+week\b|\bweekly\b"),
    ("past_n", rf"\b(?:over|in|during|within|for)\s+the\s+(?:past|last|previous|preceding)\s+(?P<n>{_N}\s+)?(?P<u>{_UNIT})\b"),
    ("in_n", rf"\b(?:in|within|over)\s+(?:just|only|barely|less\s+than|the\s+span\s+of)?\s*(?P<n>{_N})\s+(?P<u>{_UNIT})\b"),
    ("recent", rf"\b(?:in|over)\s+(?:recent|the\s+past\s+few|the\s+last\s+few)\s+(?P<u>{_UNIT})\b"),
    ("today", r"\b(?:earlier\s+today|today|this\s+morning|this\s+afternoon|this\s+evening|tonight|earlier\s+in\s+the\s+day|later\s+in\s+the\s+day|overnight|last\s+night|during\s+the\s+night|in\s+the\s+past\s+day|over\s+the\s+past\s+day|on\s+the\s+same\s+day|a\s+short\s+while\s+ago|within\s+the\s+last\s+day)\b"),
    ("yesterday", r"\b(?:yesterday|the\s+day\s+before)\b"),
    ("this_week", r"\b(?:earlier|later)\s+this\s+week\b|\bthis\s+week\b"),
    ("last_week", r"\blast\s+week\b"),
    ("last_month", r"\blast\s+month\b"),
    ("this_month", r"\bthis\s+month\b|\bso\s+far\s+this\s+month\b"),
    ("this_year", r"\b(?:so\s+far\s+)?this\s+year\b"),
    ("last_year", r"\blast\s+year\b"),
    ("in_year", rf"\b(?:in|during|throughout)\s+(?P<y>{_YEAR})\b"),
    ("in_month", rf"\b(?:in|during|throughout)\s+(?:early\s+|late\s+|mid-)?(?P<m>{_MON})(?:\s+(?P<y>{_YEAR}))?(?!\s*\d)"),
    ("weekday", rf"\b(?:on\s+|last\s+|early\s+|late\s+)?(?P<w>{_WD})(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ("on_date", rf"\b(?:on\s+)?(?P<d>{_DATE})"),
    ("so_far", r"\b(?:so\s+far|to\s+date|thus\s+far|in\s+total|in\s+all|up\s+to\s+now|until\s+now|since\s+then|since\s+that\s+time|total|running\s+total|death\s+toll|overall\s+toll|cumulative)\b"),
]]
_UNITS = {"hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"}
# Words one of which each pattern cannot match without: a sentence that has none of a pattern's
# words skips it (one pass over the words instead of 27 regex scans of every sentence)
_ANCHORS: dict[str, frozenset[str]] = {name: frozenset(words) for name, words in {
    "since_date": {"since"}, "since_event": {"since"}, "as_of": {"as"},
    "between_full": {"between"}, "between_days": {"between", "from"}, "first_months": {"months"},
    "course_of": _UNITS, "between_dates": {"between"}, "from_to_dates": {"from"}, "same_period": {"same"},
    "the_week": {"week", "weekly"}, "past_n": _UNITS, "in_n": _UNITS, "recent": _UNITS,
    "today": {"today", "morning", "afternoon", "evening", "tonight", "day", "overnight", "night", "while"},
    "yesterday": {"yesterday", "day"}, "this_week": {"week"}, "last_week": {"week"}, "last_month": {"month"},
    "this_month": {"month"}, "this_year": {"year"}, "last_year": {"year"}, "in_year": {"in", "during", "throughout"},
    "in_month": set(_MONTHS), "weekday": set(_WEEKDAYS), "on_date": set(_MONTHS),
    "so_far": {"far", "date", "total", "all", "now", "then", "time", "toll", "cumulative"},
}.items()}
_WORDS = re.compile(r"[a-z]+")
_STATEMENT_BEFORE = re.compile(
    r"(?:said|says|announced|stated|reported|added|claimed|acknowledged|admitted|confirmed|denied|"
    r"statement|update|report|briefing|post|message|announcement|told\s+\w+)\s+(?:\w+\s+){0,2}?"
    r"(?:late\s+|early\s+)?$", re.I)


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A resolved time expression; ``statement`` marks the date of a statement, not of a claim."""

    start: int
    end: int
    kind: str
    period_start: date | None
    period_end: date | None
    statement: bool = False
    text: str = ""


@lru_cache(maxsize=8192)
def _find_times(sentence: str, anchor: date | None, war_start: date | None,
                events: tuple[tuple[tuple[str, ...], str], ...]) -> tuple[TimeRef, ...]:
    return tuple(_scan(sentence, anchor, war_start, events))


def find_times(sentence: str, anchor: date | None, *, war_start: date | None = None,
               events: tuple[tuple[tuple[str, ...], str], ...] = ()) -> list[TimeRef]:
    """Time expressions in ``sentence`` resolved against ``anchor``, left to right.

    Args:
        sentence: the sentence text.
        anchor: the date of the statement (or document) the claims are relative to.
        war_start: start date of the war the sentence is about, for "since the war began".
        events: (phrases, ISO date) of dated events of that war ("ground operations").
    """
    return list(_find_times(sentence, anchor, war_start, events))


def _scan(sentence: str, anchor: date | None, war_start: date | None,
          events: tuple[tuple[tuple[str, ...], str], ...]) -> list[TimeRef]:
    taken: list[tuple[int, int]] = []
    out: list[TimeRef] = []
    words = set(_WORDS.findall(sentence.lower()))
    for name, rx in PATTERNS:
        if words.isdisjoint(_ANCHORS[name]):
            continue
        for m in rx.finditer(sentence):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            ref = _resolve_in_calendar(name, m, anchor, war_start, events)
            if ref is None:
                continue
            statement = bool(_STATEMENT_BEFORE.search(sentence[max(0, m.start() - 40):m.start()])) \
                and (ref.kind == "event" or name == "in_month")
            out.append(TimeRef(m.start(), m.end(), ref.kind, ref.period_start, ref.period_end,
                               statement, m.group(0)))
            taken.append((m.start(), m.end()))
    return sorted(out, key=lambda r: r.start)


def _resolve_in_calendar(name: str, m: re.Match[str], anchor: date | None, war_start: date | None,
                         events: tuple[tuple[tuple[str, ...], str], ...]) -> TimeRef | None:
    """:func:`_resolve`, where an expression that lands outside the calendar ("the past 9999999
    days", "in the year 99999") is not a date."""
    try:
        return _resolve(name, m, anchor, war_start, events)
    except (OverflowError, ValueError):
        return None


def _resolve(name: str, m: re.Match[str], anchor: date | None, war_start: date | None,
             events: tuple[tuple[tuple[str, ...], str], ...]) -> TimeRef | None:
    g = m.groupdict()
    if name == "since_date":
        d = parse_day(g["d"], anchor) or _the_war_start_named(g["d"], war_start)
        if d is not None and war_start is not None and (d.year, d.month) == (war_start.year, war_start.month) \
                and not re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", g["d"]):
            d = war_start  # "since February 2022" of a war that began on 24 February 2022: since it began
        return _ref("cumulative", d, anchor)
    if name == "since_event":
        inner = re.search(rf"{_DATE}|{_MON}\s+{_YEAR}|\b{_YEAR}\b|\b(?:start|beginning|end)\s+of\s+{_MON}(?!\w)", g["e"], re.I)
        if inner:  # "since the start of the Rafah operation on May 6", "since the start of April"
            text = re.sub(r"^(?:start|beginning|end)\s+of\s+", "", inner.group(0), flags=re.I)
            return _ref("cumulative", parse_day(text, anchor) or _the_war_start_named(text, war_start), anchor)
        if re.search(r"\b(?:start|beginning)\s+of\s+(?:the|this)\s+year\b", g["e"], re.I) and anchor:
            return _ref("cumulative", date(anchor.year, 1, 1), anchor)
        return _ref("cumulative", _event_date(g["e"], war_start, events), anchor)
    if name == "same_period":
        return _ref("same", None, None)
    if name == "the_week":
        return _ref("period", anchor - timedelta(days=7) if anchor else None, anchor)
    if name == "as_of":  # "as of 5 December": a running total up to that day
        end = _end_of_last_month(anchor) if g.get("late") else parse_day(g["d"], anchor)
        return _ref("cumulative", war_start, end)
    if name == "between_full":
        d1, d2 = parse_day(g["a"], anchor), parse_day(g["b"], anchor)
        return _ref("cumulative" if d1 is not None and d1 == war_start else "period", d1, d2)
    if name == "between_days":
        y = int(g["y"]) if g.get("y") else None
        return _ref("period", _mkdate(y, g["m"], g["d1"], anchor), _mkdate(y, g["m"], g["d2"], anchor))
    if name == "first_months":
        return _first_months(g["n"], g.get("y"), anchor)
    if name == "course_of":
        return _past(g["n"], g["u"], anchor)
    if name in ("between_dates", "from_to_dates"):
        y = int(g["y"]) if g.get("y") else None
        d1 = _mkdate(y, g["m"], g["d1"], anchor)
        d2 = _mkdate(y, g.get("m2") or g["m"], g["d2"], anchor)
        return _ref("period", d1, d2)
    if name in ("past_n", "in_n"):
        return _past(g.get("n"), g["u"], anchor)
    if name == "recent":
        return _ref("period", None, anchor)
    if name == "today":
        return _ref("event", anchor, anchor)
    if name == "yesterday":
        d = anchor - timedelta(days=1) if anchor else None
        return _ref("event", d, d)
    if name == "this_week":
        return _ref("event", None, None)
    if name == "last_week":
        if not anchor:
            return _ref("period", None, None)
        monday = anchor - timedelta(days=anchor.weekday() + 7)
        return _ref("period", monday, monday + timedelta(days=6))
    if name in ("last_month", "this_month"):
        if not anchor:
            return _ref("period", None, None)
        if name == "this_month":
            return _ref("period", anchor.replace(day=1), anchor)
        last = anchor.replace(day=1) - timedelta(days=1)
        return _ref("period", last.replace(day=1), last)
    if name in ("this_year", "last_year", "in_year"):
        return _year(name, g.get("y"), anchor)
    if name == "in_month":
        return _month(g["m"], g.get("y"), anchor)
    if name == "weekday":
        d = _weekday(g["w"], anchor, last=m.group(0).lower().startswith("last"))
        return _ref("event", d, d)
    if name == "on_date":
        d = parse_day(g["d"], anchor)
        return _ref("event", d, d)
    if name == "so_far":
        return _ref("cumulative", war_start, anchor)
    return None


def _ref(kind: str, start: date | None, end: date | None) -> TimeRef:
    return TimeRef(0, 0, kind, start, end)


def _past(n: str | None, unit: str, anchor: date | None) -> TimeRef:
    if not n and unit.lower().endswith("s"):
        return _ref("period", None, anchor)  # "over the past weeks": the start is not given
    unit = unit.lower().rstrip("s")
    count = 1 if not n or n.strip().lower() in ("a", "an") else words_to_int(n.strip())
    if unit == "hour" and count is not None and count > 24:  # "the past 72 hours": three days
        unit, count = "day", -(-count // 24)
    if unit == "hour" or (unit == "day" and count == 1):
        return _ref("event", anchor, anchor)
    if count is None or not anchor:
        return _ref("period", None, anchor)
    if unit == "day":
        return _ref("period", anchor - timedelta(days=count - 1), anchor)
    if unit == "week":
        return _ref("period", anchor - timedelta(days=7 * count), anchor)
    if unit == "month":
        return _ref("period", _months_back(anchor, count), anchor)
    return _ref("period", _months_back(anchor, 12 * count), anchor)


def _end_of_last_month(anchor: date | None) -> date | None:
    return anchor.replace(day=1) - timedelta(days=1) if anchor else None


def _first_months(n: str, y: str | None, anchor: date | None) -> TimeRef:
    """ "in the first six months of 2024": January 1 to the end of the n-th month."""
    count = words_to_int(n) if not n.isdigit() else int(n)
    year = int(y) if y else (anchor.year if anchor else None)
    if year is None or not count or not 1 <= count <= 12:
        return _ref("period", None, None)
    return _ref("period", date(year, 1, 1), date(year, count, calendar.monthrange(year, count)[1]))


def _months_back(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 - n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _year(name: str, y: str | None, anchor: date | None) -> TimeRef:
    if name == "in_year" and y:
        yy = int(y)
        end = date(yy, 12, 31) if not anchor or anchor.year != yy else anchor
        return _ref("period", date(yy, 1, 1), end)
    if not anchor:
        return _ref("cumulative" if name == "this_year" else "period", None, None)
    if name == "this_year":
        return _ref("cumulative", date(anchor.year, 1, 1), anchor)
    return _ref("period", date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31))


def _month(mon: str, y: str | None, anchor: date | None) -> TimeRef:
    month = _MONTHS[mon.lower().rstrip(".")]
    if y:
        year = int(y)
    elif anchor:
        year = anchor.year if month <= anchor.month else anchor.year - 1
    else:
        return _ref("period", None, None)
    last = date(year, month, calendar.monthrange(year, month)[1])
    if anchor and last > anchor >= date(year, month, 1):
        last = anchor
    return _ref("period", date(year, month, 1), last)


def _weekday(word: str, anchor: date | None, *, last: bool) -> date | None:
    if not anchor:
        return None
    back = (anchor.weekday() - _WEEKDAYS.index(word.lower())) % 7
    if last and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _mkdate(year: int | None, mon: str, day: str, anchor: date | None) -> date | None:
    try:
        month, d = _MONTHS[mon.lower().rstrip(".")], int(re.sub(r"\D", "", day))
        if year:
            return date(year, month, d)
        if not anchor:
            return None
        cand = date(anchor.year, month, d)
        return cand if cand <= anchor + timedelta(days=2) else date(anchor.year - 1, month, d)
    except (KeyError, ValueError):
        return None


def _the_war_start_named(text: str, war_start: date | None) -> date | None:
    """``war_start`` when ``text`` names its day and month without a year ("since the invasion on
    24 February" in an undated report): no other day of that name can start the running total."""
    if war_start is None:
        return None
    return war_start if parse_day(text, war_start) == war_start else None


def parse_day(text: str, anchor: date | None) -> date | None:
    """A date like "Oct. 7, 2023", "7 October", "October 2023" or "2023"; year from ``anchor`` if absent."""
    t = text.strip()
    if re.fullmatch(_YEAR, t):
        return date(int(t), 1, 1)
    m = re.fullmatch(rf"(?P<m>{_MON})(?:\s+(?P<y>{_YEAR}))?", t, re.I)
    if m:  # "October 2023"; "April" alone: the last April up to the anchor
        month = _MONTHS[m["m"].lower().rstrip(".")]
        if m["y"]:
            return date(int(m["y"]), month, 1)
        if anchor is None:
            return None
        return date(anchor.year if month <= anchor.month else anchor.year - 1, month, 1)
    m = re.fullmatch(rf"(?P<m>{_MON})\s+(?P<d>{_DAY})(?:\s*,?\s*(?P<y>{_YEAR}))?", t, re.I) or \
        re.fullmatch(rf"(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MON})(?:\s*,?\s*(?P<y>{_YEAR}))?", t, re.I)
    if not m:
        return None
    return _mkdate(int(m["y"]) if m["y"] else None, m["m"], m["d"], anchor)


_GENERIC_HEADS = {"war", "conflict", "fighting", "hostilities", "campaign", "offensive", "operation", "operations",
                  "escalation", "aggression", "attack", "attacks", "strikes", "invasion", "ceasefire", "truce"}


def _event_date(phrase: str, war_start: date | None,
                events: tuple[tuple[tuple[str, ...], str], ...]) -> date | None:
    low = phrase.lower()
    for phrases, iso in events:
        if any(p.lower() in low for p in phrases):
            return date.fromisoformat(iso)
    # "since the incursion began": the one event of this war named by the same head noun
    heads = {p.lower().split()[-1]: iso for phrases, iso in events for p in phrases
             if p.lower().split()[-1] not in _GENERIC_HEADS}
    by_head = [iso for head, iso in heads.items() if re.search(rf"\b{re.escape(head)}\b", low)]
    if len(set(by_head)) == 1:
        return date.fromisoformat(by_head[0])
    if re.search(r"\b(?:war|invasion|conflict|fighting|hostilities|aggression|offensive|escalation|"
                 r"genocide|operation|campaign)\b", low):
        return war_start
    return None
