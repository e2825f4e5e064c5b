"""Find counts in a sentence: digits, number words, ranges and vague counts, with qualifiers.

Only the surface form is decided here (value, bounds, qualifier, span). Whether a count is a
claim (a counted noun, a trigger) is decided by the caller.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .lexicon import Lexicon
from .tries import trie_alternation

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = trie_alternation([*_UNITS, *_SCALES, "dozen"])
_ATOM = rf"(?:{_DIGITS}|(?:{_WORD})(?![\w]))"
_SEP = r"(?:(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))\s+and\s+|\s*-\s*(?=(?:{w})\b)|\s+(?=(?:{w}|dozen)\b))".format(w="|".join(_SCALES) + "|" + "|".join(k for k in _UNITS if _UNITS[k] < 10))
# A count: optional article before dozen/hundred/thousand, then atoms joined by spaces, hyphens, "and".
_COUNT = rf"(?:\ba\s+(?=(?:dozen|hundred|thousand|million)\b))?{_ATOM}(?:{_SEP}{_ATOM})*"
_RANGE_JOIN = r"\s*(?:-|–|—|to|or)\s*"
MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_ORDINAL_OR_TIME_AFTER = re.compile(r"\s*(?:-|–)?\s*(?:st|nd|rd|th)\b|[:h]\d")  # "3rd", "14:30", "9h30"
_NAME_COMMA_BEFORE = re.compile(r"[A-Z][\w'’.-]+,\s*$")
_COMMA_AFTER = re.compile(r"\s*,")
_COMPOUND_AFTER = re.compile(r"-(?!(?:strong|odd)\b)[a-z]", re.I)  # "two-day", not "5,000-strong"
_MONTH_RE = re.compile(r"\b(?:%s)\.?\s*$" % "|".join(MONTHS), re.I)
_MONTH_AFTER_RE = re.compile(r"^\s*(?:%s)\b" % "|".join(MONTHS), re.I)


#: Counts must stay below this: no conflict figure comes near a trillion, and bigger digit
#: runs (phone numbers, ids, noise) are not counts. It also fits every database's BIGINT.
MAX_COUNT = 10**12


@dataclass(frozen=True, slots=True)
class Count:
    """A count found in a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    value: int | None
    qualifier: str
    low: int | None = None
    high: int | None = None
    text: str = ""


def words_to_int(text: str) -> int | None:
    """Value of a count written in digits and/or words ("2.1 million", "two thousand and 367").

    Returns None when the text is not a count.
    """
    tokens = re.findall(rf"{_DIGITS}|[a-z]+", text.lower().replace(",", ",")) or []
    total, current, seen = 0.0, 0.0, False
    for tok in tokens:
        if tok in ("a", "and"):
            if tok == "a":
                current = max(current, 1.0)
            continue
        if re.fullmatch(_DIGITS, tok):
            current += float(tok.replace(",", "")); seen = True
        elif tok in _UNITS:
            current += _UNITS[tok]; seen = True
        elif tok == "dozen":
            current = (current or 1.0) * 12; seen = True
        elif tok == "hundred":
            current = (current or 1.0) * 100; seen = True
        elif tok in _SCALES:
            total += (current or 1.0) * _SCALES[tok]; current = 0.0; seen = True
        else:
            return None
    value = total + current
    if not seen or not value < MAX_COUNT:  # also false for inf and nan
        return None
    return int(round(value))


class _Spans:
    """Spans of a sentence already taken by counts, kept sorted for look-ups by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def covers(self, pos: int) -> bool:
        """Some span holds ``pos`` (spans never overlap: each is added where none was)."""
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        """Some span starts inside [start, end), or holds ``start``."""
        return self.covers(start) or bisect_left(self.starts, start) < bisect_left(self.starts, end)


def _word_window(s: str, start: int, reach: int = 40) -> int:
    """Where to start looking for the words just before ``start``: ``reach`` characters before
    the white space that precedes it (a qualifier is a few words; scanning the whole sentence
    before every count made long sentences quadratic)."""
    j = start
    while j > 0 and s[j - 1].isspace():
        j -= 1
    return max(0, j - reach)


class CountFinder:
    """Finds counts and their qualifiers with regexes compiled once from the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        quals = sorted(((p, q) for q, ps in lexicon.qualifiers.items() for p in ps), key=lambda x: -len(x[0]))
        self._qualifier_of = {p.lower(): q for p, q in quals}
        qual_alt = "|".join(re.escape(p) for p, _ in quals)
        self._qual_re = re.compile(rf"(?:^|(?<=[\s(\"“']))({qual_alt})\s+$", re.I)
        vague_alt = trie_alternation(lexicon.vague_counts, space=" ")
        self._vague_re = re.compile(rf"\b(?:{vague_alt})\b(?:\s+of\b)?", re.I)
        self._range_re = re.compile(
            rf"(?:\bbetween\s+({_COUNT})\s+and\s+({_COUNT}))|(?:\bfrom\s+({_COUNT})\s+to\s+({_COUNT}))"
            rf"|(?<![\w.,])({_COUNT}){_RANGE_JOIN}({_COUNT})(?![\w,]*\d)", re.I)
        self._count_re = re.compile(rf"(?<![\w$€£₪#.,:/-])({_COUNT})(?![\w%°$]|[.,:]\d|-\d)", re.I)
        self._bad_prefix = re.compile(
            r"(?:^|[\s(\"“'])(?:%s)\s*$" % "|".join(re.escape(p) for p in lexicon.non_count_prefixes), re.I)

    def find(self, sentence: str) -> list[Count]:
        """All counts in ``sentence``, left to right, ranges and vague counts included."""
        return self.find_first(sentence, None)[0]

    def find_first(self, sentence: str, limit: int | None) -> tuple[list[Count], int]:
        """The first ``limit`` counts of ``sentence`` (all when None), left to right, and about how
        many figures follow them unread. Single figures past the limit are not parsed: a run of
        thousands of numbers costs no more than the limit."""
        found: list[Count] = []
        taken = _Spans()
        for m in self._range_re.finditer(sentence):
            c = self._range(sentence, m)
            if c:
                found.append(c); taken.add(m.start(), m.end())
        stop, unread = len(sentence), 0
        singles = self._count_re.finditer(sentence)
        for m in singles:
            if taken.covers(m.start()):
                continue
            if limit is not None and len(found) >= limit:
                stop, unread = m.start(), 1 + sum(1 for _ in singles)
                break
            c = self._single(sentence, m.start(1), m.end(1))
            if c:
                found.append(c); taken.add(c.start, c.end)
        for m in self._vague_re.finditer(sentence, 0, stop):
            if not taken.overlaps(m.start(), m.end()):
                found.append(Count(m.start(), m.end(), None, "vague", text=m.group(0)))
        found.sort(key=lambda c: c.start)
        if limit is not None and len(found) > limit:
            unread += len(found) - limit
            found = found[:limit]
        return found, unread

    def _range(self, s: str, m: re.Match[str]) -> Count | None:
        a, b = [g for g in m.groups() if g is not None][:2]
        lo, hi = words_to_int(a), words_to_int(b)
        if lo is None or hi is None or not lo < hi or self._is_date_or_code(s, m.start(), m.end()):
            return None
        if any(re.fullmatch(r"(?:19|20)\d\d", x.strip()) for x in (a, b)):
            return None  # "2023 to 30,534": a year, then a count
        if re.search(r"\bor\b", m.group(0), re.I) and hi > lo * 3:
            return None
        return Count(m.start(), m.end(), None, "range", lo, hi, m.group(0))

    def _single(self, s: str, start: int, end: int) -> Count | None:
        text = s[start:end]
        if text.lower() in ("one", "a dozen") and re.match(r"\s+of\s+(?:the|its|their|his|her|them|those)\b", s[end:], re.I):
            return None  # "one of the soldiers" is an individual, not a count
        value = words_to_int(text)
        if value is None or value == 0 or self._is_date_or_code(s, start, end):
            return None
        if re.fullmatch(r"(?:19|20)\d\d", text):
            return None  # a year
        qualifier, qstart = "exact", start
        q = self._qual_re.search(s, _word_window(s, start), start)
        if q:
            qualifier, qstart = self._qualifier_of[q.group(1).lower()], q.start(1)
        return Count(qstart, end, value, qualifier, text=s[qstart:end])

    def _is_date_or_code(self, s: str, start: int, end: int) -> bool:
        before, after = s[max(0, start - 30):start], s[end:end + 25]
        if _MONTH_RE.search(before) or _MONTH_AFTER_RE.match(after):
            return True
        if _ORDINAL_OR_TIME_AFTER.match(after):
            return True
        if _NAME_COMMA_BEFORE.search(before) and _COMMA_AFTER.match(after):
            return True  # "Noam Ben-David, 27, who ...": an age
        if _COMPOUND_AFTER.match(after):
            return True  # "two-day", "five-year-old", "24-hour"
        return bool(self._bad_prefix.search(before))
