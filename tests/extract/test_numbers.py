"""Counts: digits, words, ranges, qualifiers, and what is not a count."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from claimledger.extract.lexicon import default_lexicon
from claimledger.extract.numbers import CountFinder, words_to_int

FINDER = CountFinder(default_lexicon())

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
        "sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(n: int) -> str:
    """English words for 1 <= n < 1,000,000 (test oracle, written independently of the parser)."""
    parts = []
    if n >= 1000:
        parts.append(spell(n // 1000) + " thousand")
        n %= 1000
        if n and n < 100:
            parts.append("and")
    if n >= 100:
        parts.append(_ONES[n // 100] + " hundred")
        n %= 100
        if n:
            parts.append("and")
    if n >= 20:
        parts.append(_TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else ""))
    elif n:
        parts.append(_ONES[n])
    return " ".join(parts)


@given(st.integers(min_value=1, max_value=999_999))
def test_spelled_numbers_read_back(n: int) -> None:
    assert words_to_int(spell(n)) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_digits_with_thousands_separators_read_back(n: int) -> None:
    text = f"at least {n:,} soldiers"
    counts = FINDER.find(text)
    assert [(c.value, c.qualifier) for c in counts] == [(n, "at_least")]


@pytest.mark.parametrize("text,expected", [
    ("more than 60 troops", [(60, "more_than", None, None)]),
    ("nearly 1,000 people", [(1000, "about", None, None)]),
    ("2.1 million people", [(2_100_000, "exact", None, None)]),
    ("two thousand and 367 soldiers", [(2367, "exact", None, None)]),
    ("a dozen tanks", [(12, "exact", None, None)]),
    ("up to 1,500 servicemen", [(1500, "up_to", None, None)]),
    ("fewer than 10 drones", [(10, "fewer_than", None, None)]),
    ("between 20 and 30 drones", [(None, "range", 20, 30)]),
    ("20 to 30 tanks", [(None, "range", 20, 30)]),
    ("dozens of soldiers", [(None, "vague", None, None)]),
    ("no fewer than five fighters", [(5, "at_least", None, None)]),
])
def test_count_forms(text: str, expected: list[tuple]) -> None:
    assert [(c.value, c.qualifier, c.low, c.high) for c in FINDER.find(text)] == expected


@pytest.mark.parametrize("text", [
    "on January 25", "since Oct. 7, 2023", "its 14th month", "Brigade 162", "Yassin 105 shells",
    "at 18:31", "a 12-year-old boy", "the 24-hour update", "in 2023", "one of the soldiers",
])
def test_non_counts(text: str) -> None:
    assert FINDER.find(text) == []
