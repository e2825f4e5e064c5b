"""The one exception tree of claimledger.

    ClaimLedgerError
    ├── ConfigError            bad settings or option values
    ├── RegistryError          a party registry or lexicon file that cannot be used
    ├── IngestError            an input that cannot be read (carries ``source``)
    │   └── DropDocument       a readable input that holds no usable report (empty, binary, too big)
    ├── ExtractionError        a failure inside extraction of one document (carries ``doc_id``)
    ├── EvaluationError        gold or prediction files that cannot be scored
    └── StoreError             a ledger that cannot be opened or written (corrupt, foreign, newer)
        ├── ReviewError        a review action that cannot be applied (unknown claim, bad field)
        ├── RecordRejected     the database refused one record's values (out of range, unencodable)
        └── LedgerBusy         every pooled connection stayed in use for too long
"""
from __future__ import annotations


class ClaimLedgerError(Exception):
    """Root of every error claimledger raises on purpose."""


class ConfigError(ClaimLedgerError):
    """A setting or option value that cannot be used."""


class RegistryError(ClaimLedgerError):
    """A party registry, gazetteer or lexicon file that cannot be loaded."""


class IngestError(ClaimLedgerError):
    """An input that cannot be read; ``source`` names it, ``reason`` says why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # Pickled as its two parts: worker processes hand their errors back to the writer.
        return type(self), (self.source, self.reason)


class DropDocument(IngestError):
    """A readable input that holds no usable report (empty, binary, oversized)."""


class ExtractionError(ClaimLedgerError):
    """Extraction failed on one document; ``doc_id`` names it."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[str, str]]:
        return type(self), (self.doc_id, self.reason)


class EvaluationError(ClaimLedgerError):
    """Gold or prediction files that cannot be scored."""


class StoreError(ClaimLedgerError):
    """A ledger database that cannot be opened or written: corrupt, foreign, newer, unreachable."""


class ReviewError(StoreError):
    """A review that cannot be applied: an unknown claim, action or field, or a bad value."""


class RecordRejected(StoreError):
    """The database refused the values of one record (a figure out of range, text it cannot store).

    The ledger itself is fine: the record is reported and the rest is written.
    """


class LedgerBusy(StoreError):
    """Every connection of a pool stayed lent out longer than the caller would wait."""
