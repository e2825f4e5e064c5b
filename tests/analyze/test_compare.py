"""Claimant against claimant over one window: period sums, running-total growth, reference."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claimledger.analyze import compare
from claimledger.analyze.compare import Comparison, ComparisonRow
from claimledger.errors import ConfigError

RowFactory = Callable[..., dict[str, Any]]


@pytest.fixture()
def two_sides(make_row: RowFactory) -> list[dict[str, Any]]:
    """Northland's army claims Southland's dead week by week; Southland's ministry keeps a total."""
    claimed = dict(claimant="Northland army", claimant_party="Northland", modality="claimed", period_kind="period")
    acked = dict(claimant="Southland ministry", claimant_party="Southland", modality="acknowledged",
                 period_kind="cumulative")
    return [
        make_row(**claimed, value=70, period_start="2024-03-01", period_end="2024-03-07", published="2024-03-08"),
        make_row(**claimed, value=35, period_start="2024-03-08", period_end="2024-03-14", published="2024-03-15"),
        make_row(**acked, value=100, period_end="2024-02-29", published="2024-02-29"),
        make_row(**acked, value=130, period_end="2024-03-07", published="2024-03-07"),
        make_row(**acked, value=144, period_end="2024-03-14", published="2024-03-14"),
    ]


def by_claimant(c: Comparison) -> dict[str, ComparisonRow]:
    return {r.claimant: r for r in c.rows}


def test_default_window_is_the_stretch_both_claimants_cover(two_sides: list[dict[str, Any]]) -> None:
    c = compare(two_sides, subject_party="Southland", category="killed")
    assert (str(c.since), str(c.until), c.window_days, c.window_from) == ("2024-03-01", "2024-03-14", 14,
                                                                          "best covered")
    rows = by_claimant(c)
    army, ministry = rows["Northland army"], rows["Southland ministry"]
    assert (army.basis, army.value, army.claims, army.coverage, army.partial) == ("period", 105, 2, 1.0, False)
    # growth of the running total: 100 -> 144; the first point (start unknown) is only a base
    assert (ministry.basis, ministry.value, ministry.claims, ministry.partial) == ("cumulative", 44, 3, False)
    assert ministry.is_reference and c.reference is ministry
    assert army.ratio == pytest.approx(105 / 44) and army.gap == 61
    assert set(army.claim_ids) == {r["claim_id"] for r in two_sides[:2]}
    assert set(ministry.document_ids) == {r["document_id"] for r in two_sides[2:]}


def test_claims_straddling_the_window_count_for_their_days_inside(two_sides: list[dict[str, Any]]) -> None:
    rows = by_claimant(compare(two_sides, subject_party="Southland", category="killed", since="2024-03-04",
                               until="2024-03-10"))
    army, ministry = rows["Northland army"], rows["Southland ministry"]
    assert army.value == pytest.approx(4 * 10 + 3 * 5) and army.partial and army.coverage == 1.0
    assert ministry.value == pytest.approx(30 * 4 / 7 + 14 * 3 / 7) and ministry.partial


@pytest.mark.parametrize(("start", "expected", "partial"), [
    ("2024-03-03", 50, False),            # the whole total began inside the window
    ("2024-02-25", 50 * 10 / 15, True),   # began before it: only its days inside count
])
def test_a_running_total_that_starts_inside_the_window(make_row: RowFactory, start: str, expected: float,
                                                       partial: bool) -> None:
    rows = [make_row(period_kind="period", value=28, period_start="2024-03-01", period_end="2024-03-14"),
            make_row(claimant="Southland ministry", claimant_party="Southland", modality="acknowledged",
                     period_kind="cumulative", value=50, period_start=start, period_end="2024-03-10")]
    ministry = by_claimant(compare(rows, subject_party="Southland", category="killed"))["Southland ministry"]
    assert ministry.value == pytest.approx(expected) and ministry.partial is partial
    assert ministry.days_covered == (8 if not partial else 10)


def test_without_an_acknowledged_figure_the_largest_is_the_reference(make_row: RowFactory) -> None:
    rows = [make_row(claimant="Northland army", value=40, period_end="2024-03-02"),
            make_row(claimant="Example Wire", claimant_party="media", modality="reported", value=25,
                     period_end="2024-03-02")]
    c = compare(rows, subject_party="Southland", category="killed")
    assert c.reference is not None and c.reference.claimant == "Northland army"
    assert by_claimant(c)["Example Wire"].ratio == pytest.approx(25 / 40)
    named = compare(rows, subject_party="Southland", category="killed", reference="wire")
    assert named.reference is not None and named.reference.claimant == "Example Wire"
    with pytest.raises(ConfigError, match="names no claimant"):
        compare(rows, subject_party="Southland", category="killed", reference="nobody")


def test_only_like_against_like(make_row: RowFactory, two_sides: list[dict[str, Any]]) -> None:
    extra = [make_row(category="casualties", value=500, period_end="2024-03-05"),
             make_row(subject_party="civilians", value=900, period_end="2024-03-05")]
    c = compare([*two_sides, *extra], subject_party="Southland", category="killed")
    assert by_claimant(c)["Northland army"].value == 105
    assert c.notes == ("1 claim(s) of casualties about Southland kept apart (not added to killed)",)
    assert {r.modality for r in c.rows} == {"claimed", "acknowledged"}


def test_claimants_without_figures_in_the_window_are_listed_empty(two_sides: list[dict[str, Any]]) -> None:
    c = compare(two_sides, subject_party="Southland", category="killed", since="2024-05-01", until="2024-05-31")
    assert all(r.value is None and r.coverage == 0 and r.ratio is None for r in c.rows) and c.reference is None
    assert compare(two_sides, subject_party="Westland", category="killed").rows == ()


def test_by_party_puts_a_sides_spokesmen_together(make_row: RowFactory) -> None:
    rows = [make_row(claimant="Northland army", value=4, period_end="2024-03-02"),
            make_row(claimant="Northland spokesman", value=6, period_end="2024-03-03")]
    assert len(compare(rows, subject_party="Southland", category="killed").rows) == 2
    (row,) = compare(rows, subject_party="Southland", category="killed", by_party=True).rows
    assert (row.claimant, row.value, row.claims) == ("Northland", 10, 2)


@pytest.mark.parametrize(("since", "until", "message"), [
    ("2024-02-30", None, "since: '2024-02-30' is not an ISO date"),
    ("2024-03-10", "2024-03-01", "since 2024-03-10 is after until 2024-03-01"),
])
def test_bad_windows_are_refused_with_the_reason(two_sides: list[dict[str, Any]], since: str, until: str | None,
                                                 message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compare(two_sides, subject_party="Southland", category="killed", since=since, until=until)


def _swap(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with Northland and Southland exchanged in every text field."""
    def swap(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        for a, b in (("Northland", "\0"), ("Southland", "Northland"), ("\0", "Southland")):
            value = value.replace(a, b)
        return value
    return [{k: swap(v) for k, v in r.items()} for r in rows]


def test_the_sides_swapped_give_the_same_figures(two_sides: list[dict[str, Any]]) -> None:
    def figures(c: Comparison) -> list[tuple[Any, ...]]:
        return sorted((r.modality, r.basis, r.value, r.ratio, r.is_reference) for r in c.rows)

    straight = compare(two_sides, subject_party="Southland", category="killed")
    mirrored = compare(_swap(two_sides), subject_party="Northland", category="killed")
    assert figures(straight) == figures(mirrored)
    assert {r.claimant for r in mirrored.rows} == {"Southland army", "Northland ministry"}


def test_seeds_armed_wing_weekly_claim_against_the_armys_acknowledged_total(seeds_gold: list[dict[str, Any]]) -> None:
    # "more than 60" soldiers killed over 18-25 January against 219 acknowledged since 27 October
    c = compare(seeds_gold, subject_party="Israel", category="killed", since="2024-01-18", until="2024-01-25")
    rows = by_claimant(c)
    # the registry makes Abu Obeida the voice of the al-Qassam Brigades: one claimant
    wing, army = rows["al-Qassam Brigades"], rows["Israel"]
    assert (wing.value, wing.qualifiers, wing.coverage, wing.partial) == (60, ("more_than",), 1.0, False)
    assert army.is_reference and army.modality == "acknowledged" and army.partial
    assert army.value == pytest.approx(219 * 8 / 92)  # 92 days from 27 October to 26 January
    assert wing.ratio == pytest.approx(60 / (219 * 8 / 92)) and 3.1 < (wing.ratio or 0) < 3.2
    assert rows["Hamas"].value is None  # its claim is for November
    assert any("casualties" in n for n in c.notes)
    default = compare(seeds_gold, subject_party="Israel", category="killed")
    assert (str(default.since), default.window_from) == ("2024-01-18", "best covered")
