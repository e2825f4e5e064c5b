"""Each flag kind on a true case and on a look-alike that must not be flagged, and claimant folding."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claimledger.analyze import claimant_list, find_flags, fold_claimants

RowFactory = Callable[..., dict[str, Any]]
WEEK = dict(period_kind="period", period_start="2024-03-01", period_end="2024-03-07")


def kinds(rows: list[dict[str, Any]]) -> list[str]:
    return [f.kind for f in find_flags(rows)]


def test_revised_claim_true_and_a_women_figure_against_a_children_figure(make_row: RowFactory) -> None:
    first = make_row(**WEEK, value=70, subject="civilians", subject_party="civilians", published="2024-03-08")
    later = make_row(**WEEK, value=75, subject="civilians", subject_party="civilians", published="2024-03-10")
    assert kinds([first, later]) == ["revised_claim"]
    women = make_row(**WEEK, value=20, subject="women", subject_party="civilians", published="2024-03-08")
    children = make_row(**WEEK, value=31, subject="children", subject_party="civilians", published="2024-03-10")
    assert kinds([women, children]) == []


def test_two_figures_of_one_report_are_not_a_revision(make_row: RowFactory) -> None:
    one = make_row(**WEEK, value=70, document_id="d1", published="2024-03-08")
    two = make_row(**WEEK, value=12, document_id="d1", published="2024-03-08")
    assert kinds([one, two]) == []


def test_revision_down_true_and_a_childrens_toll_after_the_whole_toll(make_row: RowFactory) -> None:
    def total(value: int, day: str, subject: str = "Palestinians") -> dict[str, Any]:
        return make_row(period_kind="cumulative", value=value, period_start="2023-10-07", period_end=day,
                        published=day, subject=subject, subject_party="civilians")
    assert kinds([total(30000, "2024-03-01"), total(29000, "2024-03-05")]) == ["revision_down"]
    assert kinds([total(30000, "2024-03-01"), total(12000, "2024-03-05", "children")]) == []


def test_breakdown_true_and_a_running_total_linked_to_one_incident(make_row: RowFactory) -> None:
    incident = make_row(period_kind="event", value=50, period_start="2024-03-02", period_end="2024-03-02")
    part = make_row(period_kind="event", value=60, period_start="2024-03-02", period_end="2024-03-02",
                    part_of=incident["claim_id"])
    assert kinds([incident, part]) == ["breakdown_exceeds_total"]
    running = make_row(period_kind="cumulative", value=683, period_start="2023-10-07", period_end="2024-03-02",
                       part_of=incident["claim_id"])
    assert kinds([incident, running]) == []
    elsewhere = make_row(period_kind="event", value=60, period_start="2024-02-20", period_end="2024-02-20",
                         part_of=incident["claim_id"])
    assert kinds([incident, elsewhere]) == []  # a day outside the total's period is no part of it


def test_unexplained_jump_true_and_another_groups_daily_figures(make_row: RowFactory) -> None:
    def total(value: int, day: str) -> dict[str, Any]:
        return make_row(period_kind="cumulative", value=value, period_start="2024-01-01", period_end=day,
                        published=day)

    def daily(day: str, subject: str = "soldiers") -> dict[str, Any]:
        return make_row(period_kind="event", value=5, period_start=day, period_end=day, published=day,
                        subject=subject)
    days = [f"2024-03-0{d}" for d in range(2, 9)]
    assert kinds([total(100, "2024-03-01"), total(200, "2024-03-08"), *map(daily, days)]) == ["unexplained_jump"]
    # the children's daily figures say nothing of how the whole toll may grow
    assert kinds([total(100, "2024-03-01"), total(200, "2024-03-08"),
                  *(daily(d, "children") for d in days)]) == []


def test_flags_of_one_claimant_in_two_wars_stay_apart(make_row: RowFactory) -> None:
    def total(value: int, day: str, claimant_party: str, conflict: str) -> dict[str, Any]:
        return make_row(claimant="UN", claimant_party="UN", period_kind="cumulative", value=value,
                        period_start="2022-02-24", period_end=day, published=day, subject_party="civilians",
                        conflict=conflict)
    rows = [total(10500, "2024-03-01", "UN", "russia-ukraine"), total(9000, "2024-03-02", "UN", "israel-gaza")]
    assert kinds(rows) == []


# -- claimant identity ---------------------------------------------------------------------------

def folded(*names: tuple[str, str], document_id: str = "d") -> list[str]:
    rows = [{"claimant": n, "claimant_party": p, "document_id": document_id, "claim_id": str(i)}
            for i, (n, p) in enumerate(names)]
    return [r["claimant"] for r in fold_claimants(rows)]


@pytest.mark.parametrize(("names", "party"), [
    (["Israeli army", "Army", "IDF", "Israel's military"], "Israel"),
    (["Health Ministry", "health Ministry", "Lebanon's Health Ministry"], "Lebanon"),
    (["Russian Defense Ministry", "Russia's Defence Ministry", "Russian MoD", "russian defence ministry"], "Russia"),
    (["Firass Abiad", "Abiad", "Firas Abiad"], "Lebanon"),
    (["U.N.", "United Nations", "UN"], "UN"),
    (["General Staff spokesman", "Ukraine's General Staff"], "Ukraine"),
])
def test_registry_spellings_fold_to_one_claimant(names: list[str], party: str) -> None:
    assert len(set(folded(*((n, party) for n in names)))) == 1


def test_the_same_words_for_another_side_are_another_claimant() -> None:
    gaza, lebanon = folded(("Health Ministry", "Palestinians"), ("Health Ministry", "Lebanon"))
    assert gaza != lebanon


def test_names_unknown_to_the_registry() -> None:
    # spelling variants and a surname after the full name fold; two people of one party stay two
    names = [("Colonel Amadou Traorre", "Northland"), ("Colonel Amadou Traore", "Northland"),
             ("Traore", "Northland"), ("Amina Diallo", "Northland"), ("Amina Diallo-Sow", "Northland")]
    out = folded(*names)
    assert out[0] == out[1] == out[2]
    assert out[3] != out[0] and out[3] != out[4]
    # a surname two people of the party share stays as written
    assert folded(("Ahmed Nasser", "Southland"), ("Omar Nasser", "Southland"), ("Nasser", "Southland"))[2] == "Nasser"


def test_the_claimant_list_has_one_row_per_claimant() -> None:
    rows = [{"claimant": n, "claimant_party": "Russia", "document_id": "d", "claim_id": str(i)}
            for i, n in enumerate(["Russian Defense Ministry", "Russia's Defence Ministry", "Russian MoD",
                                   "Alexei Smirnov", "Sergei Shoigu"])]
    listed = {c.name: c for c in claimant_list(rows)}
    ministry = listed["Russian Defence Ministry"]
    assert ministry.claims == 3 and "Russian MoD" in ministry.spellings
    assert len(listed) == 3
