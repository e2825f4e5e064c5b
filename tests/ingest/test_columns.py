"""Column mapping and date formats of CSV/JSON/JSONL records, and their CLI options."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from claimledger.errors import ConfigError, IngestError
from claimledger.ingest import (
    column_options,
    columns_from_options,
    iter_documents,
    parse_record_date,
)

IDF_CSV = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "idf_telegram"
           / "idf_telegram_posts.csv")
STORY = "Rescuers said 14 people were pulled from the rubble."


def read(path: Path, **kwargs: Any):
    errors: list[IngestError] = []
    docs = list(iter_documents([path], on_error=errors.append, **kwargs))
    return docs, errors


def test_every_role_from_named_csv_columns(write) -> None:
    path = write("posts.csv", "Story,When,Headline,Link,Paper\n"
                              f'"{STORY}",29/02/2024,Rubble,https://e.org/r,Evening Wire\n')
    (doc,), errors = read(path, columns={"text": "Story", "published": "When", "title": "Headline",
                                         "url": "Link", "outlet": "Paper"})
    assert errors == []
    assert (doc.text, doc.published, doc.title, doc.url, doc.outlet) == (
        STORY, "2024-02-29", "Rubble", "https://e.org/r", "Evening Wire")


def test_named_columns_beat_the_usual_names(write) -> None:
    path = write("p.csv", f'text,date,Body,Stamp\nnot this,2020-01-01,"{STORY}",2024-03-05\n')
    (doc,), _ = read(path, columns={"text": "Body", "published": "Stamp"})
    assert (doc.text, doc.published) == (STORY, "2024-03-05")


def test_text_column_is_a_synonym(write) -> None:
    path = write("p.csv", f'Body,Date\n"{STORY}",1/3/2024\n')
    (doc,), _ = read(path, text_column="Body", columns={"published": "Date"})
    assert (doc.text, doc.published) == (STORY, "2024-03-01")
    (same,), _ = read(path, text_column="Body", columns={"text": "Body"})
    assert same.text == STORY


def test_missing_named_column_is_an_error_for_that_file_only(write) -> None:
    bad = write("a.csv", f'Body\n"{STORY}"\n')
    good = write("b.csv", f'Body,When\n"{STORY}",2024-03-05\n')
    docs, errors = read(bad.parent, columns={"text": "Body", "published": "When"})
    assert [d.source for d in docs] == [f"{good}#1"]
    assert [e.source for e in errors] == [str(bad)]
    assert "no column named 'When'" in errors[0].reason and "Body" in errors[0].reason


def test_json_and_jsonl_fields(write) -> None:
    record = {"body": STORY, "stamp": "Feb 29, 2024", "head": "Rubble"}
    columns = {"text": "body", "published": "stamp", "title": "head"}
    for path in (write("r.json", json.dumps([record])),
                 write("r.jsonl", json.dumps(record) + "\n")):
        (doc,), errors = read(path, columns=columns)
        assert errors == [] and (doc.published, doc.title) == ("2024-02-29", "Rubble")


@pytest.mark.parametrize(("columns", "kwargs", "message"), [
    ({"date": "Date"}, {}, "unknown column role"),
    ({"text": "A"}, {"text_column": "B"}, "text column given twice"),
    ({"title": ""}, {}, "non-empty"),
    ({}, {"date_format": "dd/mm/yyyy"}, "no strftime directives"),
])
def test_unusable_options(columns: dict[str, str], kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        iter_documents(["x.csv"], columns=columns, **kwargs)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-02-29", "2024-02-29"),
    ("29/02/2024", "2024-02-29"),
    ("2024-02-29 18:31:00", "2024-02-29"),
    ("Feb 29, 2024", "2024-02-29"),
    ("29/10/23", "2023-10-29"),
    ("\u00a001/11/2023", "2023-11-01"),
    ("01.03.2024 01:09:17 UTC+03:00", "2024-03-01"),
    ("03/04/2024", "2024-04-03"),            # ambiguous: day first by default
    ("02/29/2024", "2024-02-29"),            # month first only when day first is impossible
    ("31/02/2024", None),
    ("someday", None),
])
def test_record_date_shapes(write, raw: str, expected: str | None) -> None:
    path = write("d.csv", f'text,date\n"{STORY}","{raw}"\n')
    (doc,), _ = read(path)
    assert doc.published == expected


def test_file_dates_set_the_order_of_ambiguous_ones(write) -> None:
    rows = "".join(f'"{STORY}",{d}\n' for d in ("02/13/2024", "03/04/2024"))
    (_, ambiguous), _ = read(write("us.csv", "text,date\n" + rows))
    assert ambiguous.published == "2024-03-04"
    mixed = "".join(f'"{STORY}",{d}\n' for d in ("02/13/2024", "13/02/2024", "03/04/2024"))
    (*_, ambiguous), _ = read(write("mixed.csv", "text,date\n" + mixed))
    assert ambiguous.published == "2024-04-03"


def test_date_format_decides(write) -> None:
    rows = "".join(f'"{STORY}","{d}"\n' for d in ("03/04/2024", "03/05/2024 10:00", "May 6, 2024"))
    docs, _ = read(write("f.csv", "text,date\n" + rows), date_format="%m/%d/%Y")
    assert [d.published for d in docs] == ["2024-03-04", "2024-03-05", "2024-05-06"]


_FORMATS = ["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%b %d, %Y", "%d.%m.%y", "%d %B %Y"]


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31)),
       st.sampled_from(_FORMATS))
def test_any_date_written_in_the_given_format_reads_back(day: date, fmt: str) -> None:
    assert parse_record_date(day.strftime(fmt), date_format=fmt) == day.isoformat()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["/", ".", "-"]), st.booleans())
def test_numeric_dates_read_back_in_either_order(day: date, sep: str, day_first: bool) -> None:
    first, second = (day.day, day.month) if day_first else (day.month, day.day)
    raw = f"{first:02d}{sep}{second:02d}{sep}{day.year}"
    assert parse_record_date(raw, day_first=day_first) == day.isoformat()


def test_column_options_on_a_command() -> None:
    seen: dict[str, Any] = {}

    @click.command()
    @column_options
    def command(**kw: Any) -> None:
        seen.update(columns=columns_from_options(**kw), date_format=kw["date_format"])

    result = CliRunner().invoke(command, ["--text-column", "Text", "--date-column", "Date",
                                          "--url-column", "Link", "--date-format", "%d/%m/%Y"])
    assert result.exit_code == 0, result.output
    assert seen == {"columns": {"text": "Text", "published": "Date", "url": "Link"},
                    "date_format": "%d/%m/%Y"}
    help_text = CliRunner().invoke(command, ["--help"]).output
    for flag in ("--text-column", "--date-column", "--title-column", "--url-column",
                 "--outlet-column", "--date-format"):
        assert flag in help_text


def test_columns_from_options_ignores_other_arguments() -> None:
    assert columns_from_options(title_column="H", outlet_column=None, db="x.db") == {"title": "H"}


def test_real_telegram_channel_csv() -> None:
    if not IDF_CSV.is_file():
        pytest.skip(f"{IDF_CSV} not available")
    docs, errors = read(IDF_CSV, columns={"text": "Text", "published": "Date"},
                        outlet="Channel")
    assert all("record text is empty" in e.reason for e in errors)
    assert len(docs) + len(errors) == 1667
    dated = [d.published for d in docs if d.published]
    assert len(dated) >= len(docs) - 1
    assert min(dated) >= "2023-10-07" and max(dated) <= "2024-04-30"
    assert {d.outlet for d in docs} == {"Channel"}


@pytest.mark.parametrize(("content", "kind"), [("null", "null"), ("42", "number")])
def test_json_that_is_no_record_is_an_error(write, content: str, kind: str) -> None:
    path = write("odd.json", content)
    docs, errors = read(path)
    assert docs == [] and [e.source for e in errors] == [str(path)]
    assert errors[0].reason == f"expected a JSON object or array, got a JSON {kind}"
