"""The Datasette metadata shipped for a ledger: table titles and descriptions, internal tables hidden.

Datasette keys per-database metadata by the database's name, which it takes from the file
name (``claimledger.db`` -> ``claimledger``); :func:`metadata_for` renames the shipped block
for any ledger file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

#: The shipped metadata file (Datasette 0.65 format).
METADATA_FILE = Path(__file__).with_name("datasette-metadata.yaml")
#: The database name the shipped file is keyed by: that of the default ledger, claimledger.db.
SHIPPED_NAME = "claimledger"


def shipped_metadata() -> dict[str, Any]:
    """The shipped metadata, as Datasette reads it."""
    data: dict[str, Any] = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    return data


def database_name(path: str | os.PathLike[str]) -> str:
    """The name Datasette gives a database file: its name without the extension."""
    return Path(path).stem


def metadata_for(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The shipped metadata keyed by the name Datasette gives the ledger file ``path``."""
    data = shipped_metadata()
    block = data["databases"].pop(SHIPPED_NAME)
    data["databases"][database_name(path)] = block
    return data


def hidden_tables() -> list[str]:
    """The tables the metadata hides (internals a reader has no use for)."""
    tables = shipped_metadata()["databases"][SHIPPED_NAME]["tables"]
    return sorted(name for name, meta in tables.items() if meta.get("hidden"))
