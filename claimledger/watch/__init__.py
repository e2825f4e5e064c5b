"""``claimledger watch``: keep a ledger current from feeds, web pages and channel exports.

* :mod:`.config` reads the YAML configuration (sources, intervals, the Atom file);
* :mod:`.sources` polls one source for what is new (conditional GETs, changed files);
* :mod:`.loop` runs the rounds: ingest through :func:`claimledger.flow.run_ingest`, back-off;
* :mod:`.alerts` sets each new claim against the ledger (new claimant, outside its usual
  range, a running total that went down);
* :mod:`.atom` writes the feed; :mod:`.state` remembers everything between restarts.
"""
from __future__ import annotations

from .alerts import KINDS as ALERT_KINDS
from .alerts import Alert, find_alerts
from .config import AlertRules, Backoff, Source, WatchConfig, load_config, parse_config
from .loop import RoundReport, SourceReport, Watch
from .state import WatchState, default_state_path, load_state

__all__ = ["ALERT_KINDS", "Alert", "AlertRules", "Backoff", "RoundReport", "Source", "SourceReport", "Watch",
           "WatchConfig", "WatchState", "default_state_path", "find_alerts", "load_config", "load_state",
           "parse_config"]
