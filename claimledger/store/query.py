"""Claim filters, turned into a parameterised WHERE clause (values never enter the SQL text)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..errors import ConfigError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Filters matched exactly (a value or a list of values: facets).
EXACT = {
    "claimant_party": "c.claimant_party", "subject_party": "c.subject_party", "category": "c.category",
    "modality": "c.modality", "period_kind": "c.period_kind", "document_id": "c.document_id",
    "assertion_id": "c.assertion_id", "review_status": "c.review_status", "qualifier": "c.qualifier",
}
#: Filters matched as case-insensitive substrings.
SUBSTRING = {"claimant": ("c.claimant",), "location": ("c.location",), "outlet": ("d.outlet",),
             "text": ("c.evidence_text", "c.claimant", "c.subject", "c.location", "d.title")}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimFilter:
    """Which claims to return. ``since``/``until`` (ISO dates) keep claims whose period
    (``period_start``..``period_end``, else the report's date) overlaps the window."""

    claimant: str | None = None
    claimant_party: str | Sequence[str] | None = None
    subject_party: str | Sequence[str] | None = None
    category: str | Sequence[str] | None = None
    modality: str | Sequence[str] | None = None
    period_kind: str | Sequence[str] | None = None
    qualifier: str | Sequence[str] | None = None
    review_status: str | Sequence[str] | None = None
    document_id: str | Sequence[str] | None = None
    assertion_id: str | Sequence[str] | None = None
    since: str | None = None
    until: str | None = None
    location: str | None = None
    outlet: str | None = None
    text: str | None = None
    include_rejected: bool = False
    limit: int | None = None
    offset: int = 0

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _DATE.match(str(value)):
                raise ConfigError(f"--{name} must be a date YYYY-MM-DD, not {value!r}")
        if self.limit is not None and self.limit < 0 or self.offset < 0:
            raise ConfigError("limit and offset must not be negative")

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause (without the keyword; ``1 = 1`` when empty) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        for name, column in EXACT.items():
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                continue
            values = [value] if isinstance(value, str) else list(value)
            parts.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
        for name, columns in SUBSTRING.items():
            value = getattr(self, name)
            if value:
                pattern = "%" + _escape_like(str(value).lower()) + "%"
                parts.append("(" + " OR ".join(f"LOWER(COALESCE({c}, '')) LIKE ? ESCAPE '\\'" for c in columns) + ")")
                params.extend([pattern] * len(columns))
        if self.since:
            parts.append("COALESCE(c.period_end, c.period_start, d.published) >= ?")
            params.append(self.since)
        if self.until:
            parts.append("COALESCE(c.period_start, c.period_end, d.published) <= ?")
            params.append(self.until)
        if not self.include_rejected and self.review_status is None:
            parts.append("c.review_status <> ?")
            params.append("rejected")
        return (" AND ".join(parts) or "1 = 1"), params

    def page(self) -> tuple[str, list[Any]]:
        """LIMIT/OFFSET clause and parameters."""
        if self.limit is None and not self.offset:
            return "", []
        limit = self.limit if self.limit is not None else 2**62  # both databases need a LIMIT before OFFSET
        return "LIMIT ? OFFSET ?", [limit, self.offset]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
