"""Ingest: read reports (text, Markdown, HTML, JSON, JSONL, CSV, Telegram Desktop exports,
RSS/Atom feeds and URLs) into ``Document`` records."""
from __future__ import annotations

from .dates import (
    Dateline,
    default_war_starts,
    find_dateline,
    infer_year,
    parse_date,
    parse_record_date,
)
from .feeds import Feed, FeedItem, feed_documents, parse_feed
from .fetch import DEFAULT_TIMEOUT, USER_AGENT, Fetched, Fetcher
from .html import parse_html
from .options import column_options, columns_from_options
from .readers import DEFAULT_MAX_BYTES, iter_documents, read_bytes, read_text
from .records import COLUMN_ROLES
from .series import SERIES_FORMATS, read_series
from .telegram import is_telegram_export, telegram_documents
from .text import parse_plain

__all__ = [
    "COLUMN_ROLES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "Dateline",
    "Feed",
    "FeedItem",
    "Fetched",
    "Fetcher",
    "SERIES_FORMATS",
    "USER_AGENT",
    "column_options",
    "columns_from_options",
    "default_war_starts",
    "feed_documents",
    "find_dateline",
    "infer_year",
    "is_telegram_export",
    "iter_documents",
    "parse_date",
    "parse_feed",
    "parse_html",
    "parse_plain",
    "parse_record_date",
    "read_bytes",
    "read_series",
    "read_text",
    "telegram_documents",
]
