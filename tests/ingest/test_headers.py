"""Line-level metadata: bylines, "Outlet | Section" lines, channel handles, date lines, headlines."""
from __future__ import annotations

import pytest

from claimledger.ingest.headers import (
    byline,
    date_line_value,
    is_channel_handle,
    is_headline,
    outlet_line,
)


@pytest.mark.parametrize(("line", "outlet"), [
    ("By Harbour Gazette staff", "Harbour Gazette"),
    ("By Northern Courier correspondent", "Northern Courier"),
    ("By Mira Solberg, Valley Times", "Valley Times"),
    ("By Mira Solberg for Valley Times", "Valley Times"),
    ("By Mira Solberg | Valley Times", "Valley Times"),
    ("By the Coastal Observer news desk", "Coastal Observer"),
    ("By the Coastal Observer Desk", "Coastal Observer"),
    ("By Riverside Herald Staff Writer", "Riverside Herald"),
    ("By Riverside Herald reporters", "Riverside Herald"),
    ("By Frontier Daily team", "Frontier Daily"),
    ("BY Examplewire", "Examplewire"),
    ("By The Example Press Agency", "The Example Press Agency"),
    ("By Examplewire | 4 March 2024", "Examplewire"),
    ("By Mira Solberg and Tomas Ek, Valley Times", "Valley Times"),
])
def test_byline_names_an_outlet(line: str, outlet: str) -> None:
    found = byline(line)
    assert found is not None and found.outlet == outlet


@pytest.mark.parametrize("line", [
    "By Mira Solberg",
    "By MIRA SOLBERG",
    "By Mira Solberg, Staff Writer",
    "By Mira Solberg and Tomas Ek",
    "By our Lakeside correspondent",
    "By a staff reporter",
])
def test_byline_naming_only_people_has_no_outlet(line: str) -> None:
    assert byline(line) is not None and byline(line).outlet is None


@pytest.mark.parametrize("line", [
    "By the time rescuers arrived, four people had died.",
    "By nightfall the army had pulled back from the ridge",
    "By 2030 the ministry plans to rebuild the bridge",
    "Byron Lake residents said three houses burned",
    "Officials said the toll had risen to 12",
    "By " + "Very Long Name " * 8,
])
def test_sentences_are_not_bylines(line: str) -> None:
    assert byline(line) is None


@pytest.mark.parametrize(("line", "iso"), [
    ("12 June 2024 | World News", "2024-06-12"),
    ("12 June 2024 | Humanitarian Aid | Europe", "2024-06-12"),
    ("🔁 3.2K  ·  edited  ·  Jun 12, 2024, 08:15", "2024-06-12"),
    ("Posted 08:15, 12 June 2024", "2024-06-12"),
    ("Last updated: June 12, 2024 8:15 AM GMT+2", "2024-06-12"),
    ("June 12, 2024 8:15 PM EDT", "2024-06-12"),
    ("Lakeside - 12 June 2024", "2024-06-12"),
])
def test_date_lines(line: str, iso: str) -> None:
    assert date_line_value(line) == iso


@pytest.mark.parametrize("line", [
    "On 12 June 2024 the army said five soldiers were wounded",
    "12 June 2024 was the deadliest day of the month",
    "The ministry said on 12 June 2024 that 4 people died.",
    "Fighting continued | Troops said 12 June 2024 was calm in the northern districts",
    "World News | Europe",
    "",
])
def test_sentences_and_dateless_lines_are_not_date_lines(line: str) -> None:
    assert date_line_value(line) is None


@pytest.mark.parametrize(("line", "outlet"), [
    ("Lakeside Ledger | Security", "Lakeside Ledger"),
    ("Lakeside Ledger | Peace and Security | Africa", "Lakeside Ledger"),
    ("Lakeside Ledger · World", "Lakeside Ledger"),
])
def test_outlet_lines(line: str, outlet: str) -> None:
    assert outlet_line(line) == outlet


@pytest.mark.parametrize("line", [
    "12 June 2024 | World",
    "Five killed in strike | Lakeside Ledger",
    "Lakeside Ledger",
    "A | B | C | D",
])
def test_not_outlet_lines(line: str) -> None:
    assert outlet_line(line) is None


@pytest.mark.parametrize(("line", "handle"), [
    ("@lakeside_notes · 8.1K subscribers", True),
    ("@lakeside_notes", True),
    ("@ab", False),
    ("Lakeside Notes", False),
    ("email me @ home", False),
])
def test_channel_handles(line: str, handle: bool) -> None:
    assert is_channel_handle(line) is handle


@pytest.mark.parametrize(("line", "headline"), [
    ("Militia says it shot down two army drones over the valley", True),
    ("Why the river crossing matters?", True),
    ("“We held the line,” commander says", True),
    ("The army said two soldiers were wounded.", False),
    ("Headline:", False),
    ("⚡️ Results of the week (May 3–9)", False),
    ("🔻 Losses over the week", False),
    ("Word", False),
    ("x " * 120, False),
    ("By Harbour Gazette staff", False),
    ("12 June 2024 | World News", False),
    ("https://example.org/a b", False),
    ("Photo: Example Wire", False),
    ("Section: World News", False),
])
def test_headlines(line: str, headline: bool) -> None:
    assert is_headline(line) is headline
