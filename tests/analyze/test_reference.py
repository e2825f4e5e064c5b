"""One claimant's running total over another's, aligned on dates; and on the real series."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from claimledger.analyze import Side, ratio_over_time
from claimledger.errors import ConfigError
from claimledger.models import ExtractionResult

RowFactory = Callable[..., dict[str, Any]]
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def running(make_row: RowFactory, who: str, party: str, modality: str, points: dict[str, int],
            subject: str = "tanks") -> list[dict[str, Any]]:
    return [make_row(claimant=who, claimant_party=party, modality=modality, category="equipment_destroyed",
                     subject=subject, subject_party="Southland", period_kind="cumulative", value=v,
                     period_start="2024-01-01", period_end=day, published=day) for day, v in points.items()]


@pytest.fixture()
def claimed_and_verified(make_row: RowFactory) -> list[dict[str, Any]]:
    claims = running(make_row, "Northland General Staff", "Northland", "claimed",
                     {"2024-03-01": 300, "2024-03-02": 310, "2024-03-05": 330, "2024-03-20": 400})
    verified = running(make_row, "Open-source counters", "media", "reported",
                       {"2024-03-01": 100, "2024-03-04": 120})
    return claims + verified


def ratio(rows: Iterable[dict[str, Any]], **kw: Any) -> list[Any]:
    return ratio_over_time(rows, **{"numerator": "General Staff", "denominator": "counters",
                                    "category": "equipment_destroyed", "subject_party": "Southland", **kw})


def test_points_pair_with_the_latest_reference_point_within_the_lag(claimed_and_verified: list[dict[str, Any]]) -> None:
    points = ratio(claimed_and_verified)
    assert [(p.day.isoformat(), p.numerator, p.denominator, p.lag_days) for p in points] == [
        ("2024-03-01", 300, 100, 0), ("2024-03-02", 310, 100, 1), ("2024-03-05", 330, 120, 1)]
    assert [round(p.ratio, 3) for p in points] == [3.0, 3.1, 2.75]  # 2024-03-20 is 16 days after 03-04
    assert points[0].denominator_day == date(2024, 3, 1)
    first = claimed_and_verified[0], claimed_and_verified[4]
    assert points[0].numerator_claim_ids == (first[0]["claim_id"],)
    assert points[0].denominator_claim_ids == (first[1]["claim_id"],)
    assert set(points[0].document_ids) == {r["document_id"] for r in first}
    assert len(ratio(claimed_and_verified, max_lag_days=30)) == 4
    assert len(ratio(claimed_and_verified, max_lag_days=0)) == 1


def test_sides_by_party_and_modality(claimed_and_verified: list[dict[str, Any]], make_row: RowFactory) -> None:
    by_party = ratio_over_time(claimed_and_verified, numerator="Northland", denominator=Side(claimant="media"),
                               category="equipment_destroyed", subject_party="Southland")
    assert len(by_party) == 3
    denied = running(make_row, "Northland General Staff", "Northland", "denied", {"2024-03-01": 5})
    assert ratio([*claimed_and_verified, *denied])[0].numerator == 300  # a denial is no running total
    assert ratio(claimed_and_verified, numerator=Side(claimant="General Staff", modality="acknowledged")) == []


def test_running_totals_of_several_things_must_be_narrowed(claimed_and_verified: list[dict[str, Any]],
                                                           make_row: RowFactory) -> None:
    rows = [*claimed_and_verified,
            *running(make_row, "Open-source counters", "media", "reported", {"2024-03-01": 900},
                     subject="tanks and armoured vehicles")]
    with pytest.raises(ConfigError, match="several subjects: tanks, tanks and armoured vehicles"):
        ratio(rows)
    assert ratio(rows, subject_contains="Tanks")[0].denominator == 100  # the exact name wins
    assert ratio(rows, subject_contains="armoured") == []  # the numerator counts no such thing
    with pytest.raises(ConfigError, match="max_lag_days"):
        ratio(rows, max_lag_days=-1)


def test_period_claims_take_no_part(claimed_and_verified: list[dict[str, Any]], make_row: RowFactory) -> None:
    week = make_row(claimant="Northland General Staff", claimant_party="Northland", category="equipment_destroyed",
                    subject="tanks", subject_party="Southland", period_kind="period", value=5000,
                    period_start="2024-02-24", period_end="2024-03-01", published="2024-03-01")
    assert [p.numerator for p in ratio([week, *claimed_and_verified])][:1] == [300]


def _rows(results: Iterable[ExtractionResult], subject: str) -> list[dict[str, Any]]:
    """Ledger rows of one subject from series results, as the store would hand them on."""
    out = []
    for result in results:
        doc = result.document
        for i, claim in enumerate(result.claims):
            if claim.subject == subject:
                cid = f"{doc.doc_id}:{i}"
                out.append({**claim.to_dict(), "claim_id": cid, "assertion_id": cid, "document_id": doc.doc_id,
                            "published": doc.published, "review_status": "unreviewed"})
    return out


def test_general_staff_tank_claims_against_oryx_verified_tanks() -> None:
    series = pytest.importorskip("claimledger.ingest.series")
    staff_file = DATA / "ua_general_staff" / "russia_losses_equipment.json"
    oryx_file = DATA / "oryx" / "derived_oryx_alltypes_tanks_from_git_history.csv"
    if not (staff_file.is_file() and oryx_file.is_file()):
        pytest.skip("../shared/data is not present")
    rows = _rows(series.read_series(staff_file), "tanks") + _rows(series.read_series(oryx_file), "tanks")
    points = ratio_over_time(rows, numerator="General Staff", denominator="Oryx", category="equipment_destroyed",
                             subject_party="Russia", subject_contains="tanks")
    assert len(points) > 1000
    by_day = {p.day.isoformat(): p for p in points}
    # figures of both datasets on 2024-09-03: 8,611 claimed, 3,354 photo-verified
    assert (by_day["2024-09-03"].numerator, by_day["2024-09-03"].denominator) == (8611, 3354)
    assert all(0 <= p.lag_days <= 7 for p in points)
    ratios = [p.ratio for p in points if p.ratio]
    # the claimed count ran from about 1.5 times the verified one (April 2022) to 2.7 (July 2025)
    assert 1.4 < min(ratios) < 1.6 and max(ratios) < 3.0
    assert by_day["2022-04-13"].ratio == pytest.approx(739 / 505)
    assert points[-1].ratio is not None and 2.6 < points[-1].ratio < 2.8
