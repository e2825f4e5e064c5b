"""The watch loop: rounds over the sources, ingest of what is new, alerts, the Atom feed.

Each round polls every source that is due (its own interval passed, not backing off), hands
what is new to :func:`claimledger.flow.run_ingest` (the ingest pipeline, so documents already
in the ledger are never extracted again), then writes the Atom feed of the round's new claims
and alerts. A source that fails is recorded in ``ingest_errors`` and waits
``initial * 2**(failures-1)`` seconds (at most ``max``) before its next try; the others go on.
A stop request (Ctrl-C) is honoured between sources: the current one is finished and saved.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..errors import IngestError, StoreError
from ..flow import run_ingest
from ..models import Document
from ..store import Ledger
from ..store.schema import now as ledger_now
from .alerts import Alert, find_alerts, new_claim_rows
from .atom import alert_entry, claim_entry, merge_entries, timestamp, write_feed
from .config import Source, WatchConfig
from .sources import Reader
from .state import SourceState, WatchState

log = logging.getLogger(__name__)
Clock = Callable[[], float]


@dataclass(slots=True)
class SourceReport:
    """What one source did in a round: ``status`` is ``ingested``, ``unchanged``, ``failed``,
    ``backing off`` or ``not due``."""

    source: str
    status: str
    documents: int = 0
    claims: int = 0
    error: str | None = None
    retry_in: float | None = None


@dataclass(slots=True)
class RoundReport:
    """One round: each source's report, the new claims and the alerts."""

    number: int
    sources: list[SourceReport] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    stopped: bool = False


class Watch:
    """Rounds over ``config``'s sources into ``ledger``, remembering what was read in ``state``.

    Args:
        client: an ``httpx.Client`` to fetch with (a new one by default).
        clock: Unix time (tests move it forward to pass back-off delays).
        stop: set it (from a signal handler or another thread) to stop after the current source.
    """

    def __init__(self, config: WatchConfig, ledger: Ledger, state: WatchState, *, client: Any = None,
                 clock: Clock = time.time, stop: threading.Event | None = None) -> None:
        self.config = config
        self.ledger = ledger
        self.state = state
        self.client = client
        self.clock = clock
        self.stop = stop or threading.Event()

    def run(self, *, rounds: int | None = None, interval: float | None = None,
            on_round: Callable[[RoundReport], None] | None = None) -> list[RoundReport]:
        """Run ``rounds`` rounds (None: until stopped), ``interval`` seconds apart from start to start."""
        every = self.config.interval if interval is None else interval
        reports: list[RoundReport] = []
        number = 0
        with Reader(client=self.client, timeout=self.config.timeout, max_bytes=self.config.max_bytes) as reader:
            while not self.stop.is_set() and (rounds is None or number < rounds):
                number += 1
                started = self.clock()
                report = self.round(reader, number)
                reports.append(report)
                if on_round:
                    on_round(report)
                if rounds is not None and number >= rounds:
                    break
                self._wait(started + every - self.clock())
        return reports

    def round(self, reader: Reader, number: int = 1) -> RoundReport:
        """Poll every due source once, then write the feed."""
        report = RoundReport(number)
        since = ledger_now()
        added: list[str] = []
        for source in self.config.sources:
            if self.stop.is_set():
                report.stopped = True
                break
            report.sources.append(self._visit(reader, source, added))
        report.claims = new_claim_rows(self.ledger, added, since=since)
        report.alerts = find_alerts(report.claims, self.ledger, self.config.alerts, before=since)
        self._publish(report)
        report.stopped = report.stopped or self.stop.is_set()
        return report

    # -- one source ----------------------------------------------------------------------------
    def _visit(self, reader: Reader, source: Source, added: list[str]) -> SourceReport:
        memory = self.state.source(source.key)
        at = self.clock()
        if memory.retry_at > at:
            return SourceReport(source.key, "backing off", error=memory.last_error, retry_in=memory.retry_at - at)
        if source.interval and memory.polled_at and at - memory.polled_at < source.interval:
            return SourceReport(source.key, "not due")
        try:
            report = self._ingest(reader, source, memory, added)
        except StoreError:
            raise                            # the ledger's trouble: no source can go on
        except IngestError as err:
            report = self._failed(source, memory, err)
        except Exception as exc:  # noqa: BLE001  one source's surprise must not end the watch
            log.exception("polling %s failed", source.key)
            report = self._failed(source, memory, IngestError(source.key, f"{type(exc).__name__}: {exc}"))
        self.state.save()
        return report

    def _ingest(self, reader: Reader, source: Source, memory: SourceState, added: list[str]) -> SourceReport:
        poll = reader.poll(source, memory)
        memory.polled_at = self.clock()
        if not poll.changed:
            poll.commit()
            self._recovered(memory)
            return SourceReport(source.key, "unchanged")
        seen: list[str] = []
        summary = run_ingest(_noting(poll.documents, seen), self.ledger, registry_files=source.registry,
                             read_errors=poll.errors)
        poll.commit()                        # only now: what was read is in the ledger
        self._recovered(memory)
        added += seen
        return SourceReport(source.key, "ingested", documents=summary.stats.documents_added,
                            claims=summary.claims, error=_skipped(summary.errors))

    def _failed(self, source: Source, memory: SourceState, err: IngestError) -> SourceReport:
        memory.failures += 1
        delay = self.config.backoff.delay(memory.failures)
        memory.retry_at = self.clock() + delay
        memory.last_error = err.reason
        self.ledger.record_errors([IngestError(source.key, err.reason)])
        return SourceReport(source.key, "failed", error=err.reason, retry_in=delay)

    @staticmethod
    def _recovered(memory: SourceState) -> None:
        memory.failures, memory.retry_at, memory.last_error = 0, 0.0, None

    # -- the feed --------------------------------------------------------------------------------
    def _publish(self, report: RoundReport) -> None:
        updated = timestamp(datetime.fromtimestamp(self.clock(), timezone.utc))
        new = [alert_entry(a, updated) for a in report.alerts] + [claim_entry(r, updated) for r in report.claims]
        entries = merge_entries(new, self.state.entries, self.config.feed_entries)
        if new or not os.path.exists(self.config.feed):
            write_feed(self.config.feed, entries, title=self.config.title, feed_url=self.config.feed_url)
        self.state.entries = entries
        self.state.save()

    def _wait(self, seconds: float) -> None:
        """Sleep until the next round, waking at once when a stop is requested."""
        end = self.clock() + seconds
        # In slices: a signal handler's set() is then seen within half a second on any platform.
        while not self.stop.is_set() and (left := end - self.clock()) > 0:
            self.stop.wait(min(0.5, left))


def _skipped(errors: list[IngestError]) -> str | None:
    """A short line on the items or files of a source that could not be read (None: none)."""
    if not errors:
        return None
    first = errors[0]
    more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"skipped {first.source}: {first.reason}{more}; see claimledger errors"


def _noting(documents: Iterable[Document], ids: list[str]) -> Iterator[Document]:
    """The documents, each one's id noted as it passes (to find the round's new claims)."""
    for doc in documents:
        ids.append(doc.doc_id)
        yield doc
