"""JSON, JSONL and CSV record files."""
from __future__ import annotations

import json

import pytest

from claimledger.errors import DropDocument, IngestError
from claimledger.ingest import iter_documents
from claimledger.ingest.records import RecordOptions, parse_csv, parse_json, parse_jsonl

REPORT = "KYIV, March 4 (EXW) - Air defences downed 12 of 15 drones overnight, officials said."


def collect(parser, raw: str, **kwargs):
    errors: list[IngestError] = []
    docs = list(parser(raw, source="in", on_error=errors.append, **kwargs))
    return docs, errors


def test_json_object() -> None:
    raw = json.dumps({"text": REPORT, "title": "Drones downed", "url": "https://e.org/1",
                      "published": "2024-03-04T08:00:00Z", "outlet": "Example Wire"})
    docs, errors = collect(parse_json, raw)
    assert errors == []
    (doc,) = docs
    assert doc.source == "in#1" and doc.text == REPORT
    assert (doc.title, doc.url, doc.outlet) == ("Drones downed", "https://e.org/1", "Example Wire")
    assert (doc.published, doc.date_source) == ("2024-03-04", "metadata")


def test_json_list_with_bad_records() -> None:
    raw = json.dumps([{"text": REPORT, "date": "4 March 2024"}, {"text": "  "}, "not an object",
                      {"title": "no text"}, {"text": 42}, {"body": "Two were wounded."}])
    docs, errors = collect(parse_json, raw)
    assert [d.source for d in docs] == ["in#1", "in#6"]
    assert docs[0].published == "2024-03-04"
    assert [e.source for e in errors] == ["in#2", "in#3", "in#4", "in#5"]
    assert isinstance(errors[0], DropDocument) and "empty" in errors[0].reason
    assert "JSON object" in errors[1].reason and "string" in errors[1].reason
    assert "no text field" in errors[2].reason
    assert "number" in errors[3].reason


def test_invalid_json_file_is_one_error() -> None:
    docs, errors = collect(parse_json, '[{"text": "a"},\n {"text": ]')
    assert docs == [] and len(errors) == 1
    assert errors[0].source == "in:2" and errors[0].reason.startswith("invalid JSON")


def test_jsonl_bad_line_among_good_ones() -> None:
    lines = [json.dumps({"text": REPORT}), "", "{broken", json.dumps({"text": "Five wounded."}),
             "[1, 2]"]
    docs, errors = collect(parse_jsonl, "\n".join(lines) + "\n")
    assert [d.source for d in docs] == ["in#1", "in#4"]
    assert [(e.source, e.reason.split(":")[0]) for e in errors] == [
        ("in:3", "invalid JSON"), ("in#5", "expected a JSON object, got a JSON array")]


def test_record_fields_win_over_text_metadata() -> None:
    raw = json.dumps({"text": "Published: 2024-01-01\n\n" + REPORT, "date": "2024-02-02",
                      "source": "Record Outlet"})
    (doc,), _ = collect(parse_json, raw)
    assert (doc.published, doc.outlet) == ("2024-02-02", "Record Outlet")
    assert len(doc.text) == len("Published: 2024-01-01\n\n" + REPORT)


def test_unrecognised_record_date_is_a_warning() -> None:
    (doc,), _ = collect(parse_json, json.dumps({"text": REPORT, "date": "last week"}))
    assert doc.published is None
    assert any("last week" in w for w in doc.warnings)


def test_caller_text_field() -> None:
    raw = json.dumps({"story": REPORT, "text": "ignored"})
    (doc,), _ = collect(parse_json, raw, options=RecordOptions(text_field="story"))
    assert doc.text == REPORT


@pytest.mark.parametrize("column", ["text", "Text", "body", "content", "article"])
def test_csv_text_columns(column: str) -> None:
    raw = (f"title,{column},Date,source\n"
           f"Drones downed,\"{REPORT}\",04/03/2024,Example Wire\n"
           f"Empty,,04/03/2024,Example Wire\n\n"
           f"Casualties,\"Three killed, two wounded.\",,\n")
    docs, errors = collect(parse_csv, raw)
    assert [d.source for d in docs] == ["in#1", "in#3"]
    assert (docs[0].title, docs[0].published, docs[0].outlet) == (
        "Drones downed", "2024-03-04", "Example Wire")
    assert docs[1].text == "Three killed, two wounded."
    assert [(e.source, type(e)) for e in errors] == [("in#2", DropDocument)]


def test_tsv_and_named_column() -> None:
    raw = "headline\tstory\turl\nDrones downed\t" + REPORT + "\thttps://e.org/2\n"
    docs, _ = collect(parse_csv, raw, delimiter="\t", options=RecordOptions(text_field="story"))
    assert (docs[0].title, docs[0].url) == ("Drones downed", "https://e.org/2")


def test_csv_without_text_column() -> None:
    docs, errors = collect(parse_csv, "title,summary\nA,B\n")
    assert docs == [] and len(errors) == 1
    assert errors[0].source == "in" and "no text column" in errors[0].reason
    docs, errors = collect(parse_csv, "title,text\nA,B\n", options=RecordOptions(text_field="x"))
    assert "no column named 'x'" in errors[0].reason


def test_record_files_through_iter_documents(write) -> None:
    jsonl = write("batch.jsonl", json.dumps({"text": REPORT}) + "\nnot json\n")
    csv_path = write("batch.csv", f"text,published\n\"{REPORT}\",2024-03-04\n")
    errors: list[IngestError] = []
    docs = list(iter_documents([jsonl, csv_path], on_error=errors.append, outlet="Opt"))
    assert [d.source for d in docs] == [f"{jsonl}#1", f"{csv_path}#1"]
    assert all(d.outlet == "Opt" for d in docs)
    assert [e.source for e in errors] == [f"{jsonl}:2"]


def test_sniffed_jsonl_from_unknown_extension(write) -> None:
    path = write("feed.dump", json.dumps({"text": REPORT}) + "\n" + json.dumps({"text": "x y"}))
    assert len(list(iter_documents([path]))) == 2
