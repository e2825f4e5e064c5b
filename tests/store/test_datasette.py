"""A ledger opened in Datasette with the shipped metadata: claims_view, full-text search,
declared foreign keys, internals hidden; and the schema migration that brought them."""
from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claimledger.models import Claim, Document, Evidence, ExtractionResult
from claimledger.serve.datasette import hidden_tables, metadata_for
from claimledger.store import open_ledger, schema

datasette_app = pytest.importorskip("datasette.app")


def _result(text: str, *, outlet: str, url: str, published: str, figures: list[tuple[str, int, str]],
            breakdown_first: bool = False) -> ExtractionResult:
    """A report whose sentences each state one figure (category, value, subject party)."""
    doc = Document(text=text, source=url, outlet=outlet, url=url, published=published, title=f"{outlet} report")
    claims = []
    for category, value, subject_party in figures:
        sentence = next(s for s in text.split(". ") if str(value) in s)
        start = text.index(sentence)
        claims.append(Claim(claimant="Health Ministry", claimant_party="Lebanon", modality="reported",
                            category=category, value=value, qualifier="exact", subject="people",
                            subject_party=subject_party, location="Tyre",
                            evidence=(Evidence(text=sentence, start=start, end=start + len(sentence)),)))
    if breakdown_first:   # the breakdown comes before its total in the claim list
        claims[0] = replace(claims[0], part_of=1)
    return ExtractionResult(document=doc, claims=tuple(claims))


REPORTS = [
    _result("Strikes on Tyre killed 12 people, the ministry said. Another 40 were wounded in the raids.",
            outlet="Reuters", url="https://example.org/a", published="2024-10-02",
            figures=[("killed", 12, "Lebanon"), ("wounded", 40, "Lebanon")]),
    _result("Of the dead, 5 were children. The ministry counted 31 killed in the Nabatieh shelling.",
            outlet="AP", url="https://example.org/b", published="2024-10-03",
            figures=[("killed", 5, "Lebanon"), ("killed", 31, "Lebanon")], breakdown_first=True),
]


def _fill(path: Path) -> None:
    with open_ledger(path) as ledger:
        ledger.add_results(REPORTS)


async def _get(ds: Any, url: str) -> Any:
    response = await ds.client.get(url)
    assert response.status_code == 200, (url, response.text[:500])
    return response


def _datasette(path: Path, metadata: dict[str, Any] | None = None) -> Any:
    return datasette_app.Datasette([str(path)], metadata=metadata or metadata_for(path))


def test_datasette_shows_claims_view_searches_and_hides_internals(tmp_path: Path) -> None:
    path = tmp_path / "lebanon.db"
    _fill(path)
    ds = _datasette(path)

    async def browse() -> None:
        tables = (await _get(ds, "/lebanon.json")).json()["tables"]
        shown = {t["name"] for t in tables if not t["hidden"]}
        hidden = {t["name"] for t in tables if t["hidden"]}
        assert {"claims", "documents", "assertions", "reviews", "ingest_errors"} <= shown
        assert {"document_bands", "ledger_meta", "schema_migrations", "claims_fts", "documents_fts"} <= hidden
        assert set(hidden_tables()) <= hidden

        assert "claims_view" in (await _get(ds, "/lebanon")).text
        assert "claimledger" in (await _get(ds, "/")).text       # the shipped title

        view = (await _get(ds, "/lebanon/claims_view.json?_shape=array&_sort=claim_index")).json()
        assert len(view) == 4
        row = next(r for r in view if r["value"] == 40)
        assert (row["published"], row["outlet"], row["url"]) == ("2024-10-02", "Reuters", "https://example.org/a")

        found = (await _get(ds, "/lebanon/claims_view.json?_search=Nabatieh&_shape=array")).json()
        assert [r["value"] for r in found] == [31]
        by_table = (await _get(ds, "/lebanon/claims.json?_search=wounded&_shape=array")).json()
        assert [r["value"] for r in by_table] == [40]
        docs = (await _get(ds, "/lebanon/documents.json?_search=children&_shape=array")).json()
        assert [d["outlet"] for d in docs] == ["AP"]

        page = (await _get(ds, "/lebanon/claims_view")).text
        assert "Claims, with their report" in page and "Nabatieh" in page

        # Declared foreign keys: Datasette links a claim to its report and its assertion.
        claims = (await _get(ds, "/lebanon/claims.json?_shape=array&_labels=on")).json()
        assert isinstance(claims[0]["document_id"], dict) and claims[0]["document_id"]["label"].endswith("report")
        assert isinstance(claims[0]["assertion_id"], dict)

    asyncio.run(browse())


def test_every_reference_is_a_declared_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "fk.db"
    _fill(path)
    con = sqlite3.connect(path)
    declared = {(t, r[3], r[2]) for t in ("documents", "document_bands", "claims", "reviews")
                for r in con.execute(f"PRAGMA foreign_key_list({t})")}
    con.close()
    assert declared == {
        ("documents", "previous_version_id", "documents"), ("documents", "duplicate_of", "documents"),
        ("documents", "cluster_id", "documents"), ("document_bands", "document_id", "documents"),
        ("claims", "document_id", "documents"), ("claims", "assertion_id", "assertions"),
        ("claims", "part_of", "claims"), ("reviews", "claim_id", "claims"),
    }


def test_search_follows_reviews_and_new_reports(tmp_path: Path) -> None:
    path = tmp_path / "sync.db"
    _fill(path)
    with open_ledger(path) as ledger:
        claim = ledger.claims(category="wounded")[0]
        ledger.review(claim["claim_id"], "correct", changes={"location": "Sidon"}, note="place", reviewer="ana")
        ledger.add_results([_result("Shelling near Marjayoun killed 7 people on Friday. No more.",
                                    outlet="AFP", url="https://example.org/c", published="2024-10-04",
                                    figures=[("killed", 7, "Lebanon")])])
        search = ledger.db.execute
        assert [r["rowid"] for r in search("SELECT rowid FROM claims_fts WHERE claims_fts MATCH 'Sidon'")] == \
            [r["rowid"] for r in search("SELECT rowid FROM claims WHERE id = ?", (claim["claim_id"],))]
        assert not search("SELECT rowid FROM claims_fts WHERE claims_fts MATCH 'location:Tyre' "
                          "AND rowid = (SELECT rowid FROM claims WHERE id = ?)", (claim["claim_id"],))
        assert len(search("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'Marjayoun'")) == 1
        assert search("INSERT INTO claims_fts (claims_fts) VALUES ('integrity-check')") == []


def test_an_older_ledger_is_migrated_without_losing_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    before_fks = tuple(m for m in schema.MIGRATIONS if m.version < 3)
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", before_fks)
        m.setattr(schema, "LATEST", before_fks[-1].version)
        _write_documents_as_before_version_4(m)
        _fill(path)
        with open_ledger(path) as old:
            claim = old.claims(category="wounded")[0]["claim_id"]
            old.review(claim, "confirm", note="checked", reviewer="ana")
    con = sqlite3.connect(path)
    rows_before = {t: con.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                   for t in ("documents", "document_bands", "claims", "assertions", "reviews")}
    con.close()

    with open_ledger(path) as ledger:
        assert ledger.db.execute("SELECT MAX(version) AS v FROM schema_migrations")[0]["v"] == schema.LATEST
        for table, rows in rows_before.items():
            assert ledger.db.execute(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == len(rows)
        hits = ledger.db.execute("SELECT c.id FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid "
                                 "WHERE claims_fts MATCH 'Nabatieh'")
        assert len(hits) == 1
        indexes = {r["name"] for r in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"documents_url", "documents_published", "documents_cluster", "claims_assertion"} <= indexes
    con = sqlite3.connect(path)
    rows_after = {t: con.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall() for t in rows_before}
    con.close()
    # version 4 adds documents.filed_from at the end, empty for documents written before it
    assert {row[-1] for row in rows_after["documents"]} == {None}
    rows_after["documents"] = [row[:-1] for row in rows_after["documents"]]
    assert rows_after == rows_before


def _write_documents_as_before_version_4(m: pytest.MonkeyPatch) -> None:
    """Documents written and read without the column version 4 adds, as claimledger did before it."""
    from claimledger.store import ledger as ledger_module

    columns, row = ledger_module.DOCUMENT_COLUMNS, ledger_module._document_row
    assert columns[-1] == "filed_from"
    m.setattr(ledger_module, "DOCUMENT_COLUMNS", columns[:-1])
    m.setattr(ledger_module, "_document_row", lambda *args: row(*args)[:-1])
    m.setattr(ledger_module, "_ROW_SELECT", ledger_module._ROW_SELECT.replace(" d.filed_from,", ""))


def test_a_dangling_reference_stops_the_migration_and_keeps_the_ledger(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "dangling.db"
    before_fks = tuple(m for m in schema.MIGRATIONS if m.version < 3)
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", before_fks)
        m.setattr(schema, "LATEST", before_fks[-1].version)
        _write_documents_as_before_version_4(m)
        _fill(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE documents SET duplicate_of = 'no-such-document' WHERE outlet = 'AP'")
    con.commit()
    con.close()
    from claimledger.errors import StoreError
    with pytest.raises(StoreError, match="point at rows that are not in the ledger"):
        open_ledger(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == before_fks[-1].version
    assert con.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 4
    con.close()


def test_a_later_rebuild_keeps_the_search_triggers_and_the_view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "later.db"
    _fill(path)
    same_claims = next(s for m in schema.MIGRATIONS for s in m.sqlite
                       if isinstance(s, schema.Rebuild) and s.table == "claims")
    later = schema.Migration(schema.LATEST + 1, "claims rebuilt again", (), sqlite=(same_claims,))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, later))
    monkeypatch.setattr(schema, "LATEST", later.version)
    with open_ledger(path) as ledger:
        triggers = {r["name"] for r in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"claims_fts_insert", "claims_fts_delete", "claims_fts_update"} <= triggers
        ledger.add_results([_result("Shelling near Marjayoun killed 7 people on Friday. No more.",
                                    outlet="AFP", url="https://example.org/c", published="2024-10-04",
                                    figures=[("killed", 7, "Lebanon")])])
        hits = ledger.db.execute("SELECT v.outlet FROM claims_fts f JOIN claims_view v ON v.claim_rowid = f.rowid "
                                 "WHERE claims_fts MATCH 'Marjayoun OR Nabatieh' ORDER BY v.outlet")
        assert [h["outlet"] for h in hits] == ["AFP", "AP"]
