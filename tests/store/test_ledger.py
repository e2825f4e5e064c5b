"""The ledger's behaviour, the same on SQLite and on PostgreSQL (``ledger_url`` runs each test on both)."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult, IngestError
from claimledger.errors import ReviewError, StoreError
from claimledger.store import ClaimFilter, open_ledger


def _claim(**kw: object) -> Claim:
    base: dict[str, object] = dict(
        claimant="Army spokesman", claimant_party="Ukraine", modality="claimed", category="equipment_destroyed",
        value=12, qualifier="exact", subject="tanks", subject_party="Russia", period_kind="event",
        period_start="2024-03-03", period_end="2024-03-03", location="Avdiivka", latitude=48.14, longitude=37.74,
        evidence=(Evidence(text="destroyed 12 tanks", start=0, end=18),), confidence=0.9)
    base.update(kw)
    return Claim(**base)  # type: ignore[arg-type]


def _result(text: str, claims: list[Claim], **doc: object) -> ExtractionResult:
    return ExtractionResult(document=Document(text=text, **doc), claims=tuple(claims))  # type: ignore[arg-type]


def test_adding_the_same_results_twice_adds_nothing(ledger_url: str, article_results: list) -> None:
    with open_ledger(ledger_url) as ledger:
        first = ledger.add_results(article_results, batch_size=5)
        once = ledger.counts()
        second = ledger.add_results(article_results, batch_size=5)
        assert ledger.counts() == once
    assert first.documents_added == len(article_results)
    assert first.claims_added == sum(len(r.claims) for r in article_results) == once["claims"] > 100
    assert second.documents_added == 0 and second.documents_skipped == len(article_results)


def test_ledger_survives_reopening(ledger_url: str, article_results: list) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.add_results(article_results[:3])
        before = ledger.claims()
    with open_ledger(ledger_url) as ledger:
        assert ledger.claims() == before


def test_relayed_claim_is_one_assertion_with_every_report(ledger_url: str, article_results: list, relay) -> None:
    original = next(r for r in article_results if len(r.claims) >= 3)
    relays = [relay(original, outlet=f"Wire {i}", suffix=f"Carried by wire {i} with a new closing line.")
              for i in range(3)]
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([original, *relays])
        rows = ledger.claims(document_id=original.document.doc_id)
        assertions = ledger.assertions(document_id=[original.document.doc_id, *(r.document.doc_id for r in relays)])
    assert len(rows) == len(original.claims)
    assert all(r["relay_count"] == 4 for r in rows)
    assert all(r["outlet_count"] == 4 for r in rows)
    # the relays are near-copies of one report: one independent source, not four
    assert all(r["independent_count"] == 1 for r in rows)
    merged = {a["assertion_id"]: a for a in assertions}
    assert all(len(a["document_ids"]) == 4 for a in merged.values())


def test_same_figure_from_another_side_is_another_assertion(ledger_url: str) -> None:
    a = _result("Report A says the army destroyed 12 tanks near Avdiivka.", [_claim()], outlet="A")
    b = _result("Report B says the other army destroyed 12 tanks near Avdiivka.",
                [_claim(claimant="Defence ministry", claimant_party="Russia", subject_party="Ukraine")], outlet="B")
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([a, b])
        rows = ledger.claims()
    assert len({r["assertion_id"] for r in rows}) == 2
    assert [r["relay_count"] for r in rows] == [1, 1]


def test_unnamed_claimants_merge_only_by_name(ledger_url: str) -> None:
    a = _result("Text one.", [_claim(claimant="a local official", claimant_party="unknown")])
    b = _result("Text two.", [_claim(claimant="A Local  Official", claimant_party="unknown")])
    c = _result("Text three.", [_claim(claimant="a hospital director", claimant_party="unknown")])
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([a, b, c])
        ids = {r["claimant"]: r["assertion_id"] for r in ledger.claims()}
    assert ids["a local official"] == ids["A Local  Official"] != ids["a hospital director"]


def test_changed_text_at_the_same_url_is_a_new_version(ledger_url: str) -> None:
    url = "https://example.org/news/1"
    v1 = _result("First text of the story: 12 tanks.", [_claim()], url=url, published="2024-03-03")
    v2 = _result("Updated story: the army now says 14 tanks.", [_claim(value=14)], url=url, published="2024-03-04")
    with open_ledger(ledger_url) as ledger:
        stats = ledger.add_results([v1])
        stats2 = ledger.add_results([v2])
        doc = ledger.document(v2.document.doc_id)
        assert ledger.document(v1.document.doc_id)["previous_version_id"] is None
    assert stats.new_versions == 0 and stats2.new_versions == 1
    assert doc["previous_version_id"] == v1.document.doc_id


def test_filters(ledger_url: str) -> None:
    claims = [
        _claim(),
        _claim(category="killed", subject="soldiers", value=40, claimant="Defence ministry",
               claimant_party="Russia", subject_party="Ukraine", modality="claimed", location="Kupiansk",
               period_kind="period", period_start="2024-02-01", period_end="2024-02-07"),
        _claim(category="killed", subject="civilians", value=3, modality="reported", claimant="Regional governor",
               claimant_party="Ukraine", subject_party="civilians", location=None, latitude=None, longitude=None,
               period_start="2024-04-10", period_end="2024-04-10"),
    ]
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([_result("Three claims, 100% real_text.", claims, outlet="Example Wire",
                                    published="2024-04-11", title="Front line roundup")])
        def values(**kw: object) -> list[int]:
            return sorted(r["value"] for r in ledger.claims(**kw))
        assert values() == [3, 12, 40]
        assert values(category="killed") == [3, 40]
        assert values(category=["killed", "equipment_destroyed"]) == [3, 12, 40]
        assert values(claimant_party="Russia") == [40]
        assert values(subject_party="civilians") == [3]
        assert values(claimant="GOVERNOR") == [3]
        assert values(modality="reported") == [3]
        assert values(period_kind="period") == [40]
        assert values(since="2024-03-01") == [3, 12]
        assert values(until="2024-02-03") == [40]           # the period overlaps the window
        assert values(since="2024-02-08", until="2024-03-02") == []
        assert values(location="kupi") == [40]
        assert values(outlet="example") == [3, 12, 40]
        assert values(text="roundup") == [3, 12, 40]         # the title is searched too
        assert values(text="x%y") == []
        assert values(text="l_t") == []
        assert values(limit=2) == [12, 40]
        assert len(ledger.claims(limit=1, offset=2)) == 1
        assert ledger.count_claims(category="killed") == 2
        assert dict(ledger.facets("category")) == {"killed": 2, "equipment_destroyed": 1}


def test_bad_filter_values_are_refused() -> None:
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        ClaimFilter(since="March")


def test_review_correct_reject_confirm_with_audit_log(ledger_url: str) -> None:
    a = _result("Report A.", [_claim()], outlet="A")
    b = _result("Report B.", [_claim()], outlet="B")
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([a, b])
        first, second = sorted(ledger.claims(), key=lambda r: r["outlet"])
        assert first["assertion_id"] == second["assertion_id"] and first["relay_count"] == 2
        row = ledger.review(first["claim_id"], "correct", changes={"value": "15", "location": ""},
                            note="the video shows 15", reviewer="analyst")
        assert (row["value"], row["location"], row["review_status"]) == (15, None, "corrected")
        # the corrected claim is now its own assertion; the other keeps the old one alone
        assert row["assertion_id"] != first["assertion_id"] and row["relay_count"] == 1
        assert ledger.claim(second["claim_id"])["relay_count"] == 1
        assert row["audit"][0]["changes"] == {"value": [12, 15], "location": ["Avdiivka", None]}
        ledger.review(second["claim_id"], "reject", note="duplicate of a retracted post", reviewer="analyst")
        assert [r["claim_id"] for r in ledger.claims()] == [first["claim_id"]]
        assert len(ledger.claims(include_rejected=True)) == 2
        assert ledger.claims(review_status="rejected")[0]["claim_id"] == second["claim_id"]
        ledger.review(first["claim_id"], "confirm", note="checked", reviewer="analyst")
        log = ledger.claim(first["claim_id"])["audit"]
        assert [e["action"] for e in log] == ["correct", "confirm"]
        assert ledger.claims()[0]["value"] == 15          # the correction still wins
        assert ledger.counts()["reviews"] == 3


@pytest.mark.parametrize("action, changes, message", [
    ("approve", None, "unknown review action"),
    ("correct", {"evidence": "x"}, "cannot be corrected"),
    ("correct", {"category": "exploded"}, "category must be one of"),
    ("correct", {"value": "many"}, "whole number"),
    ("correct", {"latitude": 123}, "within"),
    ("correct", {"period_start": "yesterday"}, "YYYY-MM-DD"),
    ("correct", {"value": 12}, "changes nothing"),
    ("reject", {"value": 3}, "only 'correct'"),
])
def test_bad_reviews_are_refused_and_change_nothing(ledger_url: str, action: str, changes: dict | None,
                                                    message: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([_result("Report.", [_claim()])])
        before = ledger.claims()
        with pytest.raises(ReviewError, match=message):
            ledger.review(before[0]["claim_id"], action, changes=changes, reviewer="analyst")
        assert ledger.claims() == before and ledger.counts()["reviews"] == 0
        with pytest.raises(ReviewError, match="no claim"):
            ledger.review("0000000000000000", "confirm", reviewer="analyst")
        with pytest.raises(ReviewError, match="reviewer's name"):
            ledger.review(before[0]["claim_id"], "confirm", reviewer="  ")


def test_ingest_errors_are_kept(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.record_errors([IngestError("feed.xml", "HTTP 503"), IngestError("b.bin", "binary file")])
        assert sorted((e["source"], e["reason"]) for e in ledger.errors()) == [("b.bin", "binary file"),
                                                                              ("feed.xml", "HTTP 503")]
        assert ledger.counts()["errors"] == 2


def test_breakdowns_point_to_their_total(ledger_url: str) -> None:
    total = _claim(category="killed", value=10, subject="people")
    part = replace(_claim(category="killed", value=4, subject="children"), part_of=0)
    with open_ledger(ledger_url) as ledger:
        ledger.add_results([_result("Ten killed, four of them children.", [total, part])])
        t, p = sorted(ledger.claims(), key=lambda r: r["claim_index"])
    assert p["part_of"] == t["claim_id"] and t["part_of"] is None


# -- databases that are not ledgers -----------------------------------------------------------

def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_ledger(path)
    assert path.read_bytes() == before


def test_another_applications_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    con.execute("INSERT INTO customers VALUES (1, 'x')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a claimledger ledger.*customers"):
        open_ledger(path)
    assert path.read_bytes() == before


def test_a_corrupt_ledger_gets_a_clear_error(tmp_path: Path, article_results: list) -> None:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.add_results(article_results[:6])
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, min(len(data), 6 * page)):   # scribble over b-tree pages, keep the header
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="corrupt|malformed|not a usable"):
        open_ledger(path)


def test_a_newer_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    open_ledger(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', 'now')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        open_ledger(path)


def test_foreign_postgres_database_is_refused(postgres_url: str) -> None:
    import psycopg
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a claimledger ledger.*invoices"):
        open_ledger(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = current_schema()")}
    assert tables == {"invoices"}


def test_unreachable_server_and_unknown_urls(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        open_ledger("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="unknown ledger URL"):
        open_ledger("mysql://x/y")
    with pytest.raises(StoreError, match="does not exist"):
        open_ledger(tmp_path / "missing" / "ledger.db")
