"""Record types passed between pipeline stages (ingest -> extract -> store -> analyze -> serve).

All records are frozen, slotted, keyword-only dataclasses: cheap to pickle to worker
processes and impossible to mutate by accident between stages.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES = (
    "killed", "wounded", "casualties", "captured", "missing", "arrested", "displaced",
    "equipment_destroyed", "aircraft_downed", "materiel_seized", "buildings_destroyed",
    "attacks", "projectiles", "other",
)
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to", "fewer_than", "range", "vague")
MODALITIES = ("claimed", "acknowledged", "reported", "denied", "estimated")
PERIOD_KINDS = ("event", "period", "cumulative")

#: Field order of a claim in every output format (SCHEMA.md names, then provenance).
CLAIM_FIELDS = (
    "claimant", "claimant_party", "modality", "category", "value", "qualifier", "low", "high",
    "subject", "subject_party", "period_kind", "period_start", "period_end", "location",
    "latitude", "longitude", "evidence", "confidence", "part_of", "notes",
)


def content_id(text: str) -> str:
    """Stable document id: the first 16 hex digits of the SHA-256 of the text.

    Lone surrogates (legal in JSON as ``"\\ud800"``) are hashed as they are, so that any
    string has an id; the readers replace them before a document reaches the ledger.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD (same length), and how many there were."""
    return _SURROGATE.subn("\ufffd", text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One report as read from its source, before extraction.

    ``published`` is an ISO date (``YYYY-MM-DD``) or None; ``date_source`` says how it was
    found (``option``, ``metadata``, ``text``, ``dateline``, ``dateline+inferred-year``).
    ``filed_from`` is the place a wire dateline says the report was filed from ("MOSCOW
    (Sputnik) -"), set by extraction; it is never taken as the place of a claim.
    """

    text: str
    doc_id: str = ""
    source: str = ""
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    date_source: str | None = None
    language: str = "en"
    warnings: tuple[str, ...] = ()
    filed_from: str | None = None

    def __post_init__(self) -> None:
        if not self.doc_id:
            object.__setattr__(self, "doc_id", content_id(self.text))


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """A verbatim span of the document text: ``text == document.text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """One attributed quantitative claim (field meanings: SCHEMA.md)."""

    claimant: str
    claimant_party: str
    modality: str
    category: str
    value: int | None
    qualifier: str
    subject: str
    subject_party: str
    low: int | None = None
    high: int | None = None
    period_kind: str = "event"
    period_start: str | None = None
    period_end: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 0.5
    part_of: int | None = None
    notes: str | None = None
    doc_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The claim as a JSON-ready dict with SCHEMA.md field names."""
        d = asdict(self)
        d["evidence"] = [asdict(e) for e in self.evidence]
        out = {k: d[k] for k in CLAIM_FIELDS}
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractionResult:
    """A document with the claims extracted from it."""

    document: Document
    claims: tuple[Claim, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "doc_id": doc.doc_id, "source": doc.source, "title": doc.title,
            "outlet": doc.outlet, "url": doc.url, "published": doc.published,
            "date_source": doc.date_source, "language": doc.language,
            "warnings": list(doc.warnings),
            "claims": [c.to_dict() for c in self.claims],
        }
