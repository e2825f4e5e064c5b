"""Review values are checked before they are written: real days, periods in order, known sides."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult
from claimledger.errors import ReviewError
from claimledger.flow import registry_parties
from claimledger.store import open_ledger


@pytest.fixture
def ledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    text = "The army said it killed between 10 and 15 militants from 3 to 5 March."
    claim = Claim(claimant="the army", claimant_party="Israel", modality="claimed", category="killed", value=None,
                  qualifier="range", low=10, high=15, subject="militants", subject_party="Hamas fighters",
                  period_kind="period", period_start="2024-03-03", period_end="2024-03-05",
                  evidence=(Evidence(text=text[:8], start=0, end=8),), confidence=0.9)
    with open_ledger(tmp_path / "ledger.db") as opened:
        opened.add_results([ExtractionResult(document=Document(text=text, source="r.txt", published="2024-03-06"),
                                             claims=(claim,))])
        yield opened


@pytest.mark.parametrize("changes, message", [
    ({"period_start": "2024-02-30"}, "2024-02-30 is not a day of the calendar"),
    ({"period_end": "2023-13-01"}, "2023-13-01 is not a day of the calendar"),
    ({"period_start": "2024-03-09"}, "period_start 2024-03-09 is after period_end 2024-03-05"),
    ({"period_start": "2024-03-09", "period_end": "2024-03-08"}, "is after period_end"),
    ({"low": 20}, "low 20 is above high 15"),
    ({"subject_party": "Narnia"}, "'Narnia' is not a known side"),
    ({"claimant_party": "<script>"}, "is not a known side"),
])
def test_bad_review_values_are_refused_with_the_reason(ledger, changes: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    claim_id = ledger.claims()[0]["claim_id"]
    with pytest.raises(ReviewError, match=message):
        ledger.review(claim_id, "correct", changes=changes, reviewer="analyst", parties=registry_parties())
    assert ledger.audit(claim_id) == []


def test_good_review_values_are_written_in_the_ledgers_spelling(ledger) -> None:  # type: ignore[no-untyped-def]
    claim_id = ledger.claims()[0]["claim_id"]
    row = ledger.review(claim_id, "correct", changes={"period_start": "2024-02-29", "subject_party": "palestinians",
                                                      "claimant_party": "hamas fighters"}, reviewer="analyst",
                        parties=registry_parties())
    assert row["period_start"] == "2024-02-29"           # a real leap day
    assert row["subject_party"] == "Palestinians"        # the registry's spelling
    assert row["claimant_party"] == "Hamas fighters"     # a side the ledger already holds
    row = ledger.review(claim_id, "correct", changes={"subject_party": "civilians", "low": 15}, reviewer="analyst")
    assert (row["subject_party"], row["low"]) == ("civilians", 15)
