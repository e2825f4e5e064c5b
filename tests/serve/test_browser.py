"""The web app and the report in a real browser (headless Chromium): filtering, highlights, a
correction through the form, charts drawn, hostile text inert, the report offline."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimledger.serve.report import write_report
from claimledger.store import open_ledger

WAIT_S = 20


def wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(condition)


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def charts_drawn(driver: Any) -> int:
    return len(css(driver, ".js-plotly-plot svg.main-svg"))


@pytest.fixture
def site(chromium_driver: Any, ledger_copy: Path, serve: Any) -> Iterator[str]:
    yield serve(ledger_copy)


def test_browse_filter_read_correct_and_compare(chromium_driver: Any, site: str, screenshot_dir: Path) -> None:
    from selenium.webdriver.support.ui import Select

    d = chromium_driver
    d.get(site + "/")
    wait(d, lambda d: css(d, "table.claims tbody tr"))
    d.save_screenshot(str(screenshot_dir / "web_01_claims.png"))

    # Filter by category with the form.
    Select(css(d, "#filter-form select[name=category]")[0]).select_by_value("killed")
    css(d, "#filter-form button[type=submit]")[0].click()
    wait(d, lambda d: "category=killed" in d.current_url)
    assert "claimant=" not in d.current_url  # empty fields stay out of the address
    categories = {td.text for td in css(d, "table.claims tbody tr td:nth-child(4)")}
    assert categories == {"killed"}
    d.save_screenshot(str(screenshot_dir / "web_02_claims_filtered_killed.png"))

    # A report, with its claims' evidence highlighted.
    css(d, "table.claims tbody tr td:last-child a")[0].click()
    wait(d, lambda d: "/documents/" in d.current_url and css(d, ".doc-text"))
    assert css(d, ".doc-text mark.ev") and css(d, ".doc-text mark[id^=claim-]")
    assert all(m.text.strip() for m in css(d, ".doc-text mark.ev"))
    d.save_screenshot(str(screenshot_dir / "web_03_document_highlights.png"))

    # One of its claims, corrected through the form.
    css(d, "table.claims a.claim-link")[0].click()
    wait(d, lambda d: "/claims/" in d.current_url and css(d, "#correct-form"))
    claim_url = d.current_url
    d.save_screenshot(str(screenshot_dir / "web_04_claim.png"))
    value = css(d, "#correct-form input[name=value]")[0]
    value.clear()
    value.send_keys("4242")
    css(d, "#correct-form input[name=note]")[0].send_keys("checked against the statement")
    css(d, "#correct-form input[name=reviewer]")[0].send_keys("browser test")
    css(d, "#correct-form button[type=submit]")[0].click()
    wait(d, lambda d: css(d, "tr.audit-entry"))
    assert "4,242" in css(d, "#claim-figure")[0].text
    assert css(d, "#review-status")[0].text == "corrected"
    entry = css(d, "tr.audit-entry")[0].text
    assert "correct" in entry and "→ 4242" in entry and "browser test" in entry
    d.save_screenshot(str(screenshot_dir / "web_05_claim_corrected.png"))

    # A correction the API refuses: its message is shown and nothing is written.
    latitude = css(d, "#correct-form input[name=latitude]")[0]
    latitude.clear()
    latitude.send_keys("500")
    css(d, "#correct-form input[name=reviewer]")[0].send_keys("browser test")   # every review names its reviewer
    css(d, "#correct-form button[type=submit]")[0].click()
    error = wait(d, lambda d: [e for e in css(d, ".form-error") if e.is_displayed()])[0]
    assert "latitude" in error.text and "422" in error.text
    assert len(css(d, "tr.audit-entry")) == 1
    d.save_screenshot(str(screenshot_dir / "web_06_claim_refused_correction.png"))

    # The corrected figure in the claims table.
    d.get(site + "/?review_status=corrected")
    wait(d, lambda d: css(d, "table.claims a.claim-link"))
    links = css(d, "table.claims a.claim-link")
    assert len(links) == 1 and links[0].text.endswith("4,242")  # "at least 4,242": the qualifier stays
    assert claim_url.endswith(links[0].get_attribute("href").rsplit("/", 1)[1])
    d.save_screenshot(str(screenshot_dir / "web_07_claims_table_corrected.png"))

    # A comparison, drawn by plotly from the page's embedded data.
    d.get(site + "/compare")
    css(d, "ul.pairs a")[0].click()
    wait(d, lambda d: charts_drawn(d) > 0)
    assert css(d, "#chart-compare.js-plotly-plot svg.main-svg")
    d.save_screenshot(str(screenshot_dir / "web_08_compare_chart.png"))


def test_reference_and_claimant_charts(chromium_driver: Any, site: str, screenshot_dir: Path) -> None:
    d = chromium_driver
    d.get(site + "/reference")
    wait(d, lambda d: charts_drawn(d) > 0)
    assert len(css(d, "#chart-ratio .scatterlayer .trace")) == 3  # two running totals and their ratio
    d.save_screenshot(str(screenshot_dir / "web_09_reference_ratio.png"))
    css(d, "table.ratio td.num a")[0].click()
    wait(d, lambda d: "/claims/" in d.current_url and css(d, "#claim-figure"))
    d.get(site + "/claimants?claimant=General+Staff+of+the+Armed+Forces+of+Ukraine")
    wait(d, lambda d: charts_drawn(d) > 0)
    assert len(css(d, ".scatterlayer .point")) >= 5  # the daily running totals
    d.save_screenshot(str(screenshot_dir / "web_10_claimant_timeline.png"))


def test_hostile_text_never_runs(chromium_driver: Any, site: str, hostile_ids: dict[str, Any],
                                 hostile: dict[str, str], screenshot_dir: Path) -> None:
    d = chromium_driver
    from urllib.parse import quote

    pages = {"claims": "/?q=__pwned", "document": f"/documents/{hostile_ids['document_id']}",
             "claim": f"/claims/{hostile_ids['claim_ids'][0]}",
             "claimant": "/claimants?claimant=" + quote(hostile["claimant"]),
             "compare": "/compare?subject_party=civilians&category=killed&since=2024-01-01&until=2024-01-31"}
    for name, path in pages.items():
        d.get(site + path)
        wait(d, lambda d: d.execute_script("return document.readyState") == "complete")
        if name in ("claimant", "compare"):
            wait(d, lambda d: charts_drawn(d) > 0)
        assert d.execute_script("return window.__pwned") is None, name
        d.save_screenshot(str(screenshot_dir / f"web_xss_{name}.png"))
    d.get(site + pages["document"])
    assert hostile["script"] in css(d, ".doc-text")[0].text  # shown as text


def test_report_renders_offline(chromium_driver: Any, built_ledger: Path, tmp_path: Path,
                                screenshot_dir: Path) -> None:
    d = chromium_driver
    out = tmp_path / "report.html"
    with open_ledger(built_ledger) as ledger:
        write_report(ledger, out, title="Offline report")
    expected = out.read_text(encoding="utf-8").count('class="chart-data"')
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.emulateNetworkConditions",
                      {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        d.get(out.as_uri())
        wait(d, lambda d: len(css(d, ".js-plotly-plot")) == expected)
        wait(d, lambda d: charts_drawn(d) >= expected)
        assert d.execute_script("return window.__pwned") is None
        d.save_screenshot(str(screenshot_dir / "report_01_offline_top.png"))
        ratio = css(d, "#ratio-0")
        assert ratio and css(d, "#ratio-0 svg.main-svg")
        d.execute_script("arguments[0].scrollIntoView()", ratio[0])
        d.save_screenshot(str(screenshot_dir / "report_02_offline_ratio.png"))
        link = css(d, "table.ratio a[href^='#ev-']")[0]
        target = link.get_attribute("href").rsplit("#", 1)[1]
        link.click()
        wait(d, lambda d: d.execute_script("return location.hash") == "#" + target)
        assert css(d, f"#{target} blockquote")
        d.save_screenshot(str(screenshot_dir / "report_03_offline_evidence.png"))
    finally:
        d.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
