"""Consistency flags: running totals that fall or jump, breakdowns over their total, revisions."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claimledger.analyze import find_flags
from claimledger.analyze.checks import severity

RowFactory = Callable[..., dict[str, Any]]


def total(make_row: RowFactory, value: float, day: str, **kw: Any) -> dict[str, Any]:
    return make_row(period_kind="cumulative", value=value, period_start="2024-01-01", period_end=day,
                    published=day, **kw)


def test_a_running_total_that_falls_is_flagged_with_both_figures(make_row: RowFactory) -> None:
    a, b, c = total(make_row, 500, "2024-03-01"), total(make_row, 480, "2024-03-02"), total(make_row, 520, "2024-03-03")
    (flag,) = find_flags([a, b, c])
    assert flag.kind == "revision_down" and flag.severity == "medium"
    assert "fell from 500 on 2024-03-01 to 480 on 2024-03-02 (-20)" in flag.message
    assert "Northland army (Northland)" in flag.message
    assert set(flag.claim_ids) == {a["claim_id"], b["claim_id"]}
    assert set(flag.document_ids) == {a["document_id"], b["document_id"]}


def test_a_rejected_point_raises_no_flag(make_row: RowFactory) -> None:
    rows = [total(make_row, 500, "2024-03-01"), total(make_row, 48, "2024-03-02", review_status="rejected")]
    assert find_flags(rows) == []


def daily(make_row: RowFactory, day: str, value: float) -> dict[str, Any]:
    return make_row(period_kind="event", value=value, period_start=day, period_end=day, published=day)


def test_a_jump_beyond_the_claimants_own_daily_figures(make_row: RowFactory) -> None:
    days = [daily(make_row, f"2024-03-0{d}", 5) for d in range(2, 9)]   # 7 days x 5 = 35
    rows = [total(make_row, 100, "2024-03-01"), total(make_row, 200, "2024-03-08"), *days]
    (flag,) = find_flags(rows)
    assert flag.kind == "unexplained_jump" and flag.severity == "high"
    assert "grew by 100" in flag.message and "add up to 35: 65 unexplained" in flag.message
    assert len(flag.claim_ids) == 2 + 7


@pytest.mark.parametrize(("growth", "flagged"), [(35, False), (44, False), (46, True)])
def test_small_jumps_are_tolerated(make_row: RowFactory, growth: int, flagged: bool) -> None:
    # 35 claimed: 20% and 10 more is the limit (both must be exceeded)
    days = [daily(make_row, f"2024-03-0{d}", 5) for d in range(2, 9)]
    rows = [total(make_row, 100, "2024-03-01"), total(make_row, 100 + growth, "2024-03-08"), *days]
    assert bool(find_flags(rows, kinds=["unexplained_jump"])) is flagged


def test_no_jump_is_judged_where_period_claims_leave_days_uncovered(make_row: RowFactory) -> None:
    days = [daily(make_row, f"2024-03-0{d}", 5) for d in range(2, 8)]  # 8 March missing
    rows = [total(make_row, 100, "2024-03-01"), total(make_row, 200, "2024-03-08"), *days]
    assert find_flags(rows) == []


@pytest.mark.parametrize(("qualifier", "value", "parts", "flagged"), [
    ("exact", 50, [30, 25], True),
    ("exact", 50, [30, 20], False),
    ("more_than", 60, [53, 9], False),     # "more than 60" has no upper bound
    ("about", 60, [40, 25], False),        # within 10% of "about 60"
    ("about", 60, [40, 30], True),
    ("up_to", 20, [15, 10], True),
])
def test_breakdowns_against_their_total(make_row: RowFactory, qualifier: str, value: int, parts: list[int],
                                        flagged: bool) -> None:
    whole = make_row(value=value, qualifier=qualifier)
    rows = [whole, *(make_row(value=v, part_of=whole["claim_id"], document_id=whole["document_id"]) for v in parts)]
    flags = find_flags(rows)
    assert [f.kind for f in flags] == (["breakdown_exceeds_total"] if flagged else [])
    if flagged:
        assert " + ".join(str(p) for p in parts) in flags[0].message
        assert set(flags[0].claim_ids) == {r["claim_id"] for r in rows}


def test_a_later_report_giving_another_figure_for_the_same_period(make_row: RowFactory) -> None:
    week = dict(period_kind="period", period_start="2024-03-01", period_end="2024-03-07")
    first = make_row(**week, value=40, published="2024-03-08")
    relay = make_row(**week, value=40, published="2024-03-09", assertion_id=first["assertion_id"])
    later = make_row(**week, value=45, published="2024-03-10")
    (flag,) = find_flags([first, relay, later])
    assert flag.kind == "revised_claim" and flag.severity == "high"
    assert "gave 40 killed (Southland) for period 2024-03-01..2024-03-07 in a report of 2024-03-08, then 45 " \
           "in a report of 2024-03-10" in flag.message
    assert set(flag.claim_ids) == {first["claim_id"], relay["claim_id"], later["claim_id"]}


def test_no_revision_between_places_breakdowns_or_other_claimants(make_row: RowFactory) -> None:
    day = dict(period_kind="event", period_start="2024-03-01", period_end="2024-03-01")
    first = make_row(**day, value=5, location="Easttown", published="2024-03-02")
    rows = [first, make_row(**day, value=3, location="Westtown", published="2024-03-03"),
            make_row(**day, value=2, location="Easttown", published="2024-03-03", part_of=first["claim_id"]),
            make_row(**day, value=9, location="Easttown", published="2024-03-03", claimant="Example Wire")]
    assert find_flags(rows, kinds=["revised_claim"]) == []


def test_kinds_select_the_checks(make_row: RowFactory) -> None:
    rows = [total(make_row, 500, "2024-03-01"), total(make_row, 400, "2024-03-02")]
    assert find_flags(rows, kinds=["revised_claim"]) == []
    assert [f.kind for f in find_flags(rows, kinds=["revision_down"])] == ["revision_down"]


@pytest.mark.parametrize(("difference", "base", "expected"), [(1, 100, "low"), (5, 100, "medium"),
                                                              (-10, 100, "high"), (3, 0, "high")])
def test_severity_grows_with_the_share(difference: float, base: float, expected: str) -> None:
    assert severity(difference, base) == expected


def test_the_seeds_gold_claims_are_consistent(seeds_gold: list[dict[str, Any]]) -> None:
    # 53 + 9 of "more than 60", 8 of "at least 38", 5 + 15 of "at least 20": nothing to flag
    assert find_flags(seeds_gold) == []
    corrected = [dict(r, qualifier="exact") if r.get("value") == 60 else r for r in seeds_gold]
    (flag,) = find_flags(corrected)
    assert flag.kind == "breakdown_exceeds_total" and "53 + 9" in flag.message
