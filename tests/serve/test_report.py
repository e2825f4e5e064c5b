"""The HTML report: one self-contained file whose every figure leads to its evidence."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.serve.report import write_report
from claimledger.store import ClaimFilter, open_ledger


class Page(HTMLParser):
    """Tags with attributes, element ids, and the bodies of JSON script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.json_bodies: list[str] = []
        self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        self._json = tag == "script" and a.get("type") == "application/json"

    def handle_endtag(self, tag: str) -> None:
        self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:
            self.json_bodies.append(data)

    @property
    def charts(self) -> list[dict[str, Any]]:
        return [json.loads(b) for b in self.json_bodies]


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def report(built_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Page]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    with open_ledger(built_ledger) as ledger:
        written = write_report(ledger, out, title="Test <b>report</b>")
    assert written == out
    text = out.read_text(encoding="utf-8")
    return text, parse(text)


def test_report_is_self_contained(report: tuple[str, Page]) -> None:
    text, page = report
    assert not [a for t, a in page.tags if t == "link"]  # no stylesheet or icon to fetch
    assert not [a for t, a in page.tags if "src" in a]  # scripts and images are inline
    for tag, attrs in page.tags:
        for name in ("href", "action", "data", "poster", "srcset"):
            value = attrs.get(name, "")
            if value and not value.startswith("#"):
                # only the addresses of the reports themselves, as plain links in the evidence
                assert tag == "a" and attrs.get("class") == "source-url" and value.startswith("http"), (tag, attrs)
    assert "Plotly" in text and "<style>" in text
    assert "<title>Test &lt;b&gt;report&lt;/b&gt;</title>" in text


def test_report_holds_the_charts_data(report: tuple[str, Page]) -> None:
    _, page = report
    charts = page.charts
    for chart in charts:
        assert chart["target"] in page.ids and chart["link"] == "#ev-"
    timelines = [c for c in charts if c["target"].startswith("timeline-")]
    assert any(len(t["x"]) >= 5 for c in timelines for t in c["data"])  # the General Staff's tanks
    assert any(c["target"].startswith("compare-") for c in charts)
    ratio = next(c for c in charts if c["target"] == "ratio-0")
    numerator, denominator = ratio["data"][0], ratio["data"][1]
    day = numerator["x"].index("2024-03-01")
    assert numerator["y"][day] == 6512 and denominator["y"][day] == 3004


def test_every_figure_link_has_its_evidence(report: tuple[str, Page]) -> None:
    text, page = report
    targets = {a["href"][1:] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#ev-")}
    assert len(targets) > 10
    assert targets <= page.ids
    points = {f"ev-{cid}" for chart in page.charts for trace in chart["data"] for cid in trace["customdata"] if cid}
    assert points and points <= page.ids
    sections = re.findall(r'<div class="evidence-item" id="ev-([0-9a-f]{16})">(.*?)</div>', text, flags=re.S)
    assert sections and all("<blockquote>" in body for _, body in sections)


def test_report_escapes_hostile_text(report: tuple[str, Page], hostile: dict[str, str]) -> None:
    text, page = report
    for raw in (hostile["script"], hostile["img"], hostile["svg"], hostile["close"]):
        assert raw not in text
    assert "&lt;img src=x onerror=" in text  # shown, as text
    assert not [t for t, _ in page.tags if t in ("img", "svg")]
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    assert hostile["url"] not in "".join(a.get("href", "") for _, a in page.tags)
    assert all("<" not in body for body in page.json_bodies)
    scripts = [a for t, a in page.tags if t == "script"]
    assert len(scripts) == len(page.json_bodies) + 2  # the charts' data, plotly.js, the chart script


def test_report_of_a_selection(built_ledger: Path, tmp_path: Path) -> None:
    with open_ledger(built_ledger) as ledger:
        out = write_report(ledger, tmp_path / "r.html", filters=ClaimFilter(subject_party="Russia"))
        russian = {r["claim_id"] for r in ledger.claims(subject_party="Russia")}
    text = out.read_text(encoding="utf-8")
    shown = set(re.findall(r'id="ev-([0-9a-f]{16})"', text))
    assert shown and shown <= russian
    assert "subject party = Russia" in text


def test_report_command(built_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(built_ledger), "--out", str(out), "--category", "killed",
                                      "--title", "Killed"])
    assert result.exit_code == 0, result.output
    assert "<h1>Killed</h1>" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, ["report", "--db", str(built_ledger), "--out", str(out), "--since", "March"])
    assert bad.exit_code != 0 and "since" in bad.output
