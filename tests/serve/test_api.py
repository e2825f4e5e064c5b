"""The web app through HTTP (httpx against a live uvicorn): pages, filters, downloads, reviews,
and what keeps it safe (headers, tokens, origins, body limits, escaping)."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import markupsafe
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.cli import cli
from claimledger.serve.views import highlight

PAGES = ["/", "/claimants", "/compare", "/flags", "/reference", "/api"]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes (script and style bodies are not parsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_bodies.append(data)


def tags_of(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def site(read_only_site: str) -> Iterator[httpx.Client]:
    """A client of the read-only server over the session's ledger."""
    with httpx.Client(base_url=read_only_site, timeout=30) as client:
        yield client


@pytest.fixture
def writable(ledger_copy: Path, serve: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=serve(ledger_copy), timeout=30) as client:
        yield client


def some_claim(client: httpx.Client, **params: Any) -> dict[str, Any]:
    rows = client.get("/api/claims", params={"limit": 1, **params}).json()["claims"]
    assert rows, params
    return rows[0]


# -- pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_the_navigation(site: httpx.Client, path: str) -> None:
    r = site.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert '<a class="brand" href="/">claimledger</a>' in r.text


def test_claims_page_lists_claims_with_links_facets_and_downloads(site: httpx.Client) -> None:
    total = site.get("/api/claims", params={"limit": 1}).json()["total"]
    page = site.get("/").text
    assert f"{total:,} of" in page
    assert page.count('class="claim-link" href="/claims/') == min(total, 50)
    assert 'href="/documents/' in page
    assert 'data-facet="category"' in page and 'data-facet="subject_party"' in page
    assert 'href="/api/claims.csv?' in page and 'href="/api/claims?' in page
    assert 'rel="next"' in page


def test_document_page_marks_every_claims_evidence(site: httpx.Client) -> None:
    doc_id = some_claim(site, category="killed")["document_id"]
    doc = site.get(f"/api/documents/{doc_id}").json()
    page = site.get(f"/documents/{doc_id}").text
    assert str(markupsafe.escape(doc["title"])) in page       # escaped the way the templates escape
    for claim in doc["claims"]:
        assert f'<mark class="anchor" id="claim-{claim["claim_id"]}">' in page
    marked = re.findall(r'<mark class="ev" data-claims="[^"]*">(.*?)</mark>', page, flags=re.S)
    quotes = " ".join(html.unescape(m) for m in marked)
    assert doc["claims"][0]["evidence"][0]["text"][:40] in quotes


def test_claim_page_shows_fields_evidence_relays_form_and_audit(site: httpx.Client) -> None:
    row = some_claim(site, category="killed")
    page = site.get(f"/claims/{row['claim_id']}").text
    assert row["claimant"] in html.unescape(page)
    assert "<mark>" in page  # the evidence in its context
    assert "Other reports of this assertion" in page and "Audit log" in page
    assert "read-only" in page  # this server was started without writes: no review forms
    assert 'class="review-form"' not in page


def test_claimant_page_charts_its_series(site: httpx.Client) -> None:
    row = some_claim(site, q="General Staff", period_kind="cumulative")
    page = site.get("/claimants", params={"claimant": row["claimant"]}).text
    charts = [json.loads(body) for body in tags_of(page).script_bodies if body.strip().startswith("{")]
    assert charts and any(len(trace["x"]) >= 2 for c in charts for trace in c["data"])
    assert '<script src="/static/plotly.min.js" defer></script>' in page
    assert site.get(f"/claimants/{row['claimant']}").status_code == 200
    assert site.get("/claimants/nobody-at-all").status_code == 404


def test_compare_flags_and_reference_pages(site: httpx.Client) -> None:
    pair = re.search(r'href="/compare\?subject_party=([^&"]+)&amp;category=([a-z_]+)&amp;conflict=([^&"]*)"',
                     site.get("/compare").text)
    assert pair
    page = site.get(f"/compare?subject_party={pair[1]}&category={pair[2]}&conflict={pair[3]}").text
    assert 'class="compare"' in page and 'id="chart-compare"' in page
    reference = site.get("/reference").text
    # The default pair is the best covered one: our General Staff slice over our Oryx slice.
    assert "General Staff of the Armed Forces of Ukraine / Oryx: tanks (Russia)" in html.unescape(reference)
    assert 'id="chart-ratio"' in reference
    assert site.get("/flags").status_code == 200


# -- the JSON API ---------------------------------------------------------------------------------

def test_api_claims_filters(site: httpx.Client) -> None:
    everything = site.get("/api/claims", params={"limit": 1000}).json()
    killed = site.get("/api/claims", params={"category": "killed", "limit": 1000}).json()
    assert 0 < killed["total"] < everything["total"]
    assert {r["category"] for r in killed["claims"]} == {"killed"}
    two = site.get("/api/claims", params=[("category", "killed"), ("category", "wounded"), ("limit", 1000)]).json()
    assert {r["category"] for r in two["claims"]} == {"killed", "wounded"}
    march = site.get("/api/claims", params={"since": "2024-03-02", "until": "2024-03-03", "limit": 1000}).json()
    assert march["claims"]
    for r in march["claims"]:  # the claim's period (else its report's date) overlaps the window
        assert (r["period_end"] or r["period_start"] or r["published"]) >= "2024-03-02"
        assert (r["period_start"] or r["period_end"] or r["published"]) <= "2024-03-03"
    found = site.get("/api/claims", params={"q": "general staff"}).json()
    assert found["total"] > 0 and all("general staff" in json.dumps(r).lower() for r in found["claims"])
    page = site.get("/api/claims", params={"limit": 3, "offset": 3}).json()
    assert [r["claim_id"] for r in page["claims"]] == [r["claim_id"] for r in everything["claims"][3:6]]


def test_api_facets_count_the_matching_claims(site: httpx.Client) -> None:
    facets = site.get("/api/facets", params={"subject_party": "Russia"}).json()
    total = site.get("/api/claims", params={"subject_party": "Russia", "limit": 1}).json()["total"]
    assert sum(n for _, n in facets["category"]) == total
    assert facets["subject_party"] == [["Russia", total]]


def test_csv_and_json_downloads_hold_the_same_view(site: httpx.Client) -> None:
    params = {"category": "killed"}
    rows = site.get("/api/claims", params={**params, "limit": 1000}).json()["claims"]
    r = site.get("/api/claims.csv", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [t["claim_id"] for t in table] == [row["claim_id"] for row in rows]
    assert [t["value"] for t in table] == ["" if row["value"] is None else str(row["value"]) for row in rows]


@pytest.mark.parametrize("fmt, media", [("jsonl", "application/x-ndjson"), ("geojson", "application/geo+json"),
                                        ("hxl", "text/csv")])
def test_other_export_formats_of_a_view(site: httpx.Client, fmt: str, media: str) -> None:
    r = site.get(f"/api/claims.{fmt}", params={"subject_party": "Russia"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in r.text.splitlines()]
        assert rows and {row["subject_party"] for row in rows} == {"Russia"}
    bad = site.get("/api/claims.docx")
    assert bad.status_code == 422 and "docx" in bad.json()["detail"]


def test_api_analyses(site: httpx.Client) -> None:
    ratio = site.get("/api/ratio").json()
    assert ratio["pair"]["numerator"] == "General Staff of the Armed Forces of Ukraine"
    first_day = next(p for p in ratio["points"] if p["date"] == "2024-03-01")
    assert first_day["ratio"] == pytest.approx((6500 + 12) / (3000 + 4))
    timeline = site.get("/api/timeline", params={"q": "General Staff"}).json()
    assert any(s["subject"] == "tanks" and len(s["points"]) >= 5 for s in timeline)
    compared = site.get("/api/compare", params={"subject_party": "Russia", "category": "equipment_destroyed"}).json()
    assert {"rows", "since", "until", "notes"} <= set(compared)
    assert isinstance(site.get("/api/flags").json(), list)
    assert site.get("/api/claims/0000000000000000").status_code == 404
    assert site.get("/api/documents/nope").status_code == 404


def test_openapi_describes_the_api_and_no_cdn_docs(site: httpx.Client) -> None:
    spec = site.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "claimledger"
    for path in ("/api/claims", "/api/claims.csv", "/api/claims/{claim_id}", "/api/documents/{document_id}",
                 "/api/facets", "/api/compare", "/api/flags", "/api/timeline", "/api/claims/{claim_id}/review"):
        assert path in spec["paths"], path
    review = spec["paths"]["/api/claims/{claim_id}/review"]["post"]
    assert "requestBody" in review
    assert site.get("/docs").status_code == 404 and site.get("/redoc").status_code == 404
    assert "/api/claims/{claim_id}/review" in site.get("/api").text


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, words", [
    ("since=March", "since"), ("until=2024-13", "until"), ("category=genocide", "category"),
    ("limit=5000", "limit"), ("offset=-1", "offset"), ("modality=rumoured", "modality"),
])
def test_bad_filter_values_are_422_with_the_reason(site: httpx.Client, query: str, words: str) -> None:
    r = site.get(f"/api/claims?{query}")
    assert r.status_code == 422 and words in r.json()["detail"]
    page = site.get(f"/?{query}")
    assert page.status_code == 422 and words in page.text and "text/html" in page.headers["content-type"]


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=40), date=st.text(alphabet="0123456789-/ aZ", max_size=12))
def test_any_filter_text_gives_a_page_or_a_reason(site: httpx.Client, text: str, date: str) -> None:
    # Free text is matched as a substring (never as SQL or a pattern); dates are checked.
    params = {"claimant": text, "q": text, "location": text}
    assert site.get("/api/claims", params=params).status_code == 200
    assert site.get("/", params=params).status_code == 200
    r = site.get("/api/claims", params={"since": date})
    assert r.status_code == 200 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.strip()) or not date.strip() else 400


def test_unknown_pages_are_404(site: httpx.Client) -> None:
    assert site.get("/claims/nope").status_code == 404
    assert site.get("/documents/nope").status_code == 404
    r = site.get("/api/nowhere")
    assert r.status_code == 404 and "detail" in r.json()


# -- reviews --------------------------------------------------------------------------------------

def test_review_correct_then_confirm_then_reject_with_audit_log(writable: httpx.Client) -> None:
    row = some_claim(writable, category="killed", qualifier="exact")
    cid = row["claim_id"]
    r = writable.post(f"/api/claims/{cid}/review", json={"action": "correct", "changes": {"value": 4321},
                                                          "note": "checked the statement", "reviewer": "ana"})
    assert r.status_code == 200, r.text
    assert r.json()["value"] == 4321 and r.json()["review_status"] == "corrected"
    listed = {c["claim_id"]: c for c in writable.get("/api/claims", params={"limit": 1000}).json()["claims"]}
    assert listed[cid]["value"] == 4321
    table = {t["claim_id"]: t for t in csv.DictReader(io.StringIO(writable.get("/api/claims.csv").text))}
    assert table[cid]["value"] == "4321"
    assert writable.post(f"/api/claims/{cid}/review", json={"action": "confirm", "reviewer": "ana"}).status_code == 200
    assert writable.post(f"/api/claims/{cid}/review", json={"action": "reject", "note": "a duplicate", "reviewer": "ana"}).status_code == 200
    audit = writable.get(f"/api/claims/{cid}").json()["audit"]
    assert [a["action"] for a in audit] == ["correct", "confirm", "reject"]
    assert audit[0]["changes"] == {"value": [row["value"], 4321]} and audit[0]["reviewer"] == "ana"
    page = writable.get(f"/claims/{cid}").text
    assert page.count('class="audit-entry"') == 3 and f"value: {row['value']} → 4321" in page
    assert cid not in {c["claim_id"] for c in writable.get("/api/claims", params={"limit": 1000}).json()["claims"]}
    with_rejected = writable.get("/api/claims", params={"limit": 1000, "include_rejected": "true"}).json()
    assert cid in {c["claim_id"] for c in with_rejected["claims"]}


def test_review_page_has_the_forms_when_writable(writable: httpx.Client) -> None:
    page = writable.get(f"/claims/{some_claim(writable)['claim_id']}").text
    assert page.count('class="review-form"') == 3 and 'id="correct-form"' in page
    assert 'id="write-token"' not in page  # no token configured


@pytest.mark.parametrize("body, status, words", [
    ({"action": "delete", "reviewer": "ana"}, 422, "action"),
    ({"action": "confirm", "sneaky": 1, "reviewer": "ana"}, 422, "sneaky: unknown field"),
    ({"action": "correct", "changes": {"claim_id": "x"}, "reviewer": "ana"}, 422, "cannot be corrected"),
    ({"action": "correct", "changes": {"period_start": "March"}, "reviewer": "ana"}, 422, "YYYY-MM-DD"),
    ({"action": "correct", "changes": {}, "reviewer": "ana"}, 422, "at least one"),
    ({"action": "confirm", "note": "x" * 5000, "reviewer": "ana"}, 422, "note"),
    ({"action": "confirm"}, 422, "reviewer: Field required"),
    ({"action": "confirm", "reviewer": "  "}, 422, "reviewer's name"),
    ({"action": "correct", "changes": {"subject_party": "Isreal"}, "reviewer": "ana"}, 422, "did you mean 'Israel'"),
    ({"action": "unreject", "reviewer": "ana"}, 422, "is not rejected"),
])
def test_invalid_reviews_are_refused_with_the_reason(writable: httpx.Client, body: dict[str, Any], status: int,
                                                      words: str) -> None:
    cid = some_claim(writable)["claim_id"]
    r = writable.post(f"/api/claims/{cid}/review", json=body)
    assert r.status_code == status and words in r.json()["detail"], r.text
    assert writable.get(f"/api/claims/{cid}").json()["audit"] == []


def test_malformed_json_oversize_and_wrong_type(writable: httpx.Client) -> None:
    url = f"/api/claims/{some_claim(writable)['claim_id']}/review"
    r = writable.post(url, content=b'{"action": "confirm"', headers={"content-type": "application/json"})
    assert r.status_code == 422 and "malformed JSON" in r.json()["detail"]
    big = json.dumps({"action": "confirm", "note": "x" * 70_000})
    r = writable.post(url, content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    chunks = (part.encode() for part in [big[:30_000], big[30_000:]])  # no Content-Length: chunked
    r = writable.post(url, content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = writable.post(url, content=b"action=confirm", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert writable.post("/api/claims/0000000000000000/review", json={"action": "confirm", "reviewer": "ana"}).status_code == 404


def test_token_is_required_when_configured(ledger_copy: Path, serve: Any) -> None:
    with httpx.Client(base_url=serve(ledger_copy, token="s3cret"), timeout=30) as client:
        url = f"/api/claims/{some_claim(client)['claim_id']}/review"
        r = client.post(url, json={"action": "confirm", "reviewer": "ana"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert client.post(url, json={"action": "confirm", "reviewer": "ana"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.post(url, json={"action": "confirm", "reviewer": "ana"}, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert 'id="write-token"' in client.get(url.removeprefix("/api").removesuffix("/review")).text


def test_cross_origin_writes_are_refused(writable: httpx.Client) -> None:
    url = f"/api/claims/{some_claim(writable)['claim_id']}/review"
    own = str(writable.base_url).rstrip("/")
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": own, "Sec-Fetch-Site": "same-site"}):
        r = writable.post(url, json={"action": "confirm", "reviewer": "ana"}, headers=headers)
        assert r.status_code == 403 and "cross-origin" in r.json()["detail"], headers
    r = writable.post(url, json={"action": "confirm", "reviewer": "ana"}, headers={"Origin": own, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200


def test_read_only_server_refuses_writes(site: httpx.Client) -> None:
    r = site.post(f"/api/claims/{some_claim(site)['claim_id']}/review", json={"action": "confirm", "reviewer": "ana"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


def test_host_allow_list_stops_dns_rebinding(built_ledger: Path, serve: Any) -> None:
    base = serve(built_ledger, allow_writes=False, allowed_hosts=["127.0.0.1", "localhost"])
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/").status_code == 200
        r = client.get("/", headers={"Host": "rebound.example:8000"})
        assert r.status_code == 400 and "Host" in r.json()["detail"]


# -- safety of every response -----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/api/claims", "/static/style.css", "/static/plotly.min.js", "/nowhere",
                                  "/openapi.json"])
def test_security_headers_on_every_response(site: httpx.Client, path: str) -> None:
    r = site.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_plotly_is_served_from_the_installed_package(site: httpx.Client) -> None:
    import plotly

    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    r = site.get("/static/plotly.min.js")
    assert r.status_code == 200 and r.content == bundle.read_bytes()


def test_no_page_loads_anything_from_another_site(site: httpx.Client, hostile_ids: dict[str, Any]) -> None:
    row = some_claim(site, q="General Staff")
    paths = [*PAGES, f"/documents/{row['document_id']}", f"/claims/{row['claim_id']}",
             f"/claimants?claimant={row['claimant']}", f"/documents/{hostile_ids['document_id']}"]
    for path in paths:
        parsed = tags_of(site.get(path).text)
        for tag, attrs in parsed.tags:
            for name in ("src", "href", "action", "srcset", "data", "poster"):
                value = attrs.get(name, "")
                if value.startswith(("http:", "https:", "//")):
                    assert tag == "a" and attrs.get("class") == "source-url", (path, tag, attrs)
        assert all(attrs.get("src", "").startswith("/static/") for tag, attrs in parsed.tags
                   if tag == "script" and "src" in attrs), path
        inline = [attrs for tag, attrs in parsed.tags if tag == "script" and "src" not in attrs]
        assert all(a.get("type") == "application/json" for a in inline), path  # no inline code


# -- escaping -------------------------------------------------------------------------------------

def test_hostile_text_is_escaped_everywhere(site: httpx.Client, hostile_ids: dict[str, Any],
                                            hostile: dict[str, str]) -> None:
    SCRIPT = hostile["script"]
    doc_id, claim_id = hostile_ids["document_id"], hostile_ids["claim_ids"][0]
    requests = [("/", {"q": "__pwned"}), (f"/documents/{doc_id}", {}), (f"/claims/{claim_id}", {}),
                ("/", {"claimant_party": SCRIPT}), ("/claimants", {}), ("/claimants", {"claimant": hostile["claimant"]}),
                ("/compare", {"subject_party": "civilians", "category": "killed", "since": "2024-01-01"}), ("/flags", {})]
    for path, params in requests:
        r = site.get(path, params=params)
        assert r.status_code == 200, path
        for raw in (hostile["script"], hostile["img"], hostile["svg"], hostile["close"]):
            assert raw not in r.text, (path, raw)
        parsed = tags_of(r.text)
        assert not [t for t, a in parsed.tags if t in ("img", "svg")], path
        assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)], path
        assert "javascript:" not in "".join(a.get("href", "") for _, a in parsed.tags), path
        for body in parsed.script_bodies:
            assert "<" not in body, path  # chart JSON carries no raw markup
    document = site.get(f"/documents/{doc_id}").text
    assert html.escape(SCRIPT, quote=False) in document and "&lt;img src=x onerror=" in document


def test_hostile_text_in_charts_is_escaped_for_plotly(site: httpx.Client, hostile: dict[str, str]) -> None:
    # Plotly reads a little HTML in labels: the claimant's name must reach it escaped.
    # the hostile report's side is in no registry conflict: its claims are a conflict of their own
    window = {"since": "2024-01-01", "until": "2024-01-31", "conflict": hostile["script"]}
    page = site.get("/compare", params={"subject_party": "civilians", "category": "killed", **window}).text
    charts = [json.loads(b) for b in tags_of(page).script_bodies if b.strip()]
    labels = [x for c in charts for t in c["data"] for x in [*t["x"], *t["hovertext"]]]
    assert any("&lt;img src=x onerror=" in x for x in labels)
    assert not any("<" in x for x in labels)


def test_pages_api_and_reviews_on_each_backend(ledger_url: str, ledger_results: list[Any], serve: Any) -> None:
    from claimledger.store import open_ledger

    with open_ledger(ledger_url) as ledger:
        ledger.add_results(ledger_results)
    with httpx.Client(base_url=serve(ledger_url), timeout=30) as client:
        for path in [*PAGES, "/?category=killed&since=2024-01-01", "/claimants?claimant=General+Staff"]:
            assert client.get(path).status_code == 200, path
        row = some_claim(client, category="equipment_destroyed")
        assert client.get(f"/documents/{row['document_id']}").status_code == 200
        r = client.post(f"/api/claims/{row['claim_id']}/review", json={"action": "correct", "changes": {"value": 7}, "reviewer": "ana"})
        assert r.status_code == 200 and r.json()["value"] == 7
        assert "value: " in client.get(f"/claims/{row['claim_id']}").text
        assert client.get("/api/ratio").json()["pair"]["denominator"] == "Oryx"


# -- the highlighter ------------------------------------------------------------------------------

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab <>&\"'\n"), min_size=1, max_size=60), spans=SPANS)
def test_highlight_keeps_the_text_and_marks_each_span(text: str, spans: list[tuple[int, int]]) -> None:
    claims = []
    for i, (start, length) in enumerate(spans):
        start = min(start, len(text) - 1)
        end = min(len(text), start + length)
        claims.append({"claim_id": f"c{i}", "evidence": [{"text": text[start:end], "start": start, "end": end}]})
    out = str(highlight(text, claims))
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", out)) == text
    assert "<" not in re.sub(r"</?mark[^>]*>", "", out)
    for c in claims:
        assert f'id="claim-{c["claim_id"]}"' in out


def test_highlight_finds_moved_evidence_and_skips_missing() -> None:
    text = "First sentence. The army said 12 were killed. Last."
    moved = {"claim_id": "a", "evidence": [{"text": "The army said 12 were killed.", "start": 0, "end": 5}]}
    missing = {"claim_id": "b", "evidence": [{"text": "not in the text", "start": 0, "end": 15}]}
    out = str(highlight(text, [moved, missing]))
    assert '<mark class="anchor" id="claim-a"><mark class="ev" data-claims="a">The army said 12 were killed.' in out
    assert "claim-b" not in out


# -- the command line -----------------------------------------------------------------------------

def test_serve_command_refuses_writes_off_loopback_without_a_token(built_ledger: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append({"app": app, **kw}))
    monkeypatch.delenv("CLAIMLEDGER_TOKEN", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--db", str(built_ledger), "--host", "0.0.0.0", "--port", "9999"])
    assert result.exit_code == 0, result.output
    assert "read-only" in result.output
    assert started[-1]["host"] == "0.0.0.0" and started[-1]["port"] == 9999
    assert started[-1]["app"].state.write_policy.allow_writes is False
    result = runner.invoke(cli, ["serve", "--db", str(built_ledger), "--host", "0.0.0.0"],
                           env={"CLAIMLEDGER_TOKEN": "t0ken"})
    assert started[-1]["app"].state.write_policy.allow_writes is True
    assert started[-1]["app"].state.write_policy.token == "t0ken"
    result = runner.invoke(cli, ["serve", "--db", str(built_ledger)])
    assert started[-1]["host"] == "127.0.0.1" and started[-1]["app"].state.write_policy.allow_writes is True
    for app in (s["app"] for s in started):
        app.state.pool.close()


def test_serve_command_names_an_unusable_ledger(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--db", str(bad)])
    assert result.exit_code != 0 and "notes.db" in result.output and "not a SQLite database" in result.output
