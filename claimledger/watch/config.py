"""The watch configuration: which sources to poll, how often, and where the Atom feed goes.

A YAML mapping (see docs/watch.md)::

    feed: alerts.atom            # the Atom file written after each round (required)
    interval: 300                # seconds between rounds
    sources:
      feeds: [https://example.org/rss.xml]
      pages:
        - url: https://example.org/live
          outlet: Example Times
          interval: 900
      paths:
        - path: exports/channel/result.json
          registry: [extra-parties.yaml]

Relative file names are read from the configuration file's folder.
"""
from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..ingest.fetch import DEFAULT_TIMEOUT, is_url
from ..ingest.limits import DEFAULT_MAX_BYTES

#: Source kinds, as the config's ``sources`` keys name them.
KINDS = {"feeds": "feed", "pages": "page", "paths": "path"}
_TOP_KEYS = frozenset({"feed", "title", "feed_url", "interval", "state", "timeout", "max_bytes", "feed_entries",
                       "backoff", "alerts", "sources"})
_SOURCE_KEYS = frozenset({"url", "path", "outlet", "interval", "registry", "fetch_links"})
_BACKOFF_KEYS = frozenset({"initial", "max"})
_ALERT_KEYS = frozenset({"range_tolerance", "range_min_history"})


@dataclass(frozen=True, slots=True)
class Source:
    """One thing to poll: a feed URL, a page URL, or a local file or folder."""

    kind: str                    # feed | page | path
    location: str                # the URL, or the absolute path
    outlet: str | None = None
    interval: float | None = None        # None: every round
    registry: tuple[str, ...] = ()
    fetch_links: bool = True     # feeds: fetch each new item's page

    @property
    def key(self) -> str:
        """The source's name in the state file and in ingest errors."""
        return self.location


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds to wait after a source's n-th failure in a row: ``initial * 2**(n-1)``, at most ``max``."""

    initial: float = 60.0
    max: float = 3600.0

    def delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        return float(min(self.max, self.initial * 2 ** min(failures - 1, 62)))


@dataclass(frozen=True, slots=True)
class AlertRules:
    """How far a figure may stray before it is outside the claimant's usual range (docs/watch.md)."""

    #: Outside when above ``highest * (1 + t)`` or below ``lowest / (1 + t)`` of the earlier figures.
    range_tolerance: float = 0.5
    #: Earlier figures needed before a range is "usual" at all.
    range_min_history: int = 3


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """A parsed configuration; paths are absolute."""

    feed: str
    sources: tuple[Source, ...]
    title: str = "claimledger watch"
    feed_url: str | None = None
    interval: float = 300.0
    state: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    feed_entries: int = 500
    backoff: Backoff = field(default_factory=Backoff)
    alerts: AlertRules = field(default_factory=AlertRules)


def load_config(path: str | os.PathLike[str]) -> WatchConfig:
    """Read and check a watch configuration file.

    Raises:
        ConfigError: The file cannot be read, is not YAML, or a setting is missing or wrong.
    """
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the watch configuration {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"the watch configuration {path} is not valid YAML: {exc}") from exc
    return parse_config(data, base=Path(path).resolve().parent)


def parse_config(data: Any, *, base: Path) -> WatchConfig:
    """A configuration from its YAML data; relative file names are taken from ``base``."""
    top = _mapping(data, "the configuration", _TOP_KEYS)
    if not top.get("feed"):
        raise ConfigError("the configuration names no 'feed' (the Atom file to write)")
    sources = _sources(top.get("sources"), base)
    backoff = _mapping(top.get("backoff") or {}, "backoff", _BACKOFF_KEYS)
    alerts = _mapping(top.get("alerts") or {}, "alerts", _ALERT_KEYS)
    # The dataclasses' own defaults (slotted classes keep no class-level values to read).
    given, plain_backoff, plain_alerts = WatchConfig(feed="", sources=()), Backoff(), AlertRules()
    return WatchConfig(
        feed=_path(top["feed"], base, "feed"), sources=sources,
        title=str(top.get("title") or given.title),
        feed_url=str(top["feed_url"]) if top.get("feed_url") else None,
        interval=_seconds(top.get("interval", given.interval), "interval"),
        state=_path(top["state"], base, "state") if top.get("state") else None,
        timeout=_seconds(top.get("timeout", DEFAULT_TIMEOUT), "timeout", positive=True),
        max_bytes=_count(top.get("max_bytes", DEFAULT_MAX_BYTES), "max_bytes", least=1),
        feed_entries=_count(top.get("feed_entries", given.feed_entries), "feed_entries", least=1),
        backoff=Backoff(initial=_seconds(backoff.get("initial", plain_backoff.initial), "backoff.initial"),
                        max=_seconds(backoff.get("max", plain_backoff.max), "backoff.max")),
        alerts=AlertRules(
            range_tolerance=_seconds(alerts.get("range_tolerance", plain_alerts.range_tolerance),
                                     "alerts.range_tolerance"),
            range_min_history=_count(alerts.get("range_min_history", plain_alerts.range_min_history),
                                     "alerts.range_min_history", least=1)),
    )


def _sources(data: Any, base: Path) -> tuple[Source, ...]:
    groups = _mapping(data, "sources", frozenset(KINDS))
    out = [_source(KINDS[group], entry, base, f"sources.{group}[{n}]")
           for group, entries in groups.items() for n, entry in enumerate(_list(entries, f"sources.{group}"))]
    if not out:
        raise ConfigError("the configuration lists no sources (sources: feeds, pages or paths)")
    keys = [s.key for s in out]
    if len(set(keys)) < len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ConfigError(f"a source is listed twice: {', '.join(twice)}")
    return tuple(out)


def _source(kind: str, entry: Any, base: Path, where: str) -> Source:
    if isinstance(entry, str):
        entry = {"path" if kind == "path" else "url": entry}
    item = _mapping(entry, where, _SOURCE_KEYS)
    place_key = "path" if kind == "path" else "url"
    place = item.get(place_key)
    if not isinstance(place, str) or not place.strip():
        raise ConfigError(f"{where} needs a '{place_key}'")
    if kind == "path":
        location = _path(place, base, where)
    elif not is_url(place):
        raise ConfigError(f"{where}: {place!r} is not an http(s) URL")
    else:
        location = place.strip()
    registry = item.get("registry")
    registry = [registry] if isinstance(registry, str) else _list(registry, f"{where}.registry")
    interval = item.get("interval")
    return Source(kind=kind, location=location, outlet=str(item["outlet"]) if item.get("outlet") else None,
                  interval=None if interval is None else _seconds(interval, f"{where}.interval"),
                  registry=tuple(_path(r, base, f"{where}.registry") for r in registry),
                  fetch_links=bool(item.get("fetch_links", True)))


def _mapping(data: Any, where: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a mapping of settings, not {type(data).__name__}")
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown setting {key!r}{_near(str(key), allowed)}")
    return data


def _near(key: str, allowed: frozenset[str]) -> str:
    near = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _list(data: Any, where: str) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{where} must be a list")
    return data


def _path(value: Any, base: Path, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a file name")
    return str((base / os.path.expanduser(value.strip())).resolve())


def _seconds(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (positive and value == 0):
        raise ConfigError(f"{where} must be a {'positive' if positive else 'non-negative'} number, not {value!r}")
    return float(value)


def _count(value: Any, where: str, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"{where} must be a whole number of at least {least}, not {value!r}")
    return value
