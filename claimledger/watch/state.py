"""What a watch remembers between rounds and restarts: a JSON file beside the ledger.

Per source: the validators of its last response (ETag, Last-Modified), the feed items and
files already read, and its failures in a row with the time it may be tried again. Also
the Atom feed's latest entries, so a restart keeps them. The file is replaced atomically
after each source, so a killed watch loses at most the source it was reading, and that
source's documents are skipped by the ledger when it is read again.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import ConfigError
from ..ingest.fetch import Validators

STATE_VERSION = 1


@dataclass(slots=True)
class SourceState:
    """One source's memory."""

    etag: str | None = None
    last_modified: str | None = None
    #: Feeds: keys of the items already read (only those still in the feed are kept).
    items: list[str] = field(default_factory=list)
    #: Paths: ``file -> [size, mtime_ns]`` of the files already read.
    files: dict[str, list[int]] = field(default_factory=dict)
    failures: int = 0
    #: Unix time before which a failing source is not tried again.
    retry_at: float = 0.0
    last_error: str | None = None
    #: Unix time of the last poll (a per-source interval counts from it).
    polled_at: float = 0.0

    @property
    def validators(self) -> Validators:
        return Validators(etag=self.etag, last_modified=self.last_modified)

    def remember(self, validators: Validators) -> None:
        self.etag, self.last_modified = validators.etag, validators.last_modified

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(slots=True)
class WatchState:
    """Every source's memory and the feed's entries, read from and written to ``path``."""

    path: str
    sources: dict[str, SourceState] = field(default_factory=dict)
    #: Atom entries (dicts, see :mod:`.atom`), newest first.
    entries: list[dict[str, Any]] = field(default_factory=list)

    def source(self, key: str) -> SourceState:
        return self.sources.setdefault(key, SourceState())

    def save(self) -> None:
        """Write the state atomically: a reader (or a crash) sees the old file or the new one."""
        data = {"version": STATE_VERSION, "sources": {k: asdict(v) for k, v in self.sources.items()},
                "entries": self.entries}
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".watch-state-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise


def load_state(path: str) -> WatchState:
    """The state saved at ``path``; an empty one when there is none yet.

    Raises:
        ConfigError: The file exists but is not a watch state.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return WatchState(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the watch state {path}: {exc} (move it away to start afresh)") from exc
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ConfigError(f"{path} is not a watch state file of this version (move it away to start afresh)")
    sources = {k: SourceState.from_dict(v) for k, v in (data.get("sources") or {}).items() if isinstance(v, dict)}
    entries = [e for e in data.get("entries") or [] if isinstance(e, dict)]
    return WatchState(path, sources, entries)


def default_state_path(ledger_url: str, config_path: str) -> str:
    """Beside a SQLite ledger (``LEDGER.watch.json``); beside the configuration for PostgreSQL."""
    if re.match(r"^postgres(ql)?://", ledger_url) or ledger_url == ":memory:":
        return f"{os.path.abspath(config_path)}.state.json"
    return f"{os.path.abspath(ledger_url)}.watch.json"
