"""Re-extraction after a registry change fixes old claims and keeps (or reports) every review."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult
from claimledger.flow import reextract, run_ingest
from claimledger.store import open_ledger, schema

TEXT = ("The Strelzov Command said on Monday that its forces had killed 40 enemy fighters near the border "
        "and destroyed 3 tanks.\n\nIt said 12 of its soldiers were wounded in the fighting, according to a "
        "statement.")
#: A registry that knows who the Strelzov Command is; the shipped one does not.
ALIAS = """parties:
  - name: Ruritania
    kind: belligerent
    names: [Ruritania]
    demonyms: [Ruritanian]
    organs:
      - name: Ruritanian army
        aliases: ["Ruritanian army", "Strelzov Command"]
        role: military
"""


@pytest.fixture
def registry(tmp_path: Path) -> str:
    path = tmp_path / "ruritania.yaml"
    path.write_text(ALIAS, encoding="utf-8")
    return str(path)


def _by_category(ledger) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {r["category"]: r for r in ledger.claims(include_rejected=True, document_id=Document(text=TEXT).doc_id)}


def test_reextract_with_a_new_alias_fixes_claims_and_keeps_reviews(tmp_path: Path, registry: str) -> None:
    with open_ledger(tmp_path / "l.db") as ledger:
        run_ingest([Document(text=TEXT, source="report.txt", published="2024-03-04")], ledger)
        before = _by_category(ledger)
        assert {r["claimant_party"] for r in before.values()} == {"media"}       # the alias is unknown
        killed, tanks, wounded = before["killed"], before["equipment_destroyed"], before["wounded"]
        ledger.review(killed["claim_id"], "correct", changes={"value": 41}, reviewer="ana", note="video")
        ledger.review(tanks["claim_id"], "reject", reviewer="ben", note="not a claim of losses")
        ledger.review(wounded["claim_id"], "confirm", reviewer="ana")

        summary = reextract(ledger, registry_files=(registry,))

        after = _by_category(ledger)
        report = summary.report
        assert (report.documents, report.claims_matched, report.claims_new, report.reviews_kept) == (1, 3, 0, 3)
        assert report.orphaned == []
        # the alias now names the claimant everywhere, and every claim kept its id
        assert {r["claimant_party"] for r in after.values()} == {"Ruritania"}
        assert {r["claim_id"] for r in after.values()} == {r["claim_id"] for r in before.values()}
        # the correction and the rejection survive; the confirmation is kept and flagged for a second look
        assert (after["killed"]["value"], after["killed"]["review_status"]) == (41, "corrected")
        assert after["equipment_destroyed"]["review_status"] == "rejected"
        assert after["wounded"]["review_status"] == "confirmed"
        rechecked = {r["claim_id"]: r["fields"] for r in report.recheck}
        assert rechecked[wounded["claim_id"]]["claimant_party"] == ["media", "Ruritania"]
        # nothing in the audit log changed, and each row says which extractor made it and when
        assert [a["action"] for a in ledger.audit(killed["claim_id"])] == ["correct"]
        assert ledger.counts()["reviews"] == 3
        assert all("+registry." in r["extractor_version"] for r in after.values())
        assert all(r["extracted_at"] > before["killed"]["extracted_at"] for r in after.values())
        # the assertion of the corrected claim holds the corrected figure under the new claimant
        assert ledger.claims(assertion_id=after["killed"]["assertion_id"])[0]["value"] == 41


def test_a_reviewed_claim_no_longer_extracted_is_kept_and_reported(tmp_path: Path) -> None:
    # A claim the current extractor does not make (as an older one might have), reviewed.
    text = "A quiet day: 7 goats crossed the road, the mayor said."
    odd = Claim(claimant="the mayor", claimant_party="other", modality="claimed", category="killed", value=7,
                qualifier="exact", subject="goats", subject_party="unknown",
                evidence=(Evidence(text=text[:12], start=0, end=12),), confidence=0.3)
    with open_ledger(tmp_path / "l.db") as ledger:
        ledger.add_results([ExtractionResult(document=Document(text=text, source="odd.txt"), claims=(odd, odd))])
        first, second = ledger.claims()
        ledger.review(first["claim_id"], "confirm", reviewer="ana")
        summary = reextract(ledger)
        orphaned = summary.report.orphaned
        assert [o["claim_id"] for o in orphaned] == [first["claim_id"]]
        assert orphaned[0]["reviewers"] == ["ana"] and orphaned[0]["source"] == "odd.txt"
        kept = ledger.claim(first["claim_id"])
        assert kept is not None and kept["review_status"] == "confirmed" and len(kept["audit"]) == 1
        assert ledger.claim(second["claim_id"]) is None                  # unreviewed and gone
        assert summary.report.claims_removed == 1


def test_reextract_selects_documents_and_sets_their_outlet(tmp_path: Path, registry: str) -> None:
    other = "Officials said 5 people were killed in a strike on Tuesday."
    with open_ledger(tmp_path / "l.db") as ledger:
        run_ingest([Document(text=TEXT, source="a/report.txt", published="2024-03-04"),
                    Document(text=other, source="b/other.txt", published="2024-05-01")], ledger)
        untouched = ledger.claims(document_id=Document(text=other).doc_id)
        summary = reextract(ledger, source="a/", registry_files=(registry,), set_outlet="Ruritanian Radio")
        assert summary.report.documents == 1
        assert ledger.document(Document(text=TEXT).doc_id)["outlet"] == "Ruritanian Radio"
        assert ledger.claims(document_id=Document(text=other).doc_id) == untouched
        assert reextract(ledger, since="2024-04-01", until="2024-05-31").report.documents == 1
        assert reextract(ledger, ids=["0" * 16]).report.documents == 0


def test_reingest_says_what_it_ignored_and_points_to_reextract(tmp_path: Path, registry: str) -> None:
    doc = Document(text=TEXT, source="report.txt", published="2024-03-04")
    with open_ledger(tmp_path / "l.db") as ledger:
        run_ingest([doc], ledger)
        again = run_ingest([Document(text=TEXT, source="report.txt", published="2024-03-05", outlet="Radio")],
                           ledger, registry_files=(registry,))
        subject, note = again.warnings[0]
        assert subject == "1 document already in the ledger"
        assert "outlet 'Radio'" in note and "date 2024-03-05" in note and "--registry" in note
        assert "claimledger reextract" in note
        assert run_ingest([doc], ledger).warnings == []                   # nothing new: nothing to say


def test_a_ledger_made_before_extracted_at_gets_it_from_the_ingest_time(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(schema, "LATEST", 1)
        with open_ledger(path) as old:
            old.db.execute("INSERT INTO documents (id, source, language, text, ingested_at, cluster_id) "
                           "VALUES ('d1', 's', 'en', 'x', '2024-01-02T00:00:00', 'd1')")
            old.db.execute("INSERT INTO assertions (id, claimant_party, claimant_key, category, subject_party, "
                           "period_kind) VALUES ('a1', 'Israel', '', 'killed', 'Israel', 'event')")
            old.db.execute("INSERT INTO claims (id, document_id, claim_index, assertion_id, claimant, claimant_party, "
                           "modality, category, value, qualifier, subject, subject_party, period_kind, evidence, "
                           "evidence_text, confidence, extractor_version) VALUES ('c1', 'd1', 0, 'a1', 'army', "
                           "'Israel', 'claimed', 'killed', 3, 'exact', 'soldiers', 'Israel', 'event', '[]', '', "
                           "0.5, 'old')")
            old.db.conn.commit()
    with open_ledger(path) as ledger:
        row = ledger.claim("c1")
        assert row is not None
        assert (row["value"], row["extractor_version"], row["extracted_at"]) == (3, "old", "2024-01-02T00:00:00")
