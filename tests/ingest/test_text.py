"""Plain-text and Markdown reports: metadata, markup blanking, length preservation."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.ingest import read_text
from claimledger.ingest.metadata import NO_DATE_WARNING
from claimledger.ingest.text import parse_plain, strip_markup

GAZA = [(["war in Gaza"], "2023-10-07")]

# Written for these tests in the layout of the seed articles (not copied from them).
MARKER_REPORT = (
    " date 2024-03-05 The Northern Brigades said on Monday that their fighters killed"
    " at least 14 soldiers in an ambush near the river crossing, a spokesman said.\n\n"
    "The army said two of its soldiers were wounded in the clash.\n\n"
    "Source @Example Front\n\n"
)

LAYOUT_REPORT = (
    "\n\n# *Militia says its fighters destroyed 6 armoured vehicles in a week*\n\n---\n\n\n\n"
    "Photo shows smoke rising over a village east of the town in\n\n"
    "**the hills above the eastern valley.**\n\n"
    "Port Town, November 13 (EXR)-- The militia says its fighters have destroyed six"
    " armoured vehicles and killed at least 12 soldiers over the past week.\n\n"
    "\"Our fighters are inflicting daily losses on the enemy,\" the group said.\n\n"
    "As the war in Gaza enters its 14th month, officials say at least 300 people have"
    " been wounded in the district.\n\n---\n\n"
    "<https://radio.example.org/en/news/militia-says-fighters-destroyed-vehicles>\n\n\n\n"
    "**Example Radio International**"
)


def assert_blanked_only(raw: str, text: str) -> None:
    """Same length; each character kept or replaced by a space; CR/LF kept."""
    assert len(text) == len(raw)
    for kept, original in zip(text, raw):
        if original in "\r\n":
            assert kept == original
        else:
            assert kept in (original, " ")


def test_date_marker_and_source_line() -> None:
    doc = parse_plain(MARKER_REPORT, source="a.txt")
    assert (doc.published, doc.date_source) == ("2024-03-05", "metadata")
    assert doc.outlet == "Example Front"
    assert doc.title is None and doc.url is None and doc.warnings == ()
    assert doc.text.startswith(" " * 17 + "The Northern Brigades")
    assert "Source" not in doc.text and "2024-03-05" not in doc.text
    assert_blanked_only(MARKER_REPORT, doc.text)


def test_evidence_offsets_are_file_offsets() -> None:
    doc = parse_plain(LAYOUT_REPORT, source="b.md")
    for phrase in ("killed at least 12 soldiers", "at least 300 people", "Port Town"):
        assert doc.text.index(phrase) == LAYOUT_REPORT.index(phrase)


def test_heading_url_and_trailing_outlet() -> None:
    doc = parse_plain(LAYOUT_REPORT, source="b.md", war_starts=GAZA)
    assert doc.title == "Militia says its fighters destroyed 6 armoured vehicles in a week"
    assert doc.url == "https://radio.example.org/en/news/militia-says-fighters-destroyed-vehicles"
    assert doc.outlet == "Example Radio International"
    assert (doc.published, doc.date_source) == ("2024-11-13", "dateline+inferred-year")
    assert len(doc.warnings) == 1 and "14th month" in doc.warnings[0]
    for markup in ("#", "*", "---", "<", ">", "https://", "Example Radio"):
        assert markup not in doc.text
    assert_blanked_only(LAYOUT_REPORT, doc.text)


def test_dateline_without_year_and_no_clue_warns() -> None:
    doc = parse_plain(LAYOUT_REPORT, source="b.md")  # no war_starts: year unknown
    assert doc.published is None and doc.date_source is None
    assert NO_DATE_WARNING in doc.warnings
    assert any("November 13" in w for w in doc.warnings)


def test_no_date_at_all_warns() -> None:
    doc = parse_plain("Officials said five people were wounded.\n", source="c.txt")
    assert doc.published is None and doc.warnings == (NO_DATE_WARNING,)


@pytest.mark.parametrize(("line", "expected"), [
    ("Published: 2024-03-02", "2024-03-02"),
    ("Date: 02/03/2024", "2024-03-02"),
    ("Published on March 2, 2024", "2024-03-02"),
    ("**Posted: 2 March 2024 14:05 UTC**", "2024-03-02"),
    ("Date: Sat, 02 Mar 2024 10:00:00 +0000", "2024-03-02"),
])
def test_published_lines_at_the_top(line: str, expected: str) -> None:
    raw = f"# Heading here\n{line}\n\nOfficials said five people were wounded.\n"
    doc = parse_plain(raw, source="d.md")
    assert (doc.published, doc.date_source) == (expected, "metadata")
    start = raw.index(line)
    assert doc.text[start:start + len(line)].strip() == ""
    assert doc.title == "Heading here"


def test_body_sentence_starting_with_a_label_is_kept() -> None:
    raw = "Posted troops said on March 4, 2024 that 3 soldiers died in the attack.\n"
    doc = parse_plain(raw, source="e.txt")
    assert doc.text == raw and doc.published is None


def test_source_label_needs_a_name() -> None:
    raw = "Source: Example Wire\n\nSource: a military official said 5 soldiers died.\n"
    doc = parse_plain(raw, source="s.txt")
    assert doc.outlet == "Example Wire"
    assert doc.text.endswith("Source: a military official said 5 soldiers died.\n")


def test_title_line_beats_heading() -> None:
    raw = "Title: Five wounded in shelling\n\n# Section\n\nFive people were wounded.\n"
    doc = parse_plain(raw, source="f.md")
    assert doc.title == "Five wounded in shelling"


def test_inline_markup_is_blanked() -> None:
    raw = ("Officials **said** that *at least* 4 __people__ died, per [the ministry]"
           "(https://example.org/m) and <https://example.org/x>; 3*4 stays.\n> quoted line\n")
    doc = parse_plain(raw, source="g.md")
    assert_blanked_only(raw, doc.text)
    assert "**" not in doc.text and "[" not in doc.text and "](" not in doc.text
    assert "3*4" in doc.text
    assert " said " in doc.text and "https://example.org/x" in doc.text
    assert doc.text.splitlines()[1].strip() == "quoted line"


def test_snake_case_and_crlf_are_kept() -> None:
    raw = "Unit_name reported 2 killed.\r\nSecond line.\r\n"
    assert parse_plain(raw, source="h.txt").text == raw


def test_read_text_options_override() -> None:
    doc = read_text(MARKER_REPORT, published="2024-06-01", outlet="Caller Outlet")
    assert (doc.published, doc.date_source, doc.outlet) == ("2024-06-01", "option", "Caller Outlet")
    assert doc.source == "<text>"


def test_seed_000(seed) -> None:
    raw = seed("000")
    doc = read_text(raw, source="000.txt")
    assert (doc.published, doc.date_source, doc.outlet) == ("2024-01-26", "metadata", "South Front")
    assert len(doc.text) == len(raw)


def test_seed_004(seed) -> None:
    raw = seed("004")
    doc = read_text(raw, source="004.txt", war_starts=GAZA)
    assert doc.title == ("Hamas says resistance fighters killed 20 Israeli soldiers"
                         " in two days in Gaza")
    assert doc.url is not None and doc.url.startswith("https://www.radiohc.cu/en/noticias/")
    assert doc.outlet == "Radio Habana Cuba"
    assert (doc.published, doc.date_source) == ("2024-11-13", "dateline+inferred-year")
    assert len(doc.text) == len(raw)


TOKENS = st.sampled_from([
    "a", "B", " ", "\n", "\r\n", "#", "# ", "*", "**", "_", "---", "<", ">", "[", "](", ")",
    ":", "@", "date 2024-01-02 ", "Published: 2024-03-02", "https://x.org/a", "Source @",
    "KYIV, March 4 (Reuters) - ", "the war in Gaza enters its 14th month", "é", "\u2028",
])


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_length_is_preserved_for_any_text(raw: str) -> None:
    doc = parse_plain(raw, source="p.txt", war_starts=GAZA)
    assert_blanked_only(raw, doc.text)


@settings(max_examples=150, deadline=None)
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_length_is_preserved_for_markdown_like_text(raw: str) -> None:
    text, _ = strip_markup(raw)
    assert_blanked_only(raw, text)
    assert_blanked_only(raw, parse_plain(raw, source="p.md", war_starts=GAZA).text)
