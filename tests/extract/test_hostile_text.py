"""Hostile text through the extractor's public entry points: it returns claims or nothing, never
an exception, and says when it read less than the whole document (issue 11)."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimledger import Budget, Document, DropDocument, Extractor, extract, extract_documents
from claimledger.extract.claims import MAX_COUNTS
from claimledger.extract.numbers import MAX_COUNT, words_to_int
from claimledger.extract.periods import find_times
from claimledger.extract.sentences import MAX_SENTENCE, split_sentences

REAL = [
    "The Israeli army said 4 Hamas fighters were killed in Gaza on Tuesday.",
    "Ukraine's General Staff said Russia had lost 1,180 soldiers over the past 24 hours.",
    "“We shot down 29 drones over Ryazan,” the Russian Defence Ministry said.",
    "At least 12 civilians were wounded, the health ministry said, bringing the toll since October to 30,534.",
    "Of them, 3 were killed and 7 wounded between 6 and 8 January.",
]
NOISE = ["\ud800", "\udfff", "\u202e", "\u200f", "Привет", "مرحبا", "\x00", "\ufeff", '"' * 7, "“", "”",
         "al-" * 5, "9" * 40, "1e308", "the spokesman said ", ". . .", "\n\n", "\t", "🚀"]


def _claims_are_sound(text: str, claims: list) -> None:
    for c in claims:
        assert c.value is None or 0 < c.value < MAX_COUNT
        for e in c.evidence:
            assert 0 <= e.start <= e.end <= len(text)


# -- crashes found by the fuzzing campaign, each a regression test --------------------------------

def test_a_number_too_big_for_a_float_is_not_a_count():
    assert words_to_int("9" * 400) is None
    assert words_to_int(f"{MAX_COUNT:,}") is None
    assert words_to_int("999,999,999,999") == 999_999_999_999
    assert extract("The army said " + "9" * 400 + " soldiers were killed.") == []


def test_a_twenty_digit_figure_is_not_a_count():
    claims = extract("The army said 12345678901234567890 soldiers were killed and 3 wounded.",
                     published="2024-01-01")
    assert [c.value for c in claims] == [3]


@pytest.mark.parametrize("sentence", [
    "5 soldiers were killed in the past 99999999 days.",
    "5 soldiers were killed in the past 999999 weeks.",
    "5 soldiers were killed in the year 99999.",
    "5 soldiers were killed on 31 December 9999 and 1 January 10000.",
    "5 soldiers were killed last Monday.",
])
def test_a_date_outside_the_calendar_is_not_a_date(sentence):
    from datetime import date

    for anchor in (date(1, 1, 3), date(9999, 12, 30), date(2024, 1, 1)):
        for t in find_times(sentence, anchor):
            assert t.period_start is None or date.min <= t.period_start <= date.max
    assert extract(sentence, published="0001-01-02") is not None
    assert extract(sentence, published="9999-12-31") is not None


def test_lone_surrogates_are_replaced_and_counted():
    doc = Document(text="The army said \ud800 3 soldiers were killed.\udfff", published="2024-01-01")
    [result] = list(extract_documents([doc]))
    assert "2 lone surrogates (not Unicode text) replaced by U+FFFD" in result.document.warnings
    assert [c.value for c in result.claims] == [3]
    assert "\ufffd" in result.claims[0].evidence[0].text
    result.claims[0].evidence[0].text.encode("utf-8")  # storable


# -- the per-document budget ----------------------------------------------------------------------

def test_the_figure_budget_stops_reading_and_says_where():
    text = " ".join(f"{n} soldiers were killed, the army said." for n in range(3, 33))
    result = Extractor(budget=Budget(figures=10)).extract_result(Document(text=text, published="2024-01-01"))
    [warning] = result.document.warnings
    assert warning.startswith("extraction budget reached (10 figures read): the text from character ")
    assert f"of {len(text):,} on was not read for claims" in warning
    assert result.claims  # what was read is kept


def test_the_time_budget_stops_reading_and_says_so():
    text = " ".join(f"{n} soldiers were killed, the army said." for n in range(3, 33))
    result = Extractor(budget=Budget(seconds=0.0)).extract_result(Document(text=text, published="2024-01-01"))
    assert any(w.startswith("extraction budget reached (0 s)") for w in result.document.warnings)


def test_copies_of_a_sentence_past_the_third_are_not_read_and_said_so():
    flood = "The army said 4 soldiers were killed in the north. " * 2_000  # 100 KB of one sentence
    result = Extractor().extract_result(Document(text=flood + "Police said 7 civilians were wounded.",
                                                 published="2024-01-01"))
    [warning] = result.document.warnings
    assert warning.startswith("1,997 sentences not read: copies of a sentence met more than 3 times, "
                              "the first at character 153")
    assert sorted(c.value for c in result.claims) == [4, 7]  # the copies read, and what follows them
    [soldiers] = [c for c in result.claims if c.value == 4]
    assert len(soldiers.evidence) <= 3


def test_a_normal_report_spends_no_budget():
    result = Extractor().extract_result(Document(text=" ".join(REAL), published="2024-03-04"))
    assert result.document.warnings == ()
    assert len(result.claims) >= 5


def test_a_sentence_crowded_with_figures_is_read_in_part_with_a_warning():
    table = ", ".join(f"{n} tanks" for n in range(1, 101))
    text = f"The General Staff said it destroyed {table}."
    result = Extractor().extract_result(Document(text=text, published="2024-01-01"))
    assert any(f"sentences holding more than {MAX_COUNTS}" in w for w in result.document.warnings)
    assert 0 < len(result.claims) <= MAX_COUNTS


# -- sentences stay bounded ------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["12", " ", ",", "killed", "\n", "the army said", ".", "A", "“"]), max_size=900))
def test_sentences_are_spans_of_the_text_and_never_too_long(parts):
    text = "".join(parts)
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
        assert len(s.text) <= MAX_SENTENCE


def test_a_run_of_end_marks_splits_in_linear_time():
    started = time.perf_counter()
    assert split_sentences("." * 50_000) == []
    assert [s.text for s in split_sentences("Five were killed... Then" + "!" * 30_000 + " Ten died.")][-1] == "Ten died."
    assert time.perf_counter() - started < 1  # was 7 s for 20,000 dots


def test_a_long_list_is_cut_at_a_clause_boundary():
    text = "Destroyed: " + ", ".join(f"{n} tanks" for n in range(300)) + "."
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(p.text.endswith(",") for p in pieces[:-1])


# -- fuzzing: any text gives claims or nothing ------------------------------------------------------

def _mixed() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(REAL), st.sampled_from(NOISE), st.text(max_size=40),
                      st.integers(min_value=-10**30, max_value=10**30).map(str),
                      st.from_regex(r"[0-9]{1,25}( (soldiers|drones|tanks) (were )?(killed|downed|destroyed))?",
                                    fullmatch=True))
    return st.lists(piece, max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=400), _mixed()),
       published=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_any_text_gives_claims_or_nothing(text, published):
    started = time.perf_counter()
    try:
        claims = extract(text, published=published)
    except DropDocument as exc:  # the documented error: nothing but white space, markup or metadata
        assert str(exc)
        return
    assert time.perf_counter() - started < 5  # generous: a few KB of anything takes milliseconds
    _claims_are_sound(text, claims)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.sampled_from(REAL + NOISE + ["12 ", "3 killed, ", "Of them, 3 were killed. "]),
       times=st.integers(min_value=1, max_value=400))
def test_repeated_structures_give_claims_or_nothing(unit, times):
    text = unit * times
    if not text.strip():
        with pytest.raises(DropDocument):
            extract(text)
        return
    _claims_are_sound(text, extract(text, published="2024-01-01"))
