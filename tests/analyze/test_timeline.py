"""Series from ledger rows, and period claims spread onto days."""
from __future__ import annotations

from datetime import date, timedelta
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.analyze import build_series, daily_rates
from claimledger.analyze.timeline import Series

RowFactory = Callable[..., dict[str, Any]]


def one(series: list[Series]) -> Series:
    assert len(series) == 1, [s.label for s in series]
    return series[0]


def test_a_relayed_claim_is_one_point_with_every_report_behind_it(make_row: RowFactory) -> None:
    a = make_row(assertion_id="a1", period_kind="period", period_start="2024-03-01", period_end="2024-03-07",
                 value=70, published="2024-03-08")
    b = make_row(assertion_id="a1", period_kind="period", period_start="2024-03-01", period_end="2024-03-07",
                 value=70, published="2024-03-09", outlet="Other Wire")
    s = one(build_series([a, b]))
    (p,) = s.points
    assert (p.value, p.days, p.daily_rate) == (70, 7, 10)
    assert set(p.claim_ids) == {a["claim_id"], b["claim_id"]}
    assert set(p.document_ids) == {a["document_id"], b["document_id"]}
    assert p.published == date(2024, 3, 8)


def test_breakdowns_rejections_denials_and_vague_counts_give_no_point(make_row: RowFactory) -> None:
    total = make_row(value=30)
    rows = [total, make_row(value=20, part_of=total["claim_id"]), make_row(value=99, review_status="rejected"),
            make_row(value=15, modality="denied"), make_row(value=None, qualifier="vague")]
    s = one(build_series(rows))
    assert [p.value for p in s.points] == [30]


def test_a_range_counts_as_its_midpoint_and_qualifiers_stay(make_row: RowFactory) -> None:
    rows = [make_row(qualifier="range", value=None, low=20, high=30, period_end="2024-03-02"),
            make_row(qualifier="more_than", value=60, period_end="2024-03-03")]
    s = one(build_series(rows))
    assert [(p.value, p.qualifier) for p in s.points] == [(25, "range"), (60, "more_than")]


def test_event_dates_fall_back_to_the_report_and_running_totals_to_their_statement(make_row: RowFactory) -> None:
    rows = [make_row(period_kind="event", published="2024-03-05"),
            make_row(period_kind="cumulative", value=400, period_start="2024-01-01", period_end="2024-03-04",
                     modality="acknowledged"),
            make_row(period_kind="cumulative", value=420, published="2024-03-06", modality="acknowledged")]
    acknowledged, claimed = build_series(rows)  # sorted by modality within one claimant's category
    assert claimed.modality == "claimed" and acknowledged.modality == "acknowledged"
    (event,) = claimed.points
    assert (event.day, event.start, event.days) == (date(2024, 3, 5), date(2024, 3, 5), 1)
    assert [(p.day, p.value, p.daily_rate) for p in acknowledged.cumulative] == [
        (date(2024, 3, 4), 400, None), (date(2024, 3, 6), 420, None)]


def test_one_series_per_claimant_category_and_side(make_row: RowFactory) -> None:
    rows = [make_row(claimant="Northland Army"), make_row(claimant="northland  army"),
            make_row(claimant="Northland ministry"), make_row(category="wounded"),
            make_row(subject_party="civilians")]
    labels = sorted((s.claimant.casefold(), s.category, s.subject_party) for s in build_series(rows))
    assert labels == [("northland army", "killed", "Southland"), ("northland army", "killed", "civilians"),
                      ("northland army", "wounded", "Southland"), ("northland ministry", "killed", "Southland")]
    # which spelling names the series depends on the rows' ids: either is the same claimant
    (army,) = [s for s in build_series(rows) if s.claimant.casefold() == "northland army" and s.category == "killed"
               and s.subject_party == "Southland"]
    assert len(army.points) == 2
    by_party = [s for s in build_series(rows, by_party=True) if s.category == "killed"
                and s.subject_party == "Southland"]
    assert one(by_party).claimant == "Northland" and len(by_party[0].points) == 3


def test_rows_that_cannot_be_dated_are_reported_and_the_rest_go_on(make_row: RowFactory) -> None:
    bad = make_row(period_end="2024-13-45")
    undated = make_row(published=None, first_seen=None)
    backwards = make_row(period_kind="period", period_start="2024-03-09", period_end="2024-03-02")
    skipped: list[tuple[str, str]] = []
    s = one(build_series([bad, undated, backwards, make_row()],
                         on_skip=lambda r, why: skipped.append((r["claim_id"], why))))
    assert len(s.points) == 1
    reasons = dict(skipped)
    assert "'2024-13-45' is not an ISO date" in reasons[bad["claim_id"]]
    assert "no period end and no publication date" in reasons[undated["claim_id"]]
    assert "after it ends" in reasons[backwards["claim_id"]]


def period(make_row: RowFactory, start: str, end: str, value: float, published: str, **kw: Any) -> dict[str, Any]:
    return make_row(period_kind="period", period_start=start, period_end=end, value=value, published=published, **kw)


def rates(rows: list[dict[str, Any]], start: str | None = None, end: str | None = None) -> dict[str, float]:
    return {d.day.isoformat(): round(d.rate, 6) for d in daily_rates(one(build_series(rows)), start, end)}


def test_a_summary_stands_over_the_parts_it_contains(make_row: RowFactory) -> None:
    week = period(make_row, "2024-03-01", "2024-03-07", 70, "2024-03-08")
    day = period(make_row, "2024-03-03", "2024-03-03", 4, "2024-03-03")
    got = rates([week, day])
    assert len(got) == 7 and set(got.values()) == {10}


def test_a_later_statement_of_the_same_period_revises_it_unless_it_names_another_place(make_row: RowFactory) -> None:
    first = period(make_row, "2024-03-01", "2024-03-02", 10, "2024-03-03", location="Easttown")
    revised = period(make_row, "2024-03-01", "2024-03-02", 14, "2024-03-05", location="Easttown")
    assert rates([first, revised]) == {"2024-03-01": 7, "2024-03-02": 7}
    elsewhere = period(make_row, "2024-03-01", "2024-03-02", 6, "2024-03-05", location="Westtown")
    assert rates([first, elsewhere]) == {"2024-03-01": 8, "2024-03-02": 8}
    same_report = period(make_row, "2024-03-01", "2024-03-02", 4, "2024-03-03")
    assert rates([first, same_report]) == {"2024-03-01": 7, "2024-03-02": 7}


def test_partly_overlapping_weeks_count_the_shared_day_once(make_row: RowFactory) -> None:
    first = period(make_row, "2024-03-01", "2024-03-08", 80, "2024-03-09")
    second = period(make_row, "2024-03-08", "2024-03-15", 16, "2024-03-16")
    got = rates([first, second])
    assert got["2024-03-07"] == 10 and got["2024-03-08"] == 2 and got["2024-03-15"] == 2
    assert sum(got.values()) == 70 + 16


def test_window_days_and_gaps(make_row: RowFactory) -> None:
    rows = [period(make_row, "2024-03-01", "2024-03-02", 10, "2024-03-03"),
            period(make_row, "2024-03-05", "2024-03-05", 3, "2024-03-06")]
    assert rates(rows) == {"2024-03-01": 5, "2024-03-02": 5, "2024-03-05": 3}
    assert rates(rows, "2024-03-02", "2024-03-04") == {"2024-03-02": 5}
    assert daily_rates(one(build_series([make_row(period_kind="cumulative", value=5)]))) == []


DAY0 = date(2024, 1, 1)


@st.composite
def disjoint_periods(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    """(first day offset, length, value) of periods that do not overlap."""
    gaps = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10), st.integers(0, 500)), min_size=1,
                         max_size=8))
    out, day = [], 0
    for gap, length, value in gaps:
        day += gap
        out.append((day, length, value))
        day += length
    return out


def _rows_for(make_row: RowFactory, periods: list[tuple[int, int, int]], published: list[int]) -> list[dict[str, Any]]:
    def day(offset: int) -> str:
        return (DAY0 + timedelta(days=offset)).isoformat()
    return [make_row(period_kind="period", value=value, period_start=day(start), period_end=day(start + length - 1),
                     published=day(start + length - 1 + published[i % len(published)]))
            for i, (start, length, value) in enumerate(periods)]


@settings(max_examples=60, deadline=None)
@given(disjoint_periods(), st.lists(st.integers(0, 30), min_size=1, max_size=5))
def test_disjoint_periods_spread_to_exactly_their_sum(make_row: RowFactory, periods: list[tuple[int, int, int]],
                                                     published: list[int]) -> None:
    series = build_series(_rows_for(make_row, periods, published))
    total = sum(d.rate for s in series for d in daily_rates(s))
    assert abs(total - sum(v for _, _, v in periods)) < 1e-6


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 10), st.integers(0, 500)), min_size=1, max_size=8),
       st.lists(st.integers(0, 30), min_size=1, max_size=5))
def test_overlapping_periods_never_add_up_to_more_than_their_claims(make_row: RowFactory,
                                                                   periods: list[tuple[int, int, int]],
                                                                   published: list[int]) -> None:
    (series,) = build_series(_rows_for(make_row, periods, published))
    days = daily_rates(series)
    assert sum(d.rate for d in days) <= sum(v for _, _, v in periods) + 1e-6
    covered = {DAY0 + timedelta(days=s + i) for s, length, _ in periods for i in range(length)}
    assert {d.day for d in days} == covered  # every claimed day keeps a figure
