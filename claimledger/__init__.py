"""claimledger: turn conflict reports into an auditable ledger of attributed quantitative claims.

    >>> from claimledger import extract
    >>> claims = extract("The army said two soldiers were killed on Sunday.", published="2024-03-05")
"""
from __future__ import annotations

import logging

from .errors import (
    ClaimLedgerError,
    ConfigError,
    DropDocument,
    EvaluationError,
    ExtractionError,
    IngestError,
    RegistryError,
    ReviewError,
    StoreError,
)
from .extract.pipeline import Budget, Extractor, extract, extract_batch, extract_documents
from .extract.registry import Registry, load_registry
from .ingest import iter_documents, read_text
from .models import Claim, Document, Evidence, ExtractionResult
from .store import ClaimFilter, Ledger, open_ledger

__version__ = "0.1.0"

__all__ = [
    "Budget",
    "Claim",
    "ClaimFilter",
    "ClaimLedgerError",
    "ConfigError",
    "Document",
    "DropDocument",
    "EvaluationError",
    "Evidence",
    "ExtractionError",
    "ExtractionResult",
    "Extractor",
    "IngestError",
    "Ledger",
    "Registry",
    "RegistryError",
    "ReviewError",
    "StoreError",
    "__version__",
    "extract",
    "extract_batch",
    "extract_documents",
    "iter_documents",
    "load_registry",
    "open_ledger",
    "read_text",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
