"""The watch's Atom feed (RFC 4287): one entry per new claim and per alert, newest first.

Entries are plain dicts (kept in the watch state, so a restart keeps the feed): ``id``,
``kind`` (``claim`` or an alert kind), ``title``, ``link``, ``updated`` (RFC 3339) and
``summary``. Ids are ``urn:claimledger:...`` names built from claim ids, so an entry keeps
its id however often the feed is written.
"""
from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from .alerts import Alert, claimant_label, figure_label

ATOM = "http://www.w3.org/2005/Atom"
Entry = dict[str, Any]


def timestamp(when: datetime | None = None) -> str:
    """An RFC 3339 time in UTC, to the second, as Atom's ``updated`` wants it."""
    return (when or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def claim_entry(row: dict[str, Any], updated: str) -> Entry:
    """The entry of one new claim: who claims what, with the sentence and where it was read."""
    return {"id": f"urn:claimledger:claim:{row['claim_id']}", "kind": "claim", "updated": updated,
            "title": f"{claimant_label(row)} {row.get('modality') or 'claims'}: {figure_label(row)}",
            "link": link_of(row), "summary": _summary(row)}


def alert_entry(alert: Alert, updated: str) -> Entry:
    """The entry of one alert on a claim."""
    row = alert.claim
    label = {"new_claimant": "New claimant", "outside_range": "Figure outside usual range",
             "running_total_down": "Running total went down"}.get(alert.kind, alert.kind)
    return {"id": f"urn:claimledger:alert:{alert.kind}:{row['claim_id']}", "kind": alert.kind,
            "updated": updated, "title": f"{label}: {claimant_label(row)}", "link": link_of(row),
            "summary": f"{alert.message}\n\n{_summary(row)}"}


def link_of(row: dict[str, Any]) -> str:
    """Where the claim was read: the report's URL, else its file as a ``file:`` URI, else the
    claim's urn (Atom wants a link; some channel messages have neither)."""
    url = row.get("url")
    if url:
        return str(url)
    source = str(row.get("source") or "")
    if source.startswith("/"):
        path = source.split("#", 1)[0]
        return Path(path).as_uri() + (f"#{source.split('#', 1)[1]}" if "#" in source else "")
    return f"urn:claimledger:claim:{row['claim_id']}"


def _summary(row: dict[str, Any]) -> str:
    evidence = " … ".join(e.get("text", "") for e in row.get("evidence") or [] if isinstance(e, dict))
    where = ", ".join(str(v) for v in (row.get("outlet"), row.get("published")) if v)
    return f"“{evidence}”" + (f" ({where})" if where else "") + f"\nclaim {row['claim_id']}"


def merge_entries(new: Sequence[Entry], old: Iterable[Entry], limit: int) -> list[Entry]:
    """New entries first, then the old ones not replaced, at most ``limit``."""
    ids = {e["id"] for e in new}
    return [*new, *(e for e in old if e.get("id") not in ids)][:limit]


def write_feed(path: str, entries: Sequence[Entry], *, title: str, feed_url: str | None = None) -> None:
    """Write the feed atomically (a reader never sees half a file)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_url or Path(path).resolve().as_uri())
    _text(feed, "title", title)
    _text(feed, "updated", max((e["updated"] for e in entries), default=timestamp()))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "claimledger watch")
    generator = _text(feed, "generator", "claimledger")
    generator.set("version", __version__)
    if feed_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url)
    for entry in entries:
        _entry(feed, entry)
    data = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".watch-feed-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)        # a feed is for reading: not mkstemp's owner-only mode
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _entry(feed: ET.Element, entry: Entry) -> None:
    element = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(element, "id", entry["id"])
    _text(element, "title", entry["title"])
    _text(element, "updated", entry["updated"])
    ET.SubElement(element, f"{{{ATOM}}}link", rel="alternate", href=entry["link"])
    ET.SubElement(element, f"{{{ATOM}}}category", term=entry["kind"])
    _text(element, "summary", entry["summary"])


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _xml_safe(value)
    return element


def _xml_safe(value: str) -> str:
    """Text without the characters XML 1.0 cannot hold (controls, lone surrogates)."""
    return "".join(c for c in str(value) if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff")
                   or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000")
