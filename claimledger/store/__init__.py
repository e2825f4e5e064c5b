"""Store: the ledger of documents, claims, merged assertions, ingest errors and reviews.

SQLite by default (one file), PostgreSQL with a ``postgresql://`` URL; same tables, same
behaviour. :func:`open_ledger` creates or migrates the schema and refuses a database that
is corrupt or belongs to something else.
"""
from __future__ import annotations

from .ledger import AddStats, Ledger, Prepared, extractor_version, open_ledger
from .query import ClaimFilter
from .review import CORRECTABLE

__all__ = ["CORRECTABLE", "AddStats", "ClaimFilter", "Ledger", "Prepared", "extractor_version", "open_ledger"]
