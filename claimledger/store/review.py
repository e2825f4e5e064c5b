"""Human review of claims: confirm, correct or reject, with an append-only audit log.

A correction is written over the claim's values (so it wins everywhere the claim is read)
and its old and new values go into ``reviews``; nothing in ``reviews`` is ever updated
or deleted.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import ReviewError
from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS, QUALIFIERS
from . import keys
from .schema import now

if TYPE_CHECKING:
    from .ledger import Ledger

ACTIONS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
_TEXT = ("claimant", "claimant_party", "subject", "subject_party", "location", "notes")
_INT = ("value", "low", "high")
_FLOAT = ("latitude", "longitude")
_DATE = ("period_start", "period_end")
_CHOICES = {"category": CATEGORIES, "modality": MODALITIES, "qualifier": QUALIFIERS, "period_kind": PERIOD_KINDS}
#: Fields a reviewer may correct.
CORRECTABLE = (*_TEXT, *_INT, *_FLOAT, *_DATE, *_CHOICES)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIES = ("claimant_party", "subject_party")
#: Sides SCHEMA.md allows besides the registry's parties.
SCHEMA_PARTIES = ("media", "UN", "NGO", "other", "civilians", "unknown", "international")
MAX_NOTE = 4000


def apply_review(ledger: Ledger, claim_id: str, action: str, *, changes: Mapping[str, Any] | None,
                 note: str, reviewer: str) -> None:
    """Validate and apply one review inside the caller's transaction."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; use one of {', '.join(ACTIONS)}")
    if len(note) > MAX_NOTE or len(reviewer) > 200:
        raise ReviewError(f"note or reviewer too long (at most {MAX_NOTE} and 200 characters)")
    rows = ledger.db.execute("SELECT * FROM claims WHERE id = ?", (claim_id,))
    if not rows:
        raise ReviewError(f"no claim {claim_id!r} in the ledger")
    current = rows[0]
    diff: dict[str, list[Any]] = {}
    if action == "correct":
        clean = {f: clean_value(f, v) for f, v in (changes or {}).items()}
        if not clean:
            raise ReviewError("a correction needs at least one changed field")
        clean.update({f: known_party(ledger, clean[f]) for f in _PARTIES if f in clean})
        _check_order({**current, **clean}, changed=clean.keys())
        diff = {f: [current[f], v] for f, v in clean.items() if current[f] != v}
        if not diff:
            raise ReviewError("the correction changes nothing")
    elif changes:
        raise ReviewError(f"only 'correct' takes changes, not {action!r}")
    _write(ledger, current, ACTIONS[action], diff)
    ledger.db.execute("INSERT INTO reviews (id, claim_id, action, changes, note, reviewer, at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (uuid.uuid4().hex, claim_id, action, json.dumps(diff, ensure_ascii=False) if diff else None,
                       note, reviewer, now()))


def _write(ledger: Ledger, current: Mapping[str, Any], status: str, diff: Mapping[str, list[Any]]) -> None:
    updated = {**current, **{f: new for f, (_, new) in diff.items()}}
    key = keys.assertion_key(updated)
    new_aid = keys.assertion_id(key)
    sets = {**{f: new for f, (_, new) in diff.items()}, "review_status": status, "assertion_id": new_aid}
    if new_aid != current["assertion_id"]:
        ledger._upsert_keys({new_aid: key})
    cols = sorted(sets)
    ledger.db.execute(f"UPDATE claims SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                      (*[sets[c] for c in cols], current["id"]))
    ledger.recount({current["assertion_id"], new_aid})


def clean_value(field: str, value: Any) -> Any:
    """A reviewer's value for ``field``, checked and typed; empty text means 'none'."""
    if field not in CORRECTABLE:
        raise ReviewError(f"{field!r} cannot be corrected; fields: {', '.join(CORRECTABLE)}")
    if isinstance(value, str):
        value = value.strip()
        if value == "" and field not in _CHOICES and field not in ("claimant", "claimant_party", "subject",
                                                                     "subject_party"):
            return None
    if field in _CHOICES:
        if value not in _CHOICES[field]:
            raise ReviewError(f"{field} must be one of {', '.join(_CHOICES[field])}, not {value!r}")
        return value
    if field in _INT:
        return _as_int(field, value)
    if field in _FLOAT:
        return _as_float(field, value)
    if field in _DATE:
        return _as_date(field, value)
    if not isinstance(value, str) or not value or len(value) > 500:
        raise ReviewError(f"{field} must be non-empty text of at most 500 characters")
    return value


def _as_date(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if not (isinstance(value, str) and _ISO.match(value)):
        raise ReviewError(f"{field} must be a date YYYY-MM-DD, not {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ReviewError(f"{field} {value} is not a day of the calendar") from None
    return value


def _check_order(claim: Mapping[str, Any], changed: Iterable[str]) -> None:
    """A corrected period must not end before it starts, nor a corrected range run backwards."""
    changed = set(changed)
    start, end = claim.get("period_start"), claim.get("period_end")
    if changed & {"period_start", "period_end"} and start and end and start > end:
        raise ReviewError(f"period_start {start} is after period_end {end}")
    low, high = claim.get("low"), claim.get("high")
    if changed & {"low", "high"} and low is not None and high is not None and low > high:
        raise ReviewError(f"low {low} is above high {high}")


def known_party(ledger: Ledger, name: str) -> str:
    """``name`` as the ledger spells a side (case aside); a side nobody knows is refused.

    Known: the registry's parties, SCHEMA.md's other sides, and every side the ledger
    already holds (a registry given at ingest may have added some).
    """
    known = {p.casefold(): p for p in (*registry_parties(), *SCHEMA_PARTIES)}
    if name.casefold() in known:
        return known[name.casefold()]
    rows = ledger.db.execute("SELECT DISTINCT claimant_party AS p FROM claims UNION "
                             "SELECT DISTINCT subject_party AS p FROM claims")
    in_ledger = {r["p"].casefold(): r["p"] for r in rows if r["p"]}
    if name.casefold() in in_ledger:
        return in_ledger[name.casefold()]
    shown = ", ".join(sorted(known.values(), key=str.casefold)[:12])
    raise ReviewError(f"{name!r} is not a known side: use a party of the registry or the ledger "
                      f"({shown}, ...)")


@lru_cache(maxsize=1)
def registry_parties() -> tuple[str, ...]:
    """The shipped registry's party names (loaded once per process)."""
    from ..extract.registry import load_registry
    return tuple(load_registry().parties)


def _as_int(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ReviewError(f"{field} must be a whole number")
    try:
        number = int(str(value).replace(",", "")) if not isinstance(value, int) else value
    except ValueError:
        raise ReviewError(f"{field} must be a whole number, not {value!r}") from None
    if not 0 <= number < 10**15:
        raise ReviewError(f"{field} out of range: {number}")
    return number


def _as_float(field: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ReviewError(f"{field} must be a number, not {value!r}") from None
    limit = 90 if field == "latitude" else 180
    if not -limit <= number <= limit:
        raise ReviewError(f"{field} must lie within ±{limit}")
    return number
