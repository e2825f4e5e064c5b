"""Metadata date strings, datelines and year inference."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimledger.ingest import default_war_starts, find_dateline, infer_year, parse_date

GAZA = [(["war in Gaza", "Gaza war"], "2023-10-07")]
UKRAINE = [(["full-scale invasion"], "2022-02-24")]


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-01-26", "2024-01-26"),
    ("26/01/2024", "2024-01-26"),
    ("03/04/2024", "2024-04-03"),          # day first
    ("01/26/2024", "2024-01-26"),          # month first only when day first is impossible
    ("15.03.2024 22:01:18 UTC+03:00", "2024-03-15"),
    ("March 4, 2024", "2024-03-04"),
    ("Mar. 4th, 2024", "2024-03-04"),
    ("Sept. 5, 2023", "2023-09-05"),
    ("4 March 2024", "2024-03-04"),
    ("Monday, March 4, 2024", "2024-03-04"),
    ("Mon, 04 Mar 2024 10:00:00 +0000", "2024-03-04"),
    ("2024-03-04T23:30:00-05:00", "2024-03-04"),
    ("2024-03-04 10:00:00", "2024-03-04"),
    ("2024/03/04", "2024-03-04"),
    ("Published on March 2, 2024", "2024-03-02"),
    ("31/02/2024", None),
    ("2024-13-01", None),
    ("yesterday", None),
    ("", None),
    ("   ", None),
])
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(("text", "place", "month", "day", "year", "outlet"), [
    ("Gaza City, November 13 (RHC)-- The movement said", "Gaza City", 11, 13, None, "RHC"),
    ("KYIV, March 4 (Reuters) - Russia launched", "KYIV", 3, 4, None, "Reuters"),
    ("BEIRUT, Jan. 5 (AP) — An Israeli strike", "BEIRUT", 1, 5, None, "AP"),
    ("KHARTOUM, May 4, 2024 (AFP) - The army", "KHARTOUM", 5, 4, 2024, "AFP"),
    ("Deir al-Balah, Gaza Strip, Nov. 3 - Medics said", "Deir al-Balah, Gaza Strip", 11, 3,
     None, None),
    ("\n\n  # Title\n\nWASHINGTON, Sept. 12 — Officials said", "WASHINGTON", 9, 12, None, None),
])
def test_find_dateline(text: str, place: str, month: int, day: int, year: int | None,
                       outlet: str | None) -> None:
    line = find_dateline(text)
    assert line is not None
    assert (line.place, line.month, line.day, line.year, line.outlet) == (
        place, month, day, year, outlet)
    assert text[line.start:].startswith(place)


@pytest.mark.parametrize("text", [
    "Then he said, March 4 - nothing happened.",
    "The report came out in Kyiv, March 4 (Reuters) - mid-sentence.",
    "x" * 700 + "\nKYIV, March 4 (Reuters) - too far down",
    "KYIV, February 30 (Reuters) - impossible day",
    "",
])
def test_no_dateline(text: str) -> None:
    assert find_dateline(text) is None


@pytest.mark.parametrize(("text", "month", "day", "war_starts", "year"), [
    ("As the war in Gaza enters its 14th month, the toll rose.", 11, 13, GAZA, 2024),
    ("As the Gaza war entered its second year, talks stalled.", 10, 20, GAZA, 2024),
    ("Fighting continued on the 300th day of the war in Gaza.", 8, 1, GAZA, 2024),
    ("In the third year of Russia's full-scale invasion, drones hit the port.", 3, 4,
     UKRAINE, 2024),
    ("In the third year of the full-scale invasion, drones hit the port.", 1, 10, UKRAINE, 2025),
    ("It is day 100 of the full-scale invasion.", 6, 3, UKRAINE, 2022),
])
def test_infer_year_from_war_age(text: str, month: int, day: int, war_starts, year: int) -> None:
    found, note = infer_year(text, month, day, war_starts=war_starts, today=date(2026, 1, 1))
    assert found == year
    assert note is not None and str(year) in note


def test_infer_year_from_latest_full_date() -> None:
    text = "Since Oct. 7, 2023, and again on 5 March 2024, the ministry reported deaths."
    assert infer_year(text, 3, 6, today=date(2026, 1, 1))[0] == 2024
    assert infer_year(text, 3, 5, today=date(2026, 1, 1))[0] == 2024
    assert infer_year(text, 3, 1, today=date(2026, 1, 1))[0] == 2025
    year, note = infer_year("Since Oct. 7, 2023 the toll rose.", 1, 5, today=date(2026, 1, 1))
    assert year == 2024 and note is not None and "Oct. 7, 2023" in note


def test_infer_year_rejects_future_dates() -> None:
    text = "Since 5 March 2024 the toll rose."
    assert infer_year(text, 3, 1, today=date(2024, 6, 1)) == (None, None)


def test_infer_year_needs_evidence() -> None:
    assert infer_year("Nothing dated here.", 3, 4, war_starts=GAZA) == (None, None)
    # a war term not in the registry gives no window
    text = "As the war in Sudan enters its 14th month, fighting spread."
    assert infer_year(text, 5, 4, war_starts=GAZA) == (None, None)
    # the phrase contradicts the month/day by far more than the slack
    assert infer_year("on the 300th day of the war in Gaza", 1, 1, war_starts=GAZA) == (None, None)


def test_default_war_starts(tmp_path: Path) -> None:
    registry = tmp_path / "parties.yaml"
    registry.write_text(
        "conflicts:\n"
        "  - id: gaza\n    sides: [a, b]\n    began: 2023-10-07\n"
        "    war_terms: [war in Gaza, Gaza war]\n"
        "  - id: broken\n    sides: [c]\n", encoding="utf-8")
    assert default_war_starts(registry) == [(("war in Gaza", "Gaza war"), "2023-10-07")]
    assert default_war_starts(tmp_path / "missing.yaml") == []
    (tmp_path / "bad.yaml").write_text("conflicts: [unclosed", encoding="utf-8")
    assert default_war_starts(tmp_path / "bad.yaml") == []
    assert isinstance(default_war_starts(), list)  # the packaged registry, or none yet


@pytest.mark.parametrize(("text", "month", "day", "year", "phrase"), [
    ("The strike came eight months into the Gaza war that began in October 2023.", 6, 2,
     2024, "October 2023"),
    ("The strike came weeks into the war that began in October 2023.", 11, 20, 2023,
     "October 2023"),
    ("Civilians have been killed in the region since the start of 2024.", 5, 18, 2024,
     "since the start of 2024"),
    ("So far in 2024, 300 people were wounded.", 2, 1, 2024, "in 2024"),
    ("Attacks have risen sharply since mid-2023.", 1, 9, 2024, "since mid-2023"),
    ("Attacks have risen sharply since mid-2023.", 8, 9, 2023, "since mid-2023"),
    ("Attacks have risen since the end of 2023.", 11, 9, 2023, "end of 2023"),
    ("Attacks have risen since the end of 2023.", 1, 9, 2024, "end of 2023"),
    ("The group, active since 2014, said it had lost 9 fighters.", 4, 4, 2014, "since 2014"),
])
def test_infer_year_from_month_and_year_mentions(text: str, month: int, day: int, year: int,
                                                 phrase: str) -> None:
    found, note = infer_year(text, month, day, today=date(2026, 1, 1))
    assert found == year
    assert note is not None and phrase in note and str(year) in note


@pytest.mark.parametrize("text", [
    "Parliamentary elections are due in 2026.",
    "The new bridge will open in 2026, officials said.",
    "The ministry expects the line to be rebuilt in March 2026.",
    "Talks are scheduled for 9 March 2026.",
    "The 1949 conventions apply, the group said.",       # a bare year with no introducer
    "Fighters carried out raids in 2021 villages.",       # a count, not a year
    "The 2026 budget was debated.",
])
def test_future_and_non_year_mentions_give_no_year(text: str) -> None:
    assert infer_year(text, 3, 4, today=date(2026, 12, 31)) == (None, None)


def test_future_mention_does_not_push_the_year_up() -> None:
    text = ("Fighting has continued since the start of 2024. Parliamentary elections are due in"
            " 2026 and a new constitution will be adopted in 2027.")
    found, note = infer_year(text, 4, 14, today=date(2028, 1, 1))
    assert found == 2024 and note is not None and "start of 2024" in note


def test_smallest_consistent_year_from_the_latest_bound() -> None:
    text = "Since 2022 and again since March 2024, the ministry has reported losses."
    assert infer_year(text, 4, 1, today=date(2027, 1, 1))[0] == 2024
    assert infer_year(text, 2, 1, today=date(2027, 1, 1))[0] == 2025


def test_bounds_after_today_are_ignored() -> None:
    text = "Since 2023, and in 2030, things happened."
    assert infer_year(text, 5, 1, today=date(2024, 6, 1))[0] == 2023


def test_day_range_is_a_full_date() -> None:
    text = "Voting continued on the second day of the June 7-9, 2024 regional election."
    found, note = infer_year(text, 6, 8, today=date(2026, 1, 1))
    assert found == 2024 and note is not None and "June 7-9, 2024" in note
    assert infer_year("Talks held 14–16 May 2024 failed.", 5, 20, today=date(2026, 1, 1))[0] == 2024


def test_war_age_anchored_by_a_start_in_the_text() -> None:
    text = ("Since the war began in May 2022, thousands have died. The conflict is now in its"
            " 20th month.")
    found, note = infer_year(text, 12, 5, today=date(2026, 1, 1))
    assert found == 2023 and note is not None and "20th month" in note and "May 2022" in note


def test_text_start_beats_a_generic_registry_term() -> None:
    # "the war" in the registry belongs to another conflict; the text dates its own war
    other = [(["the war"], "2019-01-01")]
    text = "The war began on 3 March 2021. The war is now in its third year."
    assert infer_year(text, 6, 1, war_starts=other, today=date(2026, 1, 1))[0] == 2023


def test_dateline_with_two_places() -> None:
    line = find_dateline("LAKESIDE/PORT TOWN, Aug 14 (EXW) - The army said")
    assert line is not None
    assert (line.place, line.month, line.day, line.outlet) == ("LAKESIDE/PORT TOWN", 8, 14, "EXW")


def test_year_from_an_anniversary_of_a_war_the_text_dates() -> None:
    from claimledger.ingest import infer_year

    text = ("PORT SUDAN, March 4 (Example)-- Fighting went on as the war nears its second anniversary next month. "
            "Millions have fled since fighting broke out on April 15, 2023.")
    year, note = infer_year(text, 3, 4)
    assert year == 2025 and note and "anniversary" in note
