"""Polling one source: what is new since the last poll, as documents for :func:`run_ingest`.

* A URL (feed or page) is asked for with ``If-None-Match`` / ``If-Modified-Since``; a 304
  answer reads nothing. A feed's items already read (same link, title, date and text) are
  skipped before their pages are fetched.
* A local file or folder is read again only for the files whose size or modification time
  changed (a channel export that grew, a new file in a folder).

Whatever is read still goes through the ledger's content dedup, so a state file that was lost
costs fetching, never a second extraction.
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import DropDocument, IngestError
from ..ingest.dates import WarStarts
from ..ingest.feeds import Feed, FeedItem, item_document, looks_like_feed, parse_feed
from ..ingest.fetch import ConditionalFetcher, Fetched, Validators, is_url
from ..ingest.metadata import Metadata, build_document
# The readers' own handling of a fetched body (decoding, format, page text), so that a watched
# URL reads exactly as `claimledger ingest URL` reads it.
from ..ingest.readers import FORMATS, _fetched_text, _page_of, iter_documents
from ..ingest.records import RecordOptions
from ..models import Document
from .config import Source
from .state import SourceState


@dataclass(slots=True)
class Poll:
    """What one poll found: documents to ingest (read lazily), the read errors met meanwhile,
    and ``commit``, which records in the source's state what was read once it is in the ledger."""

    documents: Iterator[Document]
    commit: Callable[[], None]
    errors: list[Any] = field(default_factory=list)
    changed: bool = True


@lru_cache(maxsize=16)
def war_starts(registry: tuple[str, ...]) -> WarStarts:
    """The registry's war start dates (to infer a dateline's year), loaded once per registry set."""
    from ..extract.registry import load_registry
    return load_registry(*registry).war_starts()


class Reader:
    """Polls sources over one HTTP client; use as a context manager."""

    def __init__(self, *, client: Any = None, timeout: float, max_bytes: int) -> None:
        self.fetcher = ConditionalFetcher(client, timeout=timeout)
        self.max_bytes = max_bytes

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fetcher.close()

    def poll(self, source: Source, state: SourceState) -> Poll:
        """What is new at ``source`` since ``state``.

        Raises:
            IngestError: The source itself cannot be read (unreachable, an HTTP error, not a
                feed, a missing path): the caller backs off. Errors of single items or files
                are in ``Poll.errors`` instead.
        """
        options = RecordOptions(outlet=source.outlet, war_starts=war_starts(source.registry))
        if source.kind == "path":
            return self._poll_path(source, state, options)
        return self._poll_url(source, state, options)

    # -- URLs ------------------------------------------------------------------------------
    def _poll_url(self, source: Source, state: SourceState, options: RecordOptions) -> Poll:
        url = source.location
        fetched, validators = self.fetcher.fetch_if_changed(url, state.validators, max_bytes=self.max_bytes)
        if fetched is None:
            return Poll(iter(()), commit=lambda: state.remember(validators), changed=False)
        fmt, text = _fetched_text(fetched, url)
        if fmt == "feed":
            return self._feed_poll(_parsed_feed(text, url, fetched), source, state, options, validators)
        if source.kind == "feed":
            raise IngestError(url, f"not an RSS or Atom feed (the server sent {fmt})")
        if fmt not in ("html", "plain"):
            raise IngestError(url, f"expected a web page or a feed, got {fmt}")
        doc = _page_document(fmt, text, fetched, url, options)
        return Poll(iter([doc]), commit=lambda: state.remember(validators))

    def _feed_poll(self, feed: Feed, source: Source, state: SourceState, options: RecordOptions,
                   validators: Validators) -> Poll:
        url = source.location
        keys = [item_key(item) for item in feed.items]
        done = set(state.items)
        errors: list[IngestError] = []
        loader = self._load_page if source.fetch_links else None

        def documents() -> Iterator[Document]:
            for n, (item, key) in enumerate(zip(feed.items, keys), 1):
                if key in done:
                    continue
                name = item.link if item.link and is_url(item.link) else f"{url}#{n}"
                try:
                    doc = item_document(item, feed, source=name, options=options, load_page=loader)
                except IngestError as err:
                    errors.append(err)       # tried again when the feed next changes
                    continue
                yield doc
                done.add(key)

        def commit() -> None:
            state.items = [k for k in keys if k in done]   # items gone from the feed are forgotten
            state.remember(validators)

        return Poll(documents(), commit=commit, errors=errors)

    def _load_page(self, url: str) -> tuple[str, Metadata]:
        fetched = self.fetcher.fetch(url, max_bytes=self.max_bytes)
        return _page_of(*_fetched_text(fetched, url), fetched, url)

    # -- local files -------------------------------------------------------------------------
    def _poll_path(self, source: Source, state: SourceState, options: RecordOptions) -> Poll:
        current = file_signatures(source.location)
        changed = [path for path, sig in current.items() if state.files.get(path) != sig]
        errors: list[IngestError] = []

        def commit() -> None:
            state.files = current

        if not changed:
            return Poll(iter(()), commit=commit, changed=False)
        docs = iter_documents(changed, outlet=options.outlet, war_starts=options.war_starts,
                              max_bytes=self.max_bytes, on_error=errors.append)
        return Poll(docs, commit=commit, errors=errors)


def item_key(item: FeedItem) -> str:
    """An item's identity: its link, title, date and text (an edited item is read again)."""
    h = hashlib.sha256()
    for part in (item.link, item.title, item.published, item.text):
        h.update((part or "").encode("utf-8", "surrogatepass") + b"\x00")
    return h.hexdigest()[:20]


def _parsed_feed(text: str, url: str, fetched: Fetched) -> Feed:
    try:
        return parse_feed(text, source=url, base_url=fetched.url)
    except DropDocument:                 # a feed with no items yet is not a failure
        return Feed(title=None, items=())


def _page_document(fmt: str, text: str, fetched: Fetched, url: str, options: RecordOptions) -> Document:
    body, meta = _page_of(fmt, text, fetched, url)
    return build_document(body, meta, source=url, war_starts=options.war_starts, outlet=options.outlet)


def file_signatures(path: str) -> dict[str, list[int]]:
    """``file -> [size, mtime_ns]`` of the report files at ``path`` (a file, or a folder read as
    ingest reads one: hidden names and other extensions left out, ``.xml`` only when a feed).

    Raises:
        IngestError: ``path`` does not exist or cannot be read.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise IngestError(path, exc.strerror or str(exc)) from exc
    if not stat.S_ISDIR(info.st_mode):
        return {path: [info.st_size, info.st_mtime_ns]}
    found: dict[str, list[int]] = {}
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = sorted(n for n in subfolders if not n.startswith("."))
        for name in sorted(names):
            full = os.path.join(folder, name)
            if _report_file(full, name):
                try:
                    st = os.stat(full)
                except OSError:
                    continue             # gone meanwhile: the next poll sees it is gone
                found[full] = [st.st_size, st.st_mtime_ns]
    return found


def _report_file(path: str, name: str) -> bool:
    extension = os.path.splitext(name)[1].lower()
    if name.startswith(".") or extension not in FORMATS:
        return False
    if extension != ".xml":
        return True
    try:
        with open(path, "rb") as handle:
            return looks_like_feed(handle.read(4000))
    except OSError:
        return True                      # reading it reports the error
