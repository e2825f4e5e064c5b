"""No single record stops a write: what the database refuses costs that document only.

Through the library API, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult
from claimledger.errors import IngestError
from claimledger.store import open_ledger
from claimledger.store.ledger import INT_MAX


def _result(text: str, *figures: int, source: str, part_of: tuple[int | None, ...] = ()) -> ExtractionResult:
    doc = Document(text=text, source=source, published="2024-03-04")
    claims = []
    for i, value in enumerate(figures):
        claims.append(Claim(claimant="the army", claimant_party="Israel", modality="claimed", category="killed",
                            value=value, qualifier="exact", subject="militants", subject_party="Palestinians",
                            period_kind="event", period_start="2024-03-03", period_end="2024-03-03",
                            evidence=(Evidence(text=text[:10], start=0, end=10),), confidence=0.8,
                            part_of=part_of[i] if i < len(part_of) else None))
    return ExtractionResult(document=doc, claims=tuple(claims))


def test_a_document_the_database_refuses_costs_only_itself(ledger_url: str) -> None:
    good = _result("The army said it killed 12 militants on Sunday.", 12, source="good.txt")
    refused = _result("The army said it killed 7 militants \ud800 on Sunday.", 7, source="bad.jsonl#2")
    other = _result("The army said it killed 9 militants on Sunday near Rafah.", 9, source="other.txt")
    with open_ledger(ledger_url) as ledger:
        stats = ledger.add_results([good, refused, other])
        assert stats.documents_added == 2 and stats.claims_added == 2
        assert [e.source for e in stats.rejected] == ["bad.jsonl#2"]
        assert "not written to the ledger" in stats.rejected[0].reason
        assert [(e["source"], e["attempts"]) for e in ledger.errors()] == [("bad.jsonl#2", 1)]
        again = ledger.add_results([good, refused, other])          # a rerun adds nothing new
        assert again.documents_added == 0 and again.documents_skipped == 2
        assert ledger.counts()["documents"] == 2 and ledger.counts()["claims"] == 2
        assert [(e["source"], e["attempts"]) for e in ledger.errors()] == [("bad.jsonl#2", 2)]


def test_figures_beyond_the_database_integer_range_are_not_counts(ledger_url: str) -> None:
    text = "The army said it killed 12345678901234567890 militants, 5 of them near Rafah, and 7 more."
    result = _result(text, 12345678901234567890, 5, 7, INT_MAX, source="big.txt", part_of=(None, 0, None, None))
    with open_ledger(ledger_url) as ledger:
        stats = ledger.add_results([result])
        assert stats.documents_added == 1 and stats.rejected == []
        rows = sorted(ledger.claims(), key=lambda r: r["claim_index"])
        doc = ledger.document(rows[0]["document_id"])
    assert [r["value"] for r in rows] == [5, 7, INT_MAX]            # the largest integer both hold is kept
    assert rows[0]["part_of"] is None                                # its total is gone, so is the link
    assert doc is not None
    assert any("12345678901234567890" in w and "not a count" in w for w in doc["warnings"])


def test_error_sources_that_are_not_text_are_stored_escaped(ledger_url: str) -> None:
    undecodable = "reports/bad\udcff\n.txt"                          # a file name holding byte 0xff
    with open_ledger(ledger_url) as ledger:
        ledger.record_errors([IngestError(undecodable, "empty file"),
                              IngestError("feed.jsonl#3", "odd \ud800 value \x00 here")])
        stored = {e["source"]: e["reason"] for e in ledger.errors()}
    assert stored["reports/bad\\xff\n.txt"] == "empty file"
    assert stored["feed.jsonl#3"] == "odd \\ud800 value \\x00 here"


@pytest.mark.parametrize("batch_size", [1, 3])
def test_the_batch_around_a_refused_document_is_written_whole(tmp_path, batch_size: int) -> None:
    results = [_result(f"The army said it killed {n} militants on day {n}.", n, source=f"r{n}.txt")
               for n in range(1, 6)]
    results[2] = _result("The army said it killed 3 militants on day \udfff.", 3, source="r3.txt")
    with open_ledger(tmp_path / "ledger.db") as ledger:
        stats = ledger.add_results(results, batch_size=batch_size)
        assert stats.documents_added == 4 and [e.source for e in stats.rejected] == ["r3.txt"]
        assert sorted(r["value"] for r in ledger.claims()) == [1, 2, 4, 5]
