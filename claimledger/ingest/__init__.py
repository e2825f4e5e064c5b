"""Ingest: read reports (text, Markdown, HTML, JSON, JSONL, CSV) into ``Document`` records."""
from __future__ import annotations

from .dates import Dateline, default_war_starts, find_dateline, infer_year, parse_date
from .html import parse_html
from .readers import DEFAULT_MAX_BYTES, iter_documents, read_bytes, read_text
from .text import parse_plain

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Dateline",
    "default_war_starts",
    "find_dateline",
    "infer_year",
    "iter_documents",
    "parse_date",
    "parse_html",
    "parse_plain",
    "read_bytes",
    "read_text",
]
