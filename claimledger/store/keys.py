"""Stable ids: a claim from its document and position, an assertion from its merge key."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Claimant parties that do not identify a claimant on their own: their claims merge
#: only when the claimant's name matches too.
UNSPECIFIC_PARTIES = frozenset({"unknown", "other", "international"})

#: The fields that make two reported claims the same assertion.
ASSERTION_FIELDS = ("claimant_party", "claimant_key", "category", "value", "low", "high",
                    "subject_party", "period_kind", "period_start", "period_end")


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def claim_id(document_id: str, index: int) -> str:
    return _hash(document_id, str(index))


def error_id(source: str, reason: str) -> str:
    return _hash("error", source, reason)


def claimant_key(claim: Mapping[str, Any]) -> str:
    """The claimant's name counts only when the party alone says too little."""
    if claim["claimant_party"] in UNSPECIFIC_PARTIES:
        return " ".join(str(claim["claimant"]).lower().split())
    return ""


def assertion_key(claim: Mapping[str, Any]) -> dict[str, Any]:
    """Claimant party, category, figure, subject party and period: the same claim relayed."""
    key = {f: claim.get(f) for f in ASSERTION_FIELDS if f != "claimant_key"}
    key["claimant_key"] = claimant_key(claim)
    return key


def assertion_id(key: Mapping[str, Any]) -> str:
    return _hash(json.dumps([key[f] for f in ASSERTION_FIELDS], ensure_ascii=False))
