"""The review queue over HTTP and in a real browser, with JavaScript off (plain form posts) and on."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

WAIT_S = 20


@pytest.fixture
def writable(ledger_copy: Path, serve: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=serve(ledger_copy), timeout=30) as client:
        yield client


def _queue_ids(page: str) -> list[str]:
    return re.findall(r'<li class="queue-item" id="queue-([0-9a-f]{16})"', page)


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


def test_queue_lists_unreviewed_claims_least_confident_first(writable: httpx.Client) -> None:
    page = writable.get("/review").text
    ids = _queue_ids(page)
    api = writable.get("/api/review-queue", params={"limit": 25}).json()
    assert ids == [c["claim_id"] for c in api["claims"]] and len(ids) == 25
    confidences = [c["confidence"] for c in api["claims"]]
    assert confidences == sorted(confidences)
    assert {c["review_status"] for c in api["claims"]} == {"unreviewed"}
    assert f"{api['total']} unreviewed claims" in page
    killed = writable.get("/review", params={"category": "killed"}).text
    assert all(writable.get(f"/api/claims/{cid}").json()["category"] == "killed" for cid in _queue_ids(killed)[:5])


def test_a_form_post_reviews_and_comes_back_to_the_queue(writable: httpx.Client) -> None:
    page = writable.get("/review").text
    first = _queue_ids(page)[0]
    form = {"action": "reject", "form_token": _form_token(page), "next": "/review", "reviewer": "ana",
            "note": "a headline repeat"}
    r = writable.post(f"/claims/{first}/review", data=form)
    assert r.status_code == 303 and r.headers["location"] == f"/review?reviewed={first}"
    back = writable.get(r.headers["location"]).text
    assert first not in _queue_ids(back) and "saved" in back
    claim = writable.get(f"/api/claims/{first}").json()
    assert claim["review_status"] == "rejected" and claim["audit"][0]["reviewer"] == "ana"
    # A rejected claim's page offers un-reject only; a correction of it is refused.
    assert 'data-action="unreject"' in writable.get(f"/claims/{first}").text
    refused = writable.post(f"/claims/{first}/review", data={**form, "action": "correct", "value": "3",
                                                              "original.value": "1"})
    assert refused.status_code == 422 and "un-reject it first" in refused.text
    r = writable.post(f"/claims/{first}/review", data={**form, "action": "unreject", "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == f"/claims/{first}?reviewed={first}"   # never off-site


def test_a_form_post_correction_sends_only_changed_fields(writable: httpx.Client) -> None:
    cid = _queue_ids(writable.get("/review").text)[0]
    page = writable.get(f"/claims/{cid}").text
    row = writable.get(f"/api/claims/{cid}").json()
    form = {"action": "correct", "form_token": _form_token(page), "reviewer": "ben", "value": "77",
            "original.value": str(row["value"] or ""), "location": row["location"] or "",
            "original.location": row["location"] or ""}
    assert writable.post(f"/claims/{cid}/review", data=form).status_code == 303
    audit = writable.get(f"/api/claims/{cid}").json()["audit"]
    assert list(audit[0]["changes"]) == ["value"] and audit[0]["changes"]["value"][1] == 77
    typo = writable.post(f"/claims/{cid}/review", data={**form, "value": "78", "subject_party": "Isreal",
                                                         "original.subject_party": "x"})
    assert typo.status_code == 422 and "did you mean" in typo.text


def test_form_posts_need_the_pages_token_a_reviewer_and_a_writable_server(writable: httpx.Client, ledger_copy: Path,
                                                                          serve: Any) -> None:
    page = writable.get("/review").text
    cid = _queue_ids(page)[0]
    good = {"action": "confirm", "form_token": _form_token(page), "reviewer": "ana"}
    assert writable.post(f"/claims/{cid}/review", data={**good, "form_token": "0" * 64}).status_code == 403
    cross = writable.post(f"/claims/{cid}/review", data=good, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    nobody = writable.post(f"/claims/{cid}/review", data={**good, "reviewer": " "})
    assert nobody.status_code == 422 and "reviewer" in nobody.text
    assert writable.get(f"/api/claims/{cid}").json()["audit"] == []
    with httpx.Client(base_url=serve(ledger_copy, token="s3cret"), timeout=30) as client:
        assert client.post(f"/claims/{cid}/review", data=good).status_code == 401
        assert client.post(f"/claims/{cid}/review", data={**good, "token": "s3cret"}).status_code == 303
    with httpx.Client(base_url=serve(ledger_copy, allow_writes=False), timeout=30) as client:
        assert client.post(f"/claims/{cid}/review", data=good).status_code == 403
        assert "read-only" in client.get("/review").text


def test_review_log_downloads(writable: httpx.Client) -> None:
    ids = _queue_ids(writable.get("/review").text)[:2]
    for cid, action in zip(ids, ("confirm", "reject")):
        writable.post(f"/api/claims/{cid}/review", json={"action": action, "reviewer": "ana"})
    r = writable.get("/api/reviews.csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["claim_id"], x["action"]) for x in rows] == list(zip(ids, ("confirm", "reject")))
    lines = [json.loads(line) for line in writable.get("/api/reviews.jsonl").text.splitlines()]
    assert [x["claim_status"] for x in lines] == ["confirmed", "rejected"]
    assert writable.get("/api/reviews.xml").status_code in (400, 404, 422)


# -- in a browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def no_script_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with JavaScript switched off by its content settings."""
    chromium = os.environ.get("CLAIMLEDGER_CHROMIUM") or "/usr/bin/chromium"
    chromedriver = os.environ.get("CLAIMLEDGER_CHROMEDRIVER") or "/usr/bin/chromedriver"
    if not (Path(chromium).is_file() and Path(chromedriver).is_file()):
        pytest.skip("no Chromium: set CLAIMLEDGER_CHROMIUM and CLAIMLEDGER_CHROMEDRIVER")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--window-size=1280,900"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-noscript')}")
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(condition)


def _review_first_in_queue(d: Any, site: str, action: str, reviewer: str) -> str:
    d.get(site + "/review")
    wait(d, lambda d: css(d, "li.queue-item"))
    item = css(d, "li.queue-item")[0]
    cid = item.get_attribute("id").removeprefix("queue-")
    form = [f for f in item.find_elements("css selector", "form.review-form")
            if f.get_attribute("data-action") == action][0]
    form.find_element("css selector", "input[name=reviewer]").send_keys(reviewer)
    form.find_element("css selector", "input[name=note]").send_keys(f"{action} from the queue")
    form.find_element("css selector", "button[type=submit]").click()
    wait(d, lambda d: "/review" in d.current_url and not css(d, f"#queue-{cid}"))
    return cid


def test_review_from_the_queue_without_javascript(no_script_driver: Any, ledger_copy: Path, serve: Any,
                                                  screenshot_dir: Path) -> None:
    d = no_script_driver
    site = serve(ledger_copy)
    cid = _review_first_in_queue(d, site, "confirm", "no-script reviewer")
    # The server's redirect after a plain form post (the script would reload /review as it was).
    assert "reviewed=" in d.current_url and css(d, ".form-done")
    d.save_screenshot(str(screenshot_dir / "web_review_queue_no_js.png"))
    # A correction on the claim's page, through the plain form.
    d.get(f"{site}/claims/{cid}")
    value = css(d, "#correct-form input[name=value]")[0]
    value.clear()
    value.send_keys("4243")
    css(d, "#correct-form input[name=reviewer]")[0].send_keys("no-script reviewer")
    css(d, "#correct-form button[type=submit]")[0].click()
    wait(d, lambda d: len(css(d, "tr.audit-entry")) == 2)
    assert css(d, "#review-status")[0].text == "corrected" and "4,243" in css(d, "#claim-figure")[0].text
    with httpx.Client(base_url=site) as client:
        audit = client.get(f"/api/claims/{cid}").json()["audit"]
    assert [(a["action"], a["reviewer"]) for a in audit] == [("confirm", "no-script reviewer"),
                                                             ("correct", "no-script reviewer")]
    assert list(audit[1]["changes"]) == ["value"]


def test_review_from_the_queue_with_javascript(chromium_driver: Any, ledger_copy: Path, serve: Any) -> None:
    d = chromium_driver
    site = serve(ledger_copy)
    d.get(site + "/review")
    wait(d, lambda d: d.execute_script("return document.readyState") == "complete")
    assert d.execute_script("return typeof sendReview") == "function"        # the script runs here
    cid = _review_first_in_queue(d, site, "reject", "script reviewer")
    assert "reviewed=" not in d.current_url          # sent as JSON by the script, then the page reloaded
    with httpx.Client(base_url=site) as client:
        claim = client.get(f"/api/claims/{cid}").json()
    assert claim["review_status"] == "rejected" and claim["audit"][0]["reviewer"] == "script reviewer"
