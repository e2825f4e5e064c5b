"""Telegram Desktop channel exports, read through iter_documents."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimledger.errors import IngestError
from claimledger.ingest import is_telegram_export, iter_documents
from claimledger.ingest.telegram import message_text


def export(messages: list[Any], **top: Any) -> str:
    data = {"name": "Northern Front Daily", "type": "public_channel", "id": 1001}
    data.update(top)
    data["messages"] = messages
    return json.dumps(data, ensure_ascii=False)


MESSAGES: list[Any] = [
    {"id": 1, "type": "service", "date": "2023-10-07T06:00:00", "action": "create_channel",
     "text": "", "text_entities": []},
    {"id": 2, "type": "message", "date": "2023-10-07T06:30:12",
     "text": "Border guards said three patrol boats were sunk overnight."},
    {"id": 3, "type": "message", "date": "2023-10-08T21:05:40",
     "text": ["Update: ", {"type": "bold", "text": "12 drones"},
              " were shot down, the ", {"type": "text_link", "text": "air force",
                                        "href": "https://example.org/af"}, " said."]},
    {"id": 4, "type": "message", "date": "2023-10-09T08:00:00", "text": "",
     "photo": "photos/photo_1.jpg"},
    {"id": 5, "type": "message", "date": "2023-10-09T09:00:00", "text": 17},
    {"id": 6, "type": "message", "date": "2023-10-09T10:00:00",
     "text": ["Two ", {"type": "bold"}, " lost."]},
    {"id": 7, "type": "message", "date": "2023-10-10T10:00:00",
     "text_entities": [{"type": "plain", "text": "Four "}, {"type": "italic", "text": "villages"},
                       {"type": "plain", "text": " were shelled."}]},
    "not a message",
]


def read(tmp_path, content: str, name: str = "result.json", **kwargs: Any):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    errors: list[IngestError] = []
    docs = list(iter_documents([path], on_error=errors.append, **kwargs))
    return path, docs, errors


def test_one_document_per_message_with_text(tmp_path) -> None:
    path, docs, errors = read(tmp_path, export(MESSAGES))
    assert [d.source for d in docs] == [f"{path}#message-{n}" for n in (2, 3, 7)]
    first, second, third = docs
    assert first.text == "Border guards said three patrol boats were sunk overnight."
    assert second.text == "Update: 12 drones were shot down, the air force said."
    assert third.text == "Four villages were shelled."
    assert [d.published for d in docs] == ["2023-10-07", "2023-10-08", "2023-10-10"]
    assert {d.date_source for d in docs} == {"metadata"}
    assert {d.outlet for d in docs} == {"Northern Front Daily"}
    assert {d.title for d in docs} == {None}
    assert {d.url for d in docs} == {None}  # the export names no username


def test_malformed_messages_are_reported_with_their_id(tmp_path) -> None:
    path, _, errors = read(tmp_path, export(MESSAGES))
    assert [e.source for e in errors] == [f"{path}#message-5", f"{path}#message-6", f"{path}#8"]
    assert "text is a int" in errors[0].reason
    assert "neither a string nor an entity with text" in errors[1].reason
    assert "not an object with an id" in errors[2].reason


def test_username_gives_message_links(tmp_path) -> None:
    _, docs, _ = read(tmp_path, export(MESSAGES[1:3], username="@northfront_daily"))
    assert [d.url for d in docs] == ["https://t.me/northfront_daily/2",
                                     "https://t.me/northfront_daily/3"]


def test_found_by_content_whatever_the_file_name(tmp_path) -> None:
    path, docs, errors = read(tmp_path, export(MESSAGES[1:2]), name="channel_dump.data")
    assert errors == []
    assert [d.source for d in docs] == [f"{path}#message-2"]


def test_caller_overrides_win(tmp_path) -> None:
    _, docs, _ = read(tmp_path, export(MESSAGES[1:2]), outlet="Given", published="2024-01-02")
    assert (docs[0].outlet, docs[0].published, docs[0].date_source) == (
        "Given", "2024-01-02", "option")


def test_unreadable_date_is_a_warning(tmp_path) -> None:
    message = {"id": 9, "type": "message", "date": "soon", "text": "Six were wounded."}
    _, (doc,), errors = read(tmp_path, export([message]))
    assert errors == [] and doc.published is None
    assert any("'soon'" in w for w in doc.warnings)


def test_other_json_objects_stay_records(tmp_path) -> None:
    record = {"text": "Nine trucks were destroyed.", "messages": ["a note"]}
    assert not is_telegram_export(record)
    path, docs, errors = read(tmp_path, json.dumps(record))
    assert [d.source for d in docs] == [f"{path}#1"] and errors == []


@pytest.mark.parametrize(("data", "expected"), [
    ({"name": "X", "type": "private_channel", "messages": []}, True),
    ({"name": "X", "type": "public_supergroup", "messages": []}, True),
    ({"name": "X", "id": 5, "messages": []}, True),
    ({"name": "X", "type": "public_channel", "messages": {}}, False),
    ({"type": "article", "messages": []}, False),
    ([{"messages": []}], False),
])
def test_is_telegram_export(data: Any, expected: bool) -> None:
    assert is_telegram_export(data) is expected


_plain = st.text(max_size=20)
_piece = st.one_of(_plain, st.builds(lambda kind, text: {"type": kind, "text": text},
                                     st.sampled_from(["bold", "link", "mention", "hashtag"]),
                                     _plain))


@given(st.lists(_piece, max_size=8))
def test_message_text_joins_pieces_in_order(pieces: list[Any]) -> None:
    expected = "".join(p if isinstance(p, str) else p["text"] for p in pieces)
    assert message_text({"text": pieces}) == expected
