"""The ``claimledger`` command: thin click commands over the library.

Each module registers its commands on the one group in :mod:`.base`.
"""
from __future__ import annotations

from . import analysis_cmds  # noqa: F401  (compare, timeline, flags, ratio)
from . import extract_cmds  # noqa: F401  (registers extract, evaluate)
from . import ledger_cmds  # noqa: F401  (ingest, claims, export, errors, status)
from . import reextract_cmd  # noqa: F401  (reextract)
from . import scale_cmds  # noqa: F401  (load)
from . import review_cmds  # noqa: F401  (review: queue, confirm, correct, reject, unreject, log)
from . import series_cmd  # noqa: F401  (import-series)
from . import serve_cmds  # noqa: F401  (serve, report)
from . import train_cmd  # noqa: F401  (train)
from . import watch_cmd  # noqa: F401  (watch)
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli()
