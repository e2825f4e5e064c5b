"""Two wars in one ledger: compare, flags, ratio and timelines never set one against the other.

The trap: the UN keeps a running toll of civilians killed in Ukraine and another in Gaza. Read
as one series, the Gaza toll after the Ukraine one looks like a revision, and a ratio of the
Gaza ministry's toll over the UN's Ukraine toll looks like a finding.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from claimledger.analyze import compare, find_flags, prepare_rows, ratio_over_time
from claimledger.analyze.scope import prepared_claims
from claimledger.cli import cli
from claimledger.errors import ConfigError
from claimledger.models import Claim, Document, Evidence, ExtractionResult

store = pytest.importorskip("claimledger.store")
ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def toll(text: str, published: str, outlet: str, *claims: tuple[str, str, int, str]) -> ExtractionResult:
    """A report of running tolls of civilians killed: (claimant, party, value, since) each."""
    doc = Document(text=text, source=f"{outlet}-{published}.txt", outlet=outlet, published=published)
    evidence = (Evidence(text=text, start=0, end=len(text)),)
    return ExtractionResult(document=doc, claims=tuple(
        Claim(claimant=who, claimant_party=party, modality="reported", category="killed", value=value,
              qualifier="at_least", subject="civilians", subject_party="civilians", period_kind="cumulative",
              period_start=since, period_end=published, evidence=evidence) for who, party, value, since in claims))


UKRAINE = "2022-02-24"
GAZA = "2023-10-07"
REPORTS = [
    toll("The United Nations said at least 10,582 civilians have been killed in Ukraine since Russia's full-scale "
         "invasion; Ukraine's government put the toll at 10,900.", "2024-03-01", "Kyiv Wire",
         ("United Nations", "UN", 10582, UKRAINE), ("Ukraine", "Ukraine", 10900, UKRAINE)),
    toll("The United Nations said at least 13,000 civilians have been killed in Gaza since October 7; the "
         "Hamas-run Health Ministry said 13,400.", "2024-03-02", "Gaza Wire",
         ("United Nations", "UN", 13000, GAZA), ("Hamas-run Health Ministry", "Palestinians", 13400, GAZA)),
    toll("The U.N. said at least 10,810 civilians had been killed in Ukraine since the invasion began; "
         "Ukraine said 11,200.", "2024-04-01", "Kyiv Wire",
         ("U.N.", "UN", 10810, UKRAINE), ("Ukraine", "Ukraine", 11200, UKRAINE)),
    toll("The United Nations said at least 14,500 civilians had been killed in Gaza since the war began; "
         "Gaza's Health Ministry said 14,800.", "2024-04-02", "Gaza Wire",
         ("United Nations", "UN", 14500, GAZA), ("Gaza's Health Ministry", "Palestinians", 14800, GAZA)),
]


@pytest.fixture()
def ledger_path(tmp_path: Path) -> Path:
    path = tmp_path / "two-wars.db"
    with store.open_ledger(path) as ledger:
        ledger.add_results(REPORTS)
    return path


@pytest.fixture()
def rows(ledger_path: Path) -> list[dict[str, Any]]:
    with store.open_ledger(ledger_path) as ledger:
        return prepared_claims(ledger)


def documents_of(rows: list[dict[str, Any]], outlet: str) -> set[str]:
    return {r["document_id"] for r in rows if r["outlet"] == outlet}


def test_each_claim_gets_the_conflict_of_its_report(rows: list[dict[str, Any]]) -> None:
    # the UN and "civilians" name no war: the other claims of the same report do
    assert {r["conflict"] for r in rows if r["outlet"] == "Kyiv Wire"} == {"russia-ukraine"}
    assert {r["conflict"] for r in rows if r["outlet"] == "Gaza Wire"} == {"israel-gaza"}


def test_flags_never_read_two_wars_tolls_as_one(rows: list[dict[str, Any]]) -> None:
    assert find_flags(rows) == []
    # the same rows with no conflict told apart would make the UN's tolls fall and rise
    unscoped = [dict(r, conflict=None) for r in rows]
    assert any(f.kind == "revision_down" for f in find_flags(unscoped))


def test_compare_keeps_to_one_conflict_and_conflict_selects_it(rows: list[dict[str, Any]]) -> None:
    kyiv, gaza = documents_of(rows, "Kyiv Wire"), documents_of(rows, "Gaza Wire")
    for name, docs in (("russia-ukraine", kyiv), ("israel-gaza", gaza)):
        c = compare(rows, subject_party="civilians", category="killed", conflict=name)
        assert c.conflict == name and c.rows
        assert {d for r in c.rows for d in r.document_ids} <= docs
        assert any("left out" in n for n in c.notes)  # the other war's claims are named, not added
    default = compare(rows, subject_party="civilians", category="killed")
    assert default.conflict in ("russia-ukraine", "israel-gaza")
    assert str(default.since) >= "2023-10-07"  # a window of one war's figures, never from 2022
    with pytest.raises(ConfigError, match="did you mean 'russia-ukraine'"):
        compare(rows, subject_party="civilians", category="killed", conflict="russia-ukrain")


def test_compare_two_claimants_and_a_reference_given(rows: list[dict[str, Any]]) -> None:
    c = compare(rows, subject_party="civilians", category="killed", conflict="israel-gaza",
                claimants=["Gaza Health Ministry", "UN"], reference="UN")
    assert {r.claimant for r in c.rows} == {"Gaza Health Ministry", "UN"}
    assert c.reference is not None and c.reference.claimant == "UN"
    ministry = next(r for r in c.rows if r.claimant == "Gaza Health Ministry")
    assert ministry.ratio == pytest.approx(14800 / 14500)  # the tolls' growth since 7 October
    with pytest.raises(ConfigError, match="names no claimant"):
        compare(rows, subject_party="civilians", category="killed", conflict="israel-gaza", claimants=["Ukraine"])


def test_ratio_pairs_points_of_one_war_only(rows: list[dict[str, Any]]) -> None:
    gaza = ratio_over_time(rows, numerator="Health Ministry", denominator="UN", category="killed",
                           subject_party="civilians")
    assert [p.ratio for p in gaza] == pytest.approx([13400 / 13000, 14800 / 14500])
    ukraine = ratio_over_time(rows, numerator="Ukraine", denominator="UN", category="killed",
                              subject_party="civilians", conflict="russia-ukraine")
    assert [p.ratio for p in ukraine] == pytest.approx([10900 / 10582, 11200 / 10810])
    # the UN's Ukraine toll is never the denominator of the Gaza ministry's
    assert ratio_over_time(rows, numerator="Health Ministry", denominator="UN", category="killed",
                           subject_party="civilians", conflict="russia-ukraine") == []


def get(app: Any, path: str, **params: str) -> httpx.Response:
    """One request to the app, in process."""
    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.get(path, params=params)
    return asyncio.run(fetch())


def test_web_pages_and_api_keep_to_one_conflict(ledger_path: Path) -> None:
    from claimledger.serve.app import create_app

    app = create_app(str(ledger_path))
    assert get(app, "/api/flags").json() == []
    asked = {"subject_party": "civilians", "category": "killed"}
    body = get(app, "/api/compare", **asked, conflict="russia-ukraine").json()
    assert body["conflict"] == "russia-ukraine"
    assert {r["claimant"] for r in body["rows"]} == {"UN", "Ukraine"}
    refused = get(app, "/api/compare", **asked, conflict="israel-gazza")
    assert refused.status_code in (400, 422) and "did you mean 'israel-gaza'" in refused.text
    ratio = get(app, "/api/ratio").json()
    assert ratio["pair"]["conflict"] in ("russia-ukraine", "israel-gaza")
    assert all(p["conflict"] for p in ratio["pairs"])
    page = get(app, "/compare", **asked, conflict="israel-gaza").text
    assert "in israel-gaza" in page and "Gaza Health Ministry" in page


def test_ingested_reports_of_two_wars_are_compared_apart(tmp_path: Path) -> None:
    db = str(tmp_path / "articles.db")
    names = ["a03_gaza_health_toll_wire.txt", "b06_un_hrmmu_civilian_toll.txt", "b02_kharkiv_glide_bombs.txt",
             "a11_jabalia_capture_claim_wire.txt"]
    result = CliRunner().invoke(cli, ["ingest", *(str(ARTICLES / n) for n in names), "--db", db])
    assert result.exit_code == 0, result.output
    with store.open_ledger(db) as ledger:
        rows = prepared_claims(ledger)
    by_source = {r["document_id"]: Path(r["source"]).name[0] for r in rows}  # "a": Gaza, "b": Ukraine
    assert {r["conflict"] for r in rows if by_source[r["document_id"]] == "a"} <= {"israel-gaza", None}
    assert {r["conflict"] for r in rows if by_source[r["document_id"]] == "b"} <= {"russia-ukraine", None}
    for conflict, letter in (("israel-gaza", "a"), ("russia-ukraine", "b")):
        c = compare(rows, subject_party="civilians", category="killed", conflict=conflict)
        assert c.rows and {by_source[d] for r in c.rows for d in r.document_ids} == {letter}
    for flag in find_flags(rows):
        assert len({by_source[d] for d in flag.document_ids}) == 1


def test_preparing_twice_changes_nothing(rows: list[dict[str, Any]]) -> None:
    assert prepare_rows(rows) == rows


def test_cli_conflict_option(ledger_path: Path) -> None:
    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, [*args, "--db", str(ledger_path)])

    asked = ("--subject-party", "civilians", "--category", "killed")
    result = run("compare", *asked, "--conflict", "russia-ukraine", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"conflict": "russia-ukraine"' in result.output and "Health Ministry" not in result.output
    typo = run("compare", *asked, "--conflict", "israel-gazza")
    assert typo.exit_code != 0 and "did you mean 'israel-gaza'" in typo.output
    flags = run("flags", "--format", "json")
    assert flags.exit_code == 0 and flags.output.strip() == "[]"
    ratio = run("ratio", "--numerator", "Ukraine", "--denominator", "UN", "--category", "killed",
                "--subject-party", "civilians", "--conflict", "russia-ukraine", "--format", "csv")
    assert ratio.exit_code == 0, ratio.output
    assert [line.split(",")[0] for line in ratio.output.splitlines()[1:]] == ["2024-03-01", "2024-04-01"]
