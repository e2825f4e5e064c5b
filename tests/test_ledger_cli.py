"""The ledger from the command line: ingest twice, query, export for other tools."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimledger.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "reports"
SHARED = ROOT.parent / "shared"
POSTS = SHARED / "data" / "idf_telegram" / "idf_telegram_posts.csv"
TELEGRAM = ["--text-column", "Text", "--date-column", "Date", "--outlet", "IDF"]


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def status(db: str) -> dict[str, int]:
    return json.loads(run("status", "--db", db, "--json"))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example reports and (when ../shared is there) the seeds, in a SQLite ledger."""
    db = str(tmp_path_factory.mktemp("ledger") / "claimledger.db")
    inputs = [str(EXAMPLES)] + ([str(SHARED / "seeds")] if (SHARED / "seeds").is_dir() else [])
    run("ingest", *inputs, "--db", db, "--no-progress")
    return db


def test_ingesting_twice_gives_the_same_counts_as_once(ledger: str) -> None:
    once = status(ledger)
    out = run("ingest", str(EXAMPLES), "--db", ledger, "--no-progress")
    assert "0 new" in out and "0 claims added" in out
    assert status(ledger) == once
    assert once["documents"] >= 4 and once["claims"] >= 20


def test_telegram_posts_twice_give_the_same_counts(tmp_path: Path) -> None:
    if not POSTS.is_file():
        pytest.skip("../shared is not present")
    db = str(tmp_path / "posts.db")
    first = CliRunner().invoke(cli, ["ingest", str(POSTS), *TELEGRAM, "--db", db, "--workers", "2",
                                     "--no-progress"])
    assert first.exit_code == 1                     # a few posts have no text: reported, not fatal
    assert "record text is empty" in first.output
    once = status(db)
    second = CliRunner().invoke(cli, ["ingest", str(POSTS), *TELEGRAM, "--db", db, "--no-progress"])
    assert re.search(r"0 new, [\d,]+ already in the ledger; 0 claims added", second.output)
    assert status(db) == once
    assert once["documents"] > 1400 and once["claims"] > 800 and once["errors"] == 9


def test_claims_filters_and_formats(ledger: str) -> None:
    rows = json.loads(run("claims", "--db", ledger, "--category", "killed", "--format", "json"))
    assert rows and all(r["category"] == "killed" for r in rows)
    assert {"claim_id", "assertion_id", "relay_count", "evidence", "outlet", "review_status"} <= set(rows[0])
    lines = run("claims", "--db", ledger, "--category", "killed", "--format", "jsonl").splitlines()
    assert len(lines) == len(rows)
    table = run("claims", "--db", ledger, "--category", "killed", "--limit", "2")
    assert "2 claims" in table
    sudan = json.loads(run("claims", "--db", ledger, "--search", "El Fasher", "--format", "json"))
    assert sudan and all("fasher" in (json.dumps(r).lower()) for r in sudan)
    none = json.loads(run("claims", "--db", ledger, "--since", "2031-01-01", "--format", "json"))
    assert none == []


def test_claims_since_needs_a_date(ledger: str) -> None:
    result = CliRunner().invoke(cli, ["claims", "--db", ledger, "--since", "March"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_export_csv_and_parquet_open_in_pandas(ledger: str, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    n = status(ledger)["claims"]
    out_csv = tmp_path / "claims.csv"
    run("export", "--db", ledger, "--format", "csv", "--out", str(out_csv))
    frame = pd.read_csv(out_csv)
    assert len(frame) == n and {"claimant", "category", "value", "subject_party"} <= set(frame.columns)
    out_pq = tmp_path / "claims.parquet"
    run("export", "--db", ledger, "--format", "parquet", "--out", str(out_pq))
    table = pd.read_parquet(out_pq)
    assert len(table) == n and table["value"].dropna().astype(int).sum() == frame["value"].dropna().sum()


def test_export_ucdp_has_ged_columns(ledger: str) -> None:
    text = run("export", "--db", ledger, "--format", "ucdp", "--category", "killed")
    header = next(csv.reader(io.StringIO(text)))
    assert {"low", "best", "high", "date_start", "date_end", "source_original", "source_office",
            "source_date", "source_headline", "where_description", "latitude", "longitude"} <= set(header)


def test_export_acled_and_hxl(ledger: str) -> None:
    acled = list(csv.DictReader(io.StringIO(run("export", "--db", ledger, "--format", "acled"))))
    assert acled and {"event_date", "actor1", "location", "latitude", "longitude", "source", "notes",
                      "fatalities"} <= set(acled[0])
    assert any(re.match(r"^.+: .*\d", row["notes"]) for row in acled)
    rows = list(csv.reader(io.StringIO(run("export", "--db", ledger, "--format", "hxl"))))
    tags = rows[1]
    assert all(re.fullmatch(r"(#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*)?", t) for t in tags)
    assert "#affected+killed" in tags and "#date+start" in tags


def test_export_geojson_is_rfc7946(ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "claims.geojson"
    run("export", "--db", ledger, "--format", "geojson", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["type"] == "FeatureCollection" and "crs" not in data and data["features"]
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    # Khartoum lies at about 32.5 E, 15.6 N: longitude first
    khartoum = [f for f in data["features"] if "Khartoum" in (f["properties"].get("location") or "")]
    if khartoum:
        lon, lat = khartoum[0]["geometry"]["coordinates"]
        assert 30 < lon < 35 and 13 < lat < 18


def test_errors_and_status_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--db", db, "--no-progress"])
    assert result.exit_code == 2
    assert "empty.txt" in run("errors", "--db", db)
    assert status(db)["errors"] == 1


def test_ingest_a_feed_url_fetches_its_pages(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages = {
        "/a.html": "<html><head><title>Border clash</title></head><body><article><p>The border guard "
                   "service said on Tuesday that 4 soldiers were killed in a clash near the crossing.</p>"
                   "<p>Officials said the investigation continues and more details would follow.</p>"
                   "</article></body></html>",
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/feed.xml":
                base = f"http://127.0.0.1:{self.server.server_port}"
                body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Courier</title>'
                        f'<item><title>Border clash</title><link>{base}/a.html</link>'
                        f'<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>'
                        f'<item><title>Gone</title><link>{base}/gone.html</link></item>'
                        f'</channel></rss>').encode()
                ctype = "application/rss+xml"
            elif self.path in pages:
                body, ctype = pages[self.path].encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        db = str(tmp_path / "feed.db")
        url = f"http://127.0.0.1:{server.server_port}/feed.xml"
        first = CliRunner().invoke(cli, ["ingest", url, "--db", db, "--no-progress"])
        assert first.exit_code == 1 and "gone.html" in first.output      # the dead link is reported
        rows = json.loads(run("claims", "--db", db, "--format", "json"))
        assert [(r["value"], r["category"], r["outlet"], r["published"]) for r in rows] == [
            (4, "killed", "Valley Courier", "2024-03-05")]
        assert rows[0]["url"].endswith("/a.html")
        once = status(db)
        CliRunner().invoke(cli, ["ingest", url, "--db", db, "--no-progress"])
        assert status(db) == once
    finally:
        server.shutdown()
        server.server_close()


def test_ingest_names_the_documents_without_a_date(tmp_path: Path) -> None:
    dated, undated = tmp_path / "dated.txt", tmp_path / "undated.txt"
    dated.write_text("Published: 2024-03-04\n\nThe army said two soldiers were killed on Sunday.\n", "utf-8")
    undated.write_text("The army said two soldiers were killed on Sunday.\n", "utf-8")
    out = run("ingest", str(dated), str(undated), "--db", str(tmp_path / "l.db"), "--no-progress")
    assert re.search(r"1 new document has no publication date.*undated\.txt", out)
    assert "dated.txt," not in out and "--date" in out
