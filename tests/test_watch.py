"""``claimledger watch`` against a local HTTP server whose feeds and pages the tests change
between rounds: conditional GETs, only what changed ingested, back-off, restarts, Ctrl-C, and
the Atom feed of new claims and alerts read back with feedparser."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.store import open_ledger
from claimledger.watch import Watch, load_config, load_state

ROOT = Path(__file__).resolve().parent.parent


# -- a site whose content the test changes ------------------------------------------------------
class Site:
    """Routes ``path -> (body, content type)``; ETag and Last-Modified follow each body's version,
    and a request whose If-None-Match (or, for ``etagless`` paths, If-Modified-Since) still holds gets 304.

    ``hits`` counts full answers (200), ``not_modified`` the 304s; a route set to an int status
    fails with it; ``delay`` holds a path's answer that long; ``asked`` is set on each request."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.versions: dict[str, float] = {}
        self.changes = 0
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self.delay: dict[str, float] = {}
        self.asked: dict[str, threading.Event] = {}
        self.etagless: set[str] = set()          # paths answered with Last-Modified only
        self.base = ""

    def set(self, path: str, body: Any, ctype: str = "text/html; charset=utf-8") -> None:
        self.routes[path] = body if isinstance(body, int) else (body, ctype)
        self.changes += 1                        # each change a minute later: Last-Modified always moves on
        self.versions[path] = 1_700_000_000 + 60 * self.changes

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        self.asked.setdefault(path, threading.Event()).set()
        time.sleep(self.delay.get(path, 0))
        route = self.routes.get(path, 404)
        if isinstance(route, int):
            handler.send_error(route)
            return
        body, ctype = route[0].encode("utf-8"), route[1]
        etag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
        if handler.headers.get("If-None-Match") or handler.headers.get("If-Modified-Since"):
            self.conditional[path] += 1
        since = handler.headers.get("If-Modified-Since")
        last_modified = formatdate(self.versions[path], usegmt=True)
        if path in self.etagless:
            unchanged = since is not None and parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
        else:
            unchanged = handler.headers.get("If-None-Match") == etag
        if unchanged:
            self.not_modified[path] += 1
            handler.send_response(304)
            handler.end_headers()
            return
        self.hits[path] += 1
        handler.send_response(200)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        if path not in self.etagless:
            handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", last_modified)
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's hook name)
            state.answer(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def rss(site: Site, title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS feed of ``(title, page path, RFC 822 date)`` items linking to the site's pages."""
    body = "".join(f"<item><title>{t}</title><link>{site.base}{p}</link><pubDate>{d}</pubDate></item>"
                   for t, p, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


def page(title: str, text: str, day: str) -> str:
    return (f'<html><head><title>{title}</title><meta property="article:published_time" content="{day}">'
            f"</head><body><article><h1>{title}</h1><p>{text}</p>"
            "<p>Officials said more details would follow later in the day.</p></article></body></html>")


def report(folder: Path, day: str, text: str) -> Path:
    """A plain-text report dated ``day`` in ``folder`` (named by its content, so never overwritten)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day}-{hashlib.sha256(text.encode()).hexdigest()[:8]}.txt"
    path.write_text(f"Published: {day}\n\n{text}\n", "utf-8")
    return path


def write_config(tmp: Path, sources: dict[str, Any], **extra: Any) -> Path:
    config = tmp / "watch.yaml"
    config.write_text(json.dumps({"feed": "alerts.atom", "sources": sources, **extra}), "utf-8")  # JSON is YAML
    return config


def watch(config: Path, db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["watch", str(config), "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def feed_of(tmp: Path) -> Any:
    parsed = feedparser.parse(str(tmp / "alerts.atom"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def kinds(entries: list[Any]) -> list[tuple[str, str]]:
    """``(entry kind, the claim's figure as in the entry title)`` of each entry."""
    return [(e.tags[0].term, e.title) for e in entries]


def counts(db: Path) -> dict[str, int]:
    with open_ledger(str(db)) as ledger:
        return ledger.counts()


ARMY_12 = "The Israeli army said it killed 12 militants in Khan Younis on Thursday."
MINISTRY = "The Gaza Health Ministry said on {weekday} that {n} people have been killed since October 7."


# -- two rounds: only what changed --------------------------------------------------------------
def test_second_round_adds_only_what_changed_and_the_feed_reads_back(site: Site, tmp_path: Path) -> None:
    day1, day2 = "Tue, 05 Mar 2024 10:00:00 GMT", "Wed, 06 Mar 2024 10:00:00 GMT"
    site.set("/a.html", page("Clash", "The border guard service said on Tuesday that 4 soldiers were killed "
                                      "in a clash near the crossing.", "2024-03-05"))
    site.set("/news.rss", rss(site, "Valley Courier", [("Clash", "/a.html", day1)]), "application/rss+xml")
    site.set("/static.rss", rss(site, "Static Wire", []), "application/rss+xml")
    site.etagless.add("/static.rss")                             # its 304 answers If-Modified-Since
    site.set("/live.html", page("Live", "The Gaza Health Ministry said on Tuesday that 30,000 people have been "
                                        "killed since October 7.", "2024-03-05"))
    exports = tmp_path / "channel"
    report(exports, "2024-03-05", ARMY_12)
    config = write_config(tmp_path, {"feeds": [site.base + "/news.rss", site.base + "/static.rss"],
                                     "pages": [{"url": site.base + "/live.html", "outlet": "Live Desk"}],
                                     "paths": [str(exports)]})
    db = tmp_path / "ledger.db"

    watch(config, db, "--rounds", "1")
    first = counts(db)
    assert first["documents"] == 3 and first["claims"] == 3
    entries = feed_of(tmp_path).entries
    assert sum(1 for e in entries if e.tags[0].term == "claim") == 3

    # Round 2: one new feed item, the page unchanged (304), one new export file.
    site.set("/b.html", page("Strike", "The Israeli army said it killed 9 militants in Rafah on Wednesday.",
                             "2024-03-06"))
    site.set("/news.rss", rss(site, "Valley Courier", [("Strike", "/b.html", day2), ("Clash", "/a.html", day1),
                                                       ("Gone", "/gone.html", day2)]), "application/rss+xml")
    report(exports, "2024-03-06", "Ukraine's General Staff said on Tuesday that 1,200 Russian soldiers were "
                                  "killed over the past day.")
    out = watch(config, db, "--rounds", "1")

    assert counts(db)["documents"] == first["documents"] + 2
    assert site.hits["/a.html"] == 1 and site.hits["/b.html"] == 1     # the old item's page is not fetched again
    assert site.not_modified["/static.rss"] == 1 and site.not_modified["/live.html"] == 1
    assert site.hits["/static.rss"] == 1 and site.hits["/live.html"] == 1
    assert "live.html: unchanged" in out
    assert "news.rss: ingested, 1 new document" in out          # a dead item is its error, not the feed's
    errors = CliRunner().invoke(cli, ["errors", "--db", str(db)]).output
    assert "gone.html" in errors and "news.rss" not in errors
    parsed = feed_of(tmp_path)
    assert parsed.feed.title and parsed.feed.updated_parsed
    new_claims = [e for e in parsed.entries if e.tags[0].term == "claim"]
    assert len(new_claims) == 5
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.updated_parsed and entry.id.startswith("urn:claimledger:")
    newest = parsed.entries[0]                     # newest first: round 2's entries lead
    assert any("9 killed" in e.title for e in parsed.entries[:4]), kinds(parsed.entries)
    assert {e.link for e in new_claims} >= {site.base + "/b.html", site.base + "/live.html"}
    assert any(e.link.startswith("file://") and "2024-03-06" in e.link for e in new_claims)
    assert newest.updated_parsed >= parsed.entries[-1].updated_parsed


# -- alerts ---------------------------------------------------------------------------------
def alert_round(tmp: Path, folder: Path, db: Path, reports: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Add reports to the watched folder, run one round, and give the round's alert entries."""
    for day, text in reports:
        report(folder, day, text)
    config = write_config(tmp, {"paths": [str(folder)]})
    before = {e.id for e in feed_of(tmp).entries} if (tmp / "alerts.atom").exists() else set()
    watch(config, db, "--rounds", "1")
    return [k for e, k in zip(feed_of(tmp).entries, kinds(feed_of(tmp).entries))
            if e.id not in before and k[0] != "claim"]


def test_new_claimant_alert_and_a_known_claimant_under_another_name(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "l.db"
    first = alert_round(tmp_path, folder, db, [("2024-03-01", ARMY_12)])
    assert [k for k, _ in first] == ["new_claimant"]            # an empty ledger knows no one
    again = alert_round(tmp_path, folder, db, [
        ("2024-03-02", "The IDF said it killed 14 militants in Jabalia on Friday."),      # the army, by its acronym
        ("2024-03-02", MINISTRY.format(weekday="Friday", n="30,000"))])
    assert [(k, "Gaza Health Ministry" in t) for k, t in again] == [("new_claimant", True)]


def test_running_total_down_alert_but_not_when_it_stays_or_grows(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "l.db"
    alert_round(tmp_path, folder, db, [("2024-03-04", MINISTRY.format(weekday="Monday", n="30,000"))])
    same = alert_round(tmp_path, folder, db, [("2024-03-05", MINISTRY.format(weekday="Tuesday", n="30,000"))])
    assert same == []                                            # equal: no alert
    grew = alert_round(tmp_path, folder, db, [("2024-03-06", MINISTRY.format(weekday="Wednesday", n="30,100"))])
    assert grew == []
    down = alert_round(tmp_path, folder, db, [("2024-03-07", MINISTRY.format(weekday="Thursday", n="29,500"))])
    assert [k for k, _ in down] == ["running_total_down"]
    summary = feed_of(tmp_path).entries[0].summary
    assert "30,100" in summary and "29,500" in summary


def test_figure_outside_the_usual_range_either_way_but_not_inside(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "l.db"
    alert_round(tmp_path, folder, db, [
        ("2024-03-01", ARMY_12),
        ("2024-03-02", "The Israeli army said it killed 15 militants in Jabalia on Friday."),
        ("2024-03-03", "The Israeli army said it killed 10 militants in Rafah on Saturday.")])
    inside = alert_round(tmp_path, folder, db, [
        ("2024-03-04", "The Israeli army said it killed 20 militants in Gaza City on Sunday.")])
    assert inside == []                                          # 20 <= 15 * 1.5
    above = alert_round(tmp_path, folder, db, [
        ("2024-03-05", "The Israeli army said it killed 95 militants in Khan Younis on Monday.")])
    assert [k for k, _ in above] == ["outside_range"]
    below = alert_round(tmp_path, folder, db, [
        ("2024-03-06", "The Israeli army said it killed 3 militants in Rafah on Tuesday.")])
    assert [k for k, _ in below] == ["outside_range"]           # 3 < 10 / 1.5: the same test downwards
    assert "below" in feed_of(tmp_path).entries[0].summary


# -- back-off ---------------------------------------------------------------------------------
def test_a_failing_source_backs_off_while_the_others_ingest(site: Site, tmp_path: Path) -> None:
    site.set("/news.rss", rss(site, "Courier", []), "application/rss+xml")
    site.set("/broken.rss", 503)
    config = write_config(tmp_path, {"feeds": [site.base + "/news.rss", site.base + "/broken.rss"]},
                          backoff={"initial": 60, "max": 100})
    db = tmp_path / "l.db"
    now = [1_000_000.0]
    settings = load_config(config)

    def round_() -> Any:
        with open_ledger(str(db)) as ledger:
            state = load_state(str(tmp_path / "state.json"))
            return Watch(settings, ledger, state, clock=lambda: now[0]).run(rounds=1)[0]

    first = round_()
    assert [(s.status, s.retry_in) for s in first.sources] == [("ingested", None), ("failed", 60)]
    site.set("/a.html", page("Clash", ARMY_12, "2024-03-01"))
    site.set("/news.rss", rss(site, "Courier", [("Clash", "/a.html", "Fri, 01 Mar 2024 10:00:00 GMT")]),
             "application/rss+xml")
    now[0] += 30
    second = round_()
    assert [s.status for s in second.sources] == ["ingested", "backing off"]
    assert second.sources[0].claims == 1 and site.hits["/broken.rss"] == 0 and site.hits["/a.html"] == 1
    now[0] += 31
    assert [(s.status, s.retry_in) for s in round_().sources] == [("unchanged", None), ("failed", 100)]
    saved = json.loads((tmp_path / "state.json").read_text())["sources"][site.base + "/broken.rss"]
    assert saved["failures"] == 2 and "503" in saved["last_error"]
    errors = CliRunner().invoke(cli, ["errors", "--db", str(db)]).output
    assert "broken.rss" in errors and "503" in errors
    site.set("/broken.rss", rss(site, "Back", []), "application/rss+xml")
    now[0] += 101
    assert [s.status for s in round_().sources] == ["unchanged", "ingested"]
    saved = json.loads((tmp_path / "state.json").read_text())["sources"][site.base + "/broken.rss"]
    assert saved["failures"] == 0 and saved["last_error"] is None


# -- restarts and Ctrl-C ------------------------------------------------------------------------
def run_watch(config: Path, db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "claimledger", "watch", str(config), "--db", str(db), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_restart_does_no_duplicate_work_and_a_lost_state_no_duplicate_extraction(
        site: Site, tmp_path: Path) -> None:
    site.set("/a.html", page("Clash", ARMY_12, "2024-03-01"))
    site.set("/news.rss", rss(site, "Courier", [("Clash", "/a.html", "Fri, 01 Mar 2024 10:00:00 GMT")]),
             "application/rss+xml")
    folder = tmp_path / "in"
    report(folder, "2024-03-04", MINISTRY.format(weekday="Monday", n="30,000"))
    config = write_config(tmp_path, {"feeds": [site.base + "/news.rss"], "paths": [str(folder)]})
    db = tmp_path / "l.db"
    watch(config, db, "--rounds", "1")
    process = run_watch(config, db, "--rounds", "1")             # a new process, from the saved state alone
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert counts(db)["documents"] == 2
    assert site.hits == Counter({"/news.rss": 1, "/a.html": 1}) and site.not_modified["/news.rss"] == 1
    assert "in: unchanged" in out and "news.rss: unchanged" in out and "0 new claims" in out
    entries = feed_of(tmp_path).entries
    assert len(entries) == len({e.id for e in entries}) == 2 + 2  # two claims, two new claimants, once each

    (db.parent / (db.name + ".watch.json")).unlink()              # the state is lost: all is read again ...
    out = watch(config, db, "--rounds", "1")
    assert site.hits["/a.html"] == 2
    assert counts(db)["documents"] == 2 and "0 new documents" in out   # ... but nothing is extracted twice
    assert "0 new claims" in out


def test_ctrl_c_ends_after_the_current_source(site: Site, tmp_path: Path) -> None:
    site.set("/slow.html", page("Clash", ARMY_12, "2024-03-01"))
    site.set("/next.html", page("Toll", MINISTRY.format(weekday="Monday", n="30,000"), "2024-03-04"))
    site.delay["/slow.html"] = 1.0
    asked = site.asked.setdefault("/slow.html", threading.Event())
    config = write_config(tmp_path, {"pages": [site.base + "/slow.html", site.base + "/next.html"]})
    db = tmp_path / "l.db"
    process = run_watch(config, db, "--interval", "0")
    assert asked.wait(30), "the watch never asked for the slow page"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopping after the current source" in err and "Traceback" not in err
    assert "slow.html: ingested, 1 new document" in out
    assert site.hits["/next.html"] == 0                          # the round stopped before it
    state = json.loads((db.parent / (db.name + ".watch.json")).read_text())
    assert state["sources"][site.base + "/slow.html"]["etag"]
    assert [e.tags[0].term for e in feed_of(tmp_path).entries] == ["new_claimant", "claim"]


# -- configuration ----------------------------------------------------------------------------
def test_a_misspelt_setting_is_named_with_the_nearest_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"feeds": ["https://example.org/rss"]}, intervall=60)
    result = CliRunner().invoke(cli, ["watch", str(config), "--db", str(tmp_path / "l.db"), "--rounds", "1"])
    assert result.exit_code == 1 and "'intervall'" in result.output and "did you mean 'interval'" in result.output
    config.write_text(json.dumps({"feed": "a.atom", "sources": {"pages": ["not a url"]}}))
    result = CliRunner().invoke(cli, ["watch", str(config), "--db", str(tmp_path / "l.db"), "--rounds", "1"])
    assert result.exit_code == 1 and "not an http(s) URL" in result.output


def test_a_source_with_its_own_interval_waits_for_it(site: Site, tmp_path: Path) -> None:
    site.set("/hourly.rss", rss(site, "Hourly", []), "application/rss+xml")
    site.set("/often.rss", rss(site, "Often", []), "application/rss+xml")
    config = write_config(tmp_path, {"feeds": [{"url": site.base + "/hourly.rss", "interval": 3600},
                                               site.base + "/often.rss"]})
    now = [2_000_000.0]
    with open_ledger(str(tmp_path / "l.db")) as ledger:
        runner = Watch(load_config(config), ledger, load_state(str(tmp_path / "s.json")), clock=lambda: now[0])
        statuses = []
        for step in (0, 1800, 1801):
            now[0] += step
            statuses.append([s.status for s in runner.run(rounds=1)[0].sources])
    assert statuses == [["ingested", "ingested"], ["not due", "unchanged"], ["unchanged", "unchanged"]]
    assert site.hits["/hourly.rss"] == 1 and site.not_modified["/hourly.rss"] == 1


def test_alerts_read_the_ledger_alike_on_each_backend(ledger_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    config = load_config(write_config(tmp_path, {"paths": [str(folder)]}))

    def round_(*reports: tuple[str, str]) -> list[str]:
        for day, text in reports:
            report(folder, day, text)
        with open_ledger(ledger_url) as ledger:
            done = Watch(config, ledger, load_state(str(tmp_path / "s.json"))).run(rounds=1)[0]
        return sorted(a.kind for a in done.alerts)

    assert round_(("2024-03-04", MINISTRY.format(weekday="Monday", n="30,000"))) == ["new_claimant"]
    assert round_(("2024-03-05", MINISTRY.format(weekday="Tuesday", n="29,000")),
                  ("2024-03-05", ARMY_12)) == ["new_claimant", "running_total_down"]
