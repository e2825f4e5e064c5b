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


# Written for these tests: a plain-text report with a headline, byline and no '#'.
BYLINE_REPORT = (
    "Published: 2024-06-12\n\n"
    "Militia says it shot down two army drones over the valley\n\n"
    "By Harbour Gazette staff\n\n"
    "PORT TOWN - The militia said on Wednesday it had shot down two army drones.\n\n"
    "The army did not comment.\n"
)


def test_byline_outlet_title_and_blanked_byline() -> None:
    doc = parse_plain(BYLINE_REPORT, source="n.txt")
    assert doc.outlet == "Harbour Gazette"
    assert doc.title == "Militia says it shot down two army drones over the valley"
    assert (doc.published, doc.date_source) == ("2024-06-12", "metadata")
    assert "By Harbour" not in doc.text and "Gazette" not in doc.text
    assert doc.text.index("PORT TOWN") == BYLINE_REPORT.index("PORT TOWN")
    assert doc.text.index("Militia says") == BYLINE_REPORT.index("Militia says")  # title kept
    assert_blanked_only(BYLINE_REPORT, doc.text)


def test_person_byline_gives_no_outlet_but_is_blanked() -> None:
    raw = BYLINE_REPORT.replace("Harbour Gazette staff", "Mira Solberg")
    doc = parse_plain(raw, source="n.txt")
    assert doc.outlet is None and "Mira Solberg" not in doc.text
    assert_blanked_only(raw, doc.text)


def test_byline_with_person_and_outlet_beats_the_dateline_wire() -> None:
    raw = ("Five wounded in shelling of market\n\nBy Mira Solberg, Valley Times\n\n"
           "PORT TOWN, June 12, 2024 (EXW) - Five people were wounded.\n")
    doc = parse_plain(raw, source="n.txt")
    assert (doc.outlet, doc.title) == ("Valley Times", "Five wounded in shelling of market")
    assert (doc.published, doc.date_source) == ("2024-06-12", "dateline")


def test_explicit_source_line_beats_byline() -> None:
    raw = "Source: Example Wire\nBy Valley Times staff\n\nFive people were wounded.\n"
    assert parse_plain(raw, source="n.txt").outlet == "Example Wire"


def test_sentence_starting_with_by_is_kept() -> None:
    raw = "By the time rescuers arrived, four people had died.\n\nThe army said 2 died.\n"
    doc = parse_plain(raw, source="n.txt")
    assert doc.text == raw and doc.outlet is None and doc.title is None


def test_byline_far_down_is_body_text() -> None:
    body = "".join(f"Paragraph {i} says something.\n\n" for i in range(12))
    raw = body + "By Valley Times staff\n"
    doc = parse_plain(raw, source="n.txt")
    assert doc.outlet is None and doc.text == raw


def test_year_inferred_from_a_month_year_mention() -> None:
    raw = ("Strike hits depot near river\n\n"
           "The raid came eight months into the Gaza war that began in October 2023.\n\n"
           "PORT TOWN, June 2 (EXW)-- An air strike hit a fuel depot, officials said.\n")
    doc = parse_plain(raw, source="y.txt")
    assert (doc.published, doc.date_source) == ("2024-06-02", "dateline+inferred-year")
    assert any("October 2023" in w for w in doc.warnings)


def test_year_not_guessed_from_a_future_year() -> None:
    raw = ("PORT TOWN, June 2 (EXW)-- An air strike hit a fuel depot. Elections are due in"
           " 2026.\n")
    doc = parse_plain(raw, source="y.txt")
    assert doc.published is None and NO_DATE_WARNING in doc.warnings


@pytest.mark.parametrize(("raw", "iso"), [
    ("Aid convoys reach the north\n\n12 June 2024 | Humanitarian Aid\n\n"
     "Twelve trucks crossed, the agency said.\n", "2024-06-12"),
    ("Twelve trucks crossed, the agency said.\n\nMore followed.\n\n"
     "🔁 3.2K  ·  edited  ·  Jun 12, 2024, 08:15\n", "2024-06-12"),
    ("".join(f"Paragraph {i} says something.\n\n" for i in range(9))
     + "Posted 08:15, 12 June 2024\n", "2024-06-12"),
])
def test_date_on_a_metadata_like_line(raw: str, iso: str) -> None:
    doc = parse_plain(raw, source="t.txt")
    assert (doc.published, doc.date_source) == (iso, "text")
    assert doc.warnings == ()
    assert_blanked_only(raw, doc.text)


def test_date_inside_a_sentence_is_not_a_date_line() -> None:
    raw = "Twelve trucks crossed on 12 June 2024, the agency said.\n"
    doc = parse_plain(raw, source="t.txt")
    assert doc.published is None and NO_DATE_WARNING in doc.warnings


def test_date_line_in_the_middle_is_ignored() -> None:
    body = "".join(f"Paragraph {i} says something.\n\n" for i in range(20))
    raw = body[:200] + "12 June 2024 | World\n\n" + body[200:]
    assert parse_plain(raw, source="t.txt").published is None


def test_metadata_and_dateline_beat_a_date_line() -> None:
    raw = "Published: 2024-06-13\n\n12 June 2024 | World\n\nTwelve trucks crossed.\n"
    assert parse_plain(raw, source="t.txt").published == "2024-06-13"
    raw = ("12 June 2024 | World\n\nPORT TOWN, June 13 (EXW) - Twelve trucks crossed.\n")
    doc = parse_plain(raw, source="t.txt")
    assert (doc.published, doc.date_source) == ("2024-06-13", "dateline+inferred-year")


@pytest.mark.parametrize(("raw", "title"), [
    ("Twelve trucks reach the north\n\nTwelve trucks crossed, the agency said.\n",
     "Twelve trucks reach the north"),
    ("Twelve trucks reach the north\nPublished: 2024-06-12\nBy Valley Times staff\n\n"
     "Twelve trucks crossed, the agency said.\n", "Twelve trucks reach the north"),
    ("Date: 2024-06-12\n\n**Twelve trucks reach the north**\n\nThey crossed, it said.\n",
     "Twelve trucks reach the north"),
    ("Twelve trucks crossed the border on Monday.\n\nMore followed.\n", None),
    ("Twelve trucks reach the north\nand more are waiting at the crossing.\n", None),
    ("Twelve trucks reach the north\n", None),
    ("PORT TOWN, June 13 (EXW) - Twelve trucks crossed\n\nMore followed.\n", None),
    ("Title: From the title line\n\nTwelve trucks reach the north\n\nMore.\n",
     "From the title line"),
])
def test_plain_text_headline_is_the_title(raw: str, title: str | None) -> None:
    doc = parse_plain(raw, source="h.txt")
    assert doc.title == title
    assert_blanked_only(raw, doc.text)


def test_channel_header_is_the_outlet_and_not_the_title() -> None:
    raw = ("Lakeside Notes\n@lakeside_notes · 8.1K subscribers\n\n"
           "Army losses over the week\n\nThe army lost 40 men, the ministry said.\n\n"
           "👁 9.9K · Jun 12, 2024, 09:00\n")
    doc = parse_plain(raw, source="c.txt")
    assert doc.outlet == "Lakeside Notes"
    assert doc.title == "Army losses over the week"
    assert (doc.published, doc.date_source) == ("2024-06-12", "text")
    assert "Lakeside" not in doc.text and "subscribers" not in doc.text
    assert_blanked_only(raw, doc.text)


def test_channel_post_opening_with_an_emoji_has_no_title() -> None:
    raw = ("Lakeside Notes\n@lakeside_notes · 8.1K subscribers\n\n"
           "⚡️ Results of the week (June 3–9)\n\nThe army lost 40 men, the ministry said.\n")
    doc = parse_plain(raw, source="c.txt")
    assert (doc.outlet, doc.title) == ("Lakeside Notes", None)


def test_outlet_and_section_line() -> None:
    raw = ("Twelve trucks reach the north\n\nPublished: 2024-06-12\nLakeside Ledger | Security\n"
           "\nTwelve trucks crossed, the agency said.\n")
    doc = parse_plain(raw, source="o.txt")
    assert (doc.outlet, doc.title) == ("Lakeside Ledger", "Twelve trucks reach the north")
    assert "Ledger" not in doc.text
    assert_blanked_only(raw, doc.text)


@pytest.mark.parametrize(("line", "outlet"), [
    ("Source: Office for the Coordination of Example Relief Affairs (OCERA)", "OCERA"),
    ("Source: Example Wire (EXW)", "Example Wire"),
    ("Outlet: Lakeside Ledger", "Lakeside Ledger"),
])
def test_source_line_with_acronym(line: str, outlet: str) -> None:
    raw = f"{line}\n\nTwelve trucks crossed, the agency said.\n"
    doc = parse_plain(raw, source="s.txt")
    assert doc.outlet == outlet and line not in doc.text


def test_outlet_that_could_not_verify_is_the_last_resort() -> None:
    raw = ("Twelve trucks crossed, the agency said.\n\n"
           "Lakeside Ledger could not independently verify the figures.\n")
    assert parse_plain(raw, source="v.txt").outlet == "Lakeside Ledger"
    wire = "PORT TOWN, June 13 (EXW) - Twelve trucks crossed.\n\n" + raw
    assert parse_plain(wire, source="v.txt").outlet == "EXW"
    for subject in ("Officials", "It", "The agency"):
        raw = f"Trucks crossed.\n\n{subject} could not independently verify the figures.\n"
        assert parse_plain(raw, source="v.txt").outlet is None


TOKENS = st.sampled_from([
    "a", "B", " ", "\n", "\r\n", "#", "# ", "*", "**", "_", "---", "<", ">", "[", "](", ")",
    ":", "@", "date 2024-01-02 ", "Published: 2024-03-02", "https://x.org/a", "Source @",
    "KYIV, March 4 (Reuters) - ", "the war in Gaza enters its 14th month", "é", "\u2028",
    "By Example Wire staff\n", "By Jane Doe, Example Times", "8 March 2024 | World\n",
    "@handle · 5K subscribers\n", "Example Ledger | Security\n", "began in October 2023",
    "Short headline here\n\n", "Example Wire could not independently verify",
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
