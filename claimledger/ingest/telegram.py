"""Telegram Desktop channel exports (``result.json``): one document per message.

An export is a JSON object with the chat's ``name``, ``type`` and a ``messages`` list.
A message's ``text`` is a string or a list of strings and entity objects
(``{"type": "bold", "text": "..."}``), the same pieces as its ``text_entities``; the
pieces are joined. Service messages and messages without text are skipped silently;
a malformed message goes to ``on_error`` naming ``PATH#message-ID``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..errors import IngestError
from ..models import Document
from .dates import WarStarts, parse_date
from .metadata import Metadata, build_document
from .records import RecordOptions

ErrorHandler = Callable[[IngestError], None]

#: Chat types a Telegram Desktop export writes at its top level.
CHAT_TYPES = frozenset({
    "public_channel", "private_channel", "public_supergroup", "private_supergroup",
    "private_group", "personal_chat", "bot_chat", "saved_messages",
})


def is_telegram_export(data: Any) -> bool:
    """Whether decoded JSON is a Telegram Desktop chat export.

    It must be an object with a ``messages`` list and either a known chat ``type`` or
    a ``name`` beside an ``id`` (older exports).
    """
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return False
    kind = data.get("type")
    if isinstance(kind, str) and (kind in CHAT_TYPES or kind.endswith("_channel")):
        return True
    return isinstance(data.get("name"), str) and "id" in data


def _piece_text(piece: Any) -> str:
    if isinstance(piece, str):
        return piece
    if isinstance(piece, dict) and isinstance(piece.get("text"), str):
        return piece["text"]
    raise ValueError(f"text piece {_short(piece)} is neither a string nor an entity with text")


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def message_text(message: Mapping[str, Any]) -> str:
    """The plain text of a message: its ``text`` (or ``text_entities``) pieces joined.

    Raises:
        ValueError: The text is neither a string nor a list of pieces with text.
    """
    text = message.get("text")
    if text in (None, "", []) and "text_entities" in message:
        text = message["text_entities"]
    if text is None or isinstance(text, str):
        return text or ""
    if not isinstance(text, list):
        raise ValueError(f"text is a {type(text).__name__}, not a string or a list")
    return "".join(_piece_text(piece) for piece in text)


def _username(data: Mapping[str, Any]) -> str | None:
    name = data.get("username")
    if not isinstance(name, str) or not name.strip().lstrip("@"):
        return None
    return name.strip().lstrip("@")


def _message_document(message: Mapping[str, Any], *, source: str, outlet: str | None,
                      username: str | None, options: RecordOptions) -> Document | None:
    """The document of one message, None for one to skip; ValueError when malformed."""
    if message.get("type") == "service":
        return None
    text = message_text(message)
    if not text.strip():
        return None
    raw_date = message.get("date")
    published = parse_date(raw_date) if isinstance(raw_date, str) else None
    warnings = () if published or raw_date is None else (
        f"message date {_short(raw_date)} is not a recognised date; ignored",)
    url = f"https://t.me/{username}/{message['id']}" if username else None
    meta = Metadata(outlet=outlet, url=url, published=published)
    return build_document(text, meta, source=source, war_starts=options.war_starts,
                          published=options.published, outlet=options.outlet,
                          warnings=warnings)


def telegram_documents(data: Mapping[str, Any], *, source: str, options: RecordOptions,
                     on_error: ErrorHandler) -> Iterator[Document]:
    """Read the messages of a decoded Telegram Desktop export.

    Args:
        data: The decoded export (``is_telegram_export(data)`` holds).
        source: The file's name; messages are named ``source#message-ID``.
        options: The caller's ``published`` and ``outlet`` overrides and ``war_starts``.
        on_error: Called with an ``IngestError`` for each malformed message.

    Yields:
        One document per message with text; ``published`` is the message's date,
        ``outlet`` the chat's name, ``url`` its t.me link when the export names the
        channel's username.
    """
    name = data.get("name")
    outlet = (name.strip() or None) if isinstance(name, str) else None
    username = _username(data)
    for n, message in enumerate(data["messages"], 1):
        if not isinstance(message, dict) or not isinstance(message.get("id"), (int, str)):
            on_error(IngestError(f"{source}#{n}",
                                 f"message {n} is not an object with an id: {_short(message)}"))
            continue
        where = f"{source}#message-{message['id']}"
        try:
            doc = _message_document(message, source=where, outlet=outlet, username=username,
                                    options=options)
        except ValueError as exc:
            on_error(IngestError(where, f"malformed message: {exc}"))
            continue
        if doc is not None:
            yield doc
