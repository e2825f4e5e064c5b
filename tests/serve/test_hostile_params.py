"""Hostile values in every parameter of the web app: never a 5xx, never an exception.

The sweep reads the parameters from the app itself: ``/openapi.json`` for the JSON API, and
the same schema generated for the HTML pages (which the app keeps out of its published spec).
Each parameter of each GET endpoint gets each hostile value in turn, the other parameters
holding ordinary values; the review POST gets hostile JSON fields. Numbers and dates a store
cannot hold must be refused with a 422 that names the parameter.
"""
from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from claimledger.serve import pages
from claimledger.serve.app import create_app

with warnings.catch_warnings():
    # Starlette asks for httpx2 in its test client; the httpx installed works the same here.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# Query-string fragments, already percent-encoded, so the bytes sent are exactly these.
#: Values every parameter gets.
FOR_ANY: dict[str, str] = {
    "empty": "",
    "blank": "%20%20",
    "huge": str(10**30),
    "negative": "-1",
    "nan": "nan",
    # As long as a URL can be here: httpx refuses URLs over 64 KiB (100 KB goes in the POST bodies).
    "60kb_digits": "9" * 60_000,
    "long_unicode": quote("\u0627\u202e\U0001f4a5" * 300),
    "rtl": quote("\u202e\u0627\u0644\u0642\u062f\u0633 1\u200f2\u202c"),
    "lone_surrogate_utf8": "%ED%A0%80",  # what UTF-8 of U+D800 would be: invalid UTF-8
    "invalid_utf8": "%FF%FE%C0%80",
    "nul": "a%00b",
    "traversal": quote("../../etc/passwd", safe=""),
}
#: Values that only numbers, days or free text can take for something they are not.
FOR_NUMBERS = {"int64_max": str(2**63 - 1), "int64_over": str(2**63), "negative_huge": str(-(10**30)),
               "inf": "inf", "minus_inf": "-inf", "float_overflow": "1e309", "fraction": "0.5"}
FOR_DAYS = {"bad_month": "2024-13-01", "bad_day": "2024-02-30", "year_zero": "0000-01-01",
            "year_huge": "99999-01-01", "timestamp": "1704153600", "iso_week": "2024-W01-1",
            "datetime": "2024-01-02T00%3A00"}
FOR_TEXT = {"percent_u_escape": "%25uD800", "json_escape": quote("\\ud800\\udfff"),
            "like_wildcards": quote("%_\\", safe=""), "sql": quote("' OR 1=1 --", safe=""),
            "bad_month": "2024-13-01"}

#: Parameters that are numbers or days: whatever else they are sent must get a 422 naming them.
NUMERIC_TYPES = ("integer", "number")
DAY_PARAMS = ("since", "until")
NO_VALUE = ("empty", "blank")

#: Ordinary values for parameters the endpoint needs while another one is swept.
ORDINARY = {"subject_party": "Israel", "category": "killed", "fmt": "jsonl", "claim_id": "x", "document_id": "x",
            "name": "x"}


@pytest.fixture(scope="module")
def app(built_ledger: Path) -> FastAPI:
    return create_app(str(built_ledger), allow_writes=False)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions: an uncaught exception fails the test with its traceback.
    with TestClient(app, raise_server_exceptions=True, follow_redirects=False) as c:
        yield c


def api_spec(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def pages_spec() -> dict[str, Any]:
    """The OpenAPI schema of the HTML pages, which the app keeps out of ``/openapi.json``."""
    shown = APIRouter()
    for route in pages.router.routes:
        if isinstance(route, APIRoute):
            shown.add_api_route(route.path, route.endpoint, methods=sorted(route.methods), include_in_schema=True)
    return get_openapi(title="pages", version="0", routes=shown.routes)


def operations(spec: dict[str, Any], method: str) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(path, ops[method].get("parameters", [])) for path, ops in spec["paths"].items() if method in ops]


def param_type(param: dict[str, Any]) -> str:
    schema = param.get("schema", {})
    kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
    if schema.get("type") == "array" or any(s.get("type") == "array" for s in schema.get("anyOf", [])):
        return "array"
    return next((k for k in kinds if k and k != "null"), "string")


def ordinary(param: dict[str, Any]) -> str:
    if param["name"] in ORDINARY:
        return ORDINARY[param["name"]]
    return {"integer": "1", "number": "1", "boolean": "false"}.get(param_type(param), "x")


def url_with(path: str, params: list[dict[str, Any]], swept: dict[str, Any], value: str) -> str:
    """The URL with ``swept`` set to the raw ``value`` and each other required parameter ordinary."""
    for p in params:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", value if p is swept else quote(ordinary(p), safe=""))
    query = [f"{p['name']}={value if p is swept else quote(ordinary(p))}" for p in params
             if p["in"] == "query" and (p is swept or p.get("required"))]
    return path + ("?" + "&".join(query) if query else "")


def hostile_values(param: dict[str, Any]) -> dict[str, str]:
    """The values a parameter is swept with: those for any, and those for its type."""
    if param_type(param) in NUMERIC_TYPES:
        return {**FOR_ANY, **FOR_NUMBERS}
    if param["name"] in DAY_PARAMS:
        return {**FOR_ANY, **FOR_DAYS}
    if param_type(param) == "boolean":
        return FOR_ANY
    return {**FOR_ANY, **FOR_TEXT}


def must_refuse(param: dict[str, Any], kind: str) -> bool:
    """True when this kind of value is no value of this parameter: a number or day it cannot be."""
    return (param_type(param) in NUMERIC_TYPES or param["name"] in DAY_PARAMS) and kind not in NO_VALUE


def sweep(client: TestClient, spec: dict[str, Any]) -> list[str]:
    """Every hostile value in every parameter of every GET endpoint; the failures, described."""
    failures = []
    for path, params in operations(spec, "get"):
        for param in params:
            for kind, value in hostile_values(param).items():
                url = url_with(path, params, param, value)
                try:
                    r = client.get(url)
                except Exception as exc:  # noqa: BLE001 (any exception is the failure reported)
                    failures.append(f"{path} {param['name']}={kind}: {type(exc).__name__}: {exc}"[:300])
                    continue
                if r.status_code >= 500:
                    failures.append(f"{path} {param['name']}={kind}: {r.status_code} {r.text[:200]}")
                elif must_refuse(param, kind) and not (r.status_code == 422 and param["name"] in r.text):
                    failures.append(f"{path} {param['name']}={kind}: {r.status_code}, not a 422 naming it")
    return failures


def test_the_sweep_covers_the_api_and_the_pages(client: TestClient) -> None:
    api_paths = {path for path, _ in operations(api_spec(client), "get")}
    page_paths = {path for path, _ in operations(pages_spec(), "get")}
    assert {"/api/claims", "/api/compare", "/api/ratio", "/api/claims/{claim_id}"} <= api_paths
    assert {"/", "/compare", "/reference", "/claimants/{name}", "/documents/{document_id}"} <= page_paths


def test_every_number_parameter_is_bounded_on_both_sides(client: TestClient) -> None:
    """An integer without a maximum reaches the database as whatever the client sent."""
    unbounded = [f"{path} {p['name']}" for spec in (api_spec(client), pages_spec())
                 for path, params in operations(spec, "get") for p in params
                 if param_type(p) in NUMERIC_TYPES
                 and not ({"minimum", "exclusiveMinimum"} & p["schema"].keys()
                          and {"maximum", "exclusiveMaximum"} & p["schema"].keys())]
    assert not unbounded


@pytest.mark.parametrize("which", ["api", "pages"])
def test_hostile_values_in_every_get_parameter(client: TestClient, which: str) -> None:
    spec = api_spec(client) if which == "api" else pages_spec()
    failures = sweep(client, spec)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("path", "query"), [
    ("/api/claims", "offset=" + str(10**30)),
    ("/api/claims", "offset=9223372036854775807"),
    ("/api/claims", "offset=nan"),
    ("/", "offset=" + str(10**30)),
    ("/api/claims", "since=2024-13-01"),
    ("/api/claims", "until=2024-02-30"),
    ("/flags", "since=2024-13-01"),
])
def test_the_reported_values_get_a_message_naming_the_parameter(client: TestClient, path: str, query: str) -> None:
    r = client.get(f"{path}?{query}")
    assert r.status_code == 422
    assert query.split("=")[0] in r.text


def test_a_filter_repeated_past_what_a_query_can_hold_is_refused(client: TestClient) -> None:
    many = "&".join(f"subject_party={i}" for i in range(3000))
    for path in ("/api/claims", "/api/flags", "/"):
        r = client.get(f"{path}?{many}")
        assert r.status_code == 422 and "subject_party" in r.text, path


def test_a_live_server_answers_the_reported_values(read_only_site: str) -> None:
    """Through uvicorn, where these values once reset the connection."""
    with httpx.Client(base_url=read_only_site, timeout=30) as http:
        for query in ("offset=9223372036854775807", "offset=nan", "offset=" + str(10**30)):
            for path in ("/api/claims", "/"):
                assert http.get(f"{path}?{query}").status_code == 422, (path, query)


# -- the review POST --------------------------------------------------------------------------------

#: JSON bodies as text, so that what is sent is exactly this (NaN, lone surrogate escapes).
HOSTILE_NUMBERS = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", str(10**30), str(2**63), "-1", "1e-400"]
HOSTILE_TEXTS = ['"\\ud800"', '"a\\udfffb"', '"\\u202e\\u0627"', '"' + "x" * 100_000 + '"', '"\\u0000"', '""',
                 '"../../etc/passwd"', '"2024-13-01"']
FIELDS = ["value", "low", "high", "latitude", "longitude", "period_start", "period_end", "claimant", "category",
          "nonexistent"]


def review_bodies() -> Iterator[tuple[str, str]]:
    """(what, JSON text) for hostile reviews: each field of ``changes``, the note, the reviewer."""
    for value in HOSTILE_NUMBERS + HOSTILE_TEXTS:
        for field in FIELDS:
            yield f"changes.{field}={value[:20]}", f'{{"action": "correct", "changes": {{"{field}": {value}}}}}'
        for field in ("note", "reviewer", "action"):
            action = "" if field == "action" else '"action": "confirm", '
            yield f"{field}={value[:20]}", f'{{{action}"{field}": {value}}}'
        yield f"changes={value[:20]}", f'{{"action": "correct", "changes": {value}}}'
    deep = '{"action": "correct", "changes": ' + "[" * 5000 + "]" * 5000 + "}"
    yield "deeply nested", deep
    yield "changes key surrogate", '{"action": "correct", "changes": {"\\ud800": 1}}'


@pytest.fixture(scope="module")
def writable(built_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    path = tmp_path_factory.mktemp("hostile-reviews") / "ledger.db"
    shutil.copyfile(built_ledger, path)
    with TestClient(create_app(str(path)), raise_server_exceptions=True, follow_redirects=False) as c:
        claim_id = c.get("/api/claims", params={"limit": 1}).json()["claims"][0]["claim_id"]
        yield c, claim_id


def test_hostile_review_bodies(writable: tuple[TestClient, str]) -> None:
    client, claim_id = writable
    failures = []
    for what, body in review_bodies():
        try:
            r = client.post(f"/api/claims/{claim_id}/review", content=body.encode("utf-8"),
                            headers={"content-type": "application/json"})
        except Exception as exc:  # noqa: BLE001 (any exception is the failure reported)
            failures.append(f"{what}: {type(exc).__name__}: {exc}"[:300])
            continue
        if r.status_code >= 500:
            failures.append(f"{what}: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)
    # Whatever was accepted, the claim still reads back as JSON a client can parse.
    row = client.get(f"/api/claims/{claim_id}")
    assert row.status_code == 200 and json.loads(row.text)["claim_id"] == claim_id


def test_review_values_the_ledger_cannot_hold_are_refused(writable: tuple[TestClient, str]) -> None:
    client, claim_id = writable
    for body in ('{"action": "correct", "changes": {"value": NaN}}',
                 '{"action": "correct", "changes": {"value": 1e400}}',
                 '{"action": "correct", "changes": {"latitude": Infinity}}',
                 '{"action": "confirm", "note": "\\ud800"}'):
        r = client.post(f"/api/claims/{claim_id}/review", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (body, r.status_code, r.text)
