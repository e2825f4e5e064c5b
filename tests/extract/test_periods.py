"""Time expressions resolved against the statement date."""
from __future__ import annotations

from datetime import date

import pytest

from claimledger.extract.periods import find_times

ANCHOR = date(2024, 11, 13)  # a Wednesday
WAR = date(2023, 10, 7)
EVENTS = ((("ground operations",), "2023-10-27"),)


@pytest.mark.parametrize("text,kind,start,end", [
    ("over the past week", "period", "2024-11-06", "2024-11-13"),
    ("in just two days", "period", "2024-11-12", "2024-11-13"),
    ("on Sunday", "event", "2024-11-10", "2024-11-10"),
    ("earlier in the day", "event", "2024-11-13", "2024-11-13"),
    ("in the past 24 hours", "event", "2024-11-13", "2024-11-13"),
    ("overnight", "event", "2024-11-13", "2024-11-13"),
    ("yesterday", "event", "2024-11-12", "2024-11-12"),
    ("between November 10-11", "period", "2024-11-10", "2024-11-11"),
    ("between January 25 and 26, 2024", "period", "2024-01-25", "2024-01-26"),
    ("Between 6 and 8 January alone", "period", "2024-01-06", "2024-01-08"),
    ("between the afternoons of 5 and 8 November", "period", "2024-11-05", "2024-11-08"),
    ("between 7 October 2023 and 8 August 2024", "cumulative", "2023-10-07", "2024-08-08"),
    ("between 1 March 2024 and 8 August 2024", "period", "2024-03-01", "2024-08-08"),
    ("As of 5 November, at least", "cumulative", "2023-10-07", "2024-11-05"),
    ("as of late last month", "cumulative", "2023-10-07", "2024-10-31"),
    ("in the first six months of 2024", "period", "2024-01-01", "2024-06-30"),
    ("over the course of three days", "period", "2024-11-11", "2024-11-13"),
    ("in the past 72 hours", "period", "2024-11-11", "2024-11-13"),
    ("since Oct. 7, 2023", "cumulative", "2023-10-07", "2024-11-13"),
    ("since the war began", "cumulative", "2023-10-07", "2024-11-13"),
    ("since it began ground operations in Gaza", "cumulative", "2023-10-27", "2024-11-13"),
    ("so far", "cumulative", "2023-10-07", "2024-11-13"),
    ("last month", "period", "2024-10-01", "2024-10-31"),
    ("over the past weeks", "period", None, "2024-11-13"),
    ("earlier this week", "event", None, None),
    ("in March", "period", "2024-03-01", "2024-03-31"),
    ("since October 2023", "cumulative", "2023-10-07", "2024-11-13"),  # the month the war began: since it began
    ("since November 2023", "cumulative", "2023-11-01", "2024-11-13"),
    ("since 1 October 2023", "cumulative", "2023-10-01", "2024-11-13"),  # a day given is that day
])
def test_resolution(text: str, kind: str, start: str | None, end: str | None) -> None:
    refs = find_times(f"They said 5 soldiers were killed {text}.", ANCHOR, war_start=WAR, events=EVENTS)
    claim_refs = [r for r in refs if not r.statement]
    assert len(claim_refs) == 1, refs
    r = claim_refs[0]
    assert (r.kind, _iso(r.period_start), _iso(r.period_end)) == (kind, start, end)


def test_statement_dates_are_told_apart() -> None:
    refs = find_times("Fighters killed 60 soldiers over the past week, the spokesman announced on January 25.",
                      date(2024, 1, 26))
    assert [(r.text, r.statement) for r in refs] == [("over the past week", False), ("on January 25", True)]


def test_no_anchor_leaves_dates_unresolved() -> None:
    (r,) = find_times("killed 5 soldiers on Sunday", None)
    assert (r.kind, r.period_start, r.period_end) == ("event", None, None)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def test_anchor_words_skip_no_time_expression_on_real_reports(monkeypatch):
    """Each period pattern runs only on sentences holding one of its anchor words: a pattern
    that gains a wording without one must get the word, or its times would go unseen."""
    import json
    from pathlib import Path

    from claimledger.extract import periods
    from claimledger.extract.sentences import split_sentences

    assert set(periods._ANCHORS) == {name for name, _ in periods.PATTERNS}
    docs = Path(__file__).resolve().parents[1] / "data" / "real" / "docs"
    sentences = [s.text for p in sorted(docs.glob("*.json"))
                 for s in split_sentences(json.loads(p.read_text("utf-8"))["text"])]
    anchor, war = date(2024, 3, 4), date(2022, 2, 24)
    with_anchors = [periods._scan(s, anchor, war, ()) for s in sentences]

    every_word = frozenset(w for s in sentences for w in periods._WORDS.findall(s.lower()))
    monkeypatch.setattr(periods, "_ANCHORS", {name: every_word for name in periods._ANCHORS})  # no pattern skipped
    assert with_anchors == [periods._scan(s, anchor, war, ()) for s in sentences]


@pytest.mark.parametrize("text,start", [
    ("since 7 October", "2023-10-07"),  # the war's own start, named without a year
    ("since the start of the war on October 7", "2023-10-07"),
    ("since 9 October", None),  # another day without a year stays unknown in an undated report
])
def test_an_undated_report_names_the_war_start_by_day_and_month(text: str, start: str | None) -> None:
    [ref] = find_times(f"They said 5 soldiers were killed {text}.", None, war_start=WAR, events=EVENTS)
    assert ref.kind == "cumulative"
    assert (ref.period_start.isoformat() if ref.period_start else None) == start
