"""Human review of claims: confirm, correct, reject or un-reject, with an append-only audit log.

A correction is written over the claim's values (so it wins everywhere the claim is read)
and its old and new values go into ``reviews``; nothing in ``reviews`` is ever updated
or deleted. Every review names its reviewer. A rejected claim takes no other review until
it is explicitly un-rejected, so a correction never brings a rejected claim back unnoticed.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import ReviewError
from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS, QUALIFIERS
from . import keys
from .schema import now

if TYPE_CHECKING:
    from .ledger import Ledger

#: Each action and the status it leaves (un-reject restores the status before the rejection).
ACTIONS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected", "unreject": None}
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
MAX_REVIEWER = 200
#: The columns of the review log export, in order.
LOG_FIELDS = ("review_id", "at", "claim_id", "document_id", "action", "reviewer", "note", "changes",
              "claim_status")


def apply_review(ledger: Ledger, claim_id: str, action: str, *, changes: Mapping[str, Any] | None,
                 note: str, reviewer: str, parties: Iterable[str] = ()) -> None:
    """Validate and apply one review inside the caller's transaction.

    ``parties`` are the registry's sides: a corrected side must be one of them, one of
    SCHEMA.md's other sides, or one the ledger already holds.
    """
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; use one of {', '.join(ACTIONS)}")
    reviewer = reviewer.strip()
    if not reviewer:
        raise ReviewError("a review needs the reviewer's name")
    if len(note) > MAX_NOTE or len(reviewer) > MAX_REVIEWER:
        raise ReviewError(f"note or reviewer too long (at most {MAX_NOTE} and {MAX_REVIEWER} characters)")
    rows = ledger.db.execute("SELECT * FROM claims WHERE id = ?", (claim_id,))
    if not rows:
        raise ReviewError(f"no claim {claim_id!r} in the ledger")
    current = rows[0]
    _check_status(current, action)
    diff: dict[str, list[Any]] = {}
    if action == "correct":
        clean = {f: clean_value(f, v) for f, v in (changes or {}).items()}
        if not clean:
            raise ReviewError("a correction needs at least one changed field")
        clean.update({f: known_party(ledger, clean[f], parties) for f in _PARTIES if f in clean})
        _check_order({**current, **clean}, changed=clean.keys())
        diff = {f: [current[f], v] for f, v in clean.items() if current[f] != v}
        if not diff:
            raise ReviewError("the correction changes nothing")
    elif changes:
        raise ReviewError(f"only 'correct' takes changes, not {action!r}")
    status = ACTIONS[action] or status_before_rejection(_actions(ledger, claim_id))
    _write(ledger, current, status, diff)
    ledger.db.execute("INSERT INTO reviews (id, claim_id, action, changes, note, reviewer, at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (uuid.uuid4().hex, claim_id, action, json.dumps(diff, ensure_ascii=False) if diff else None,
                       note, reviewer, now()))


def _check_status(current: Mapping[str, Any], action: str) -> None:
    """A rejected claim is brought back only by 'unreject'; only a rejected claim can be un-rejected."""
    rejected = current["review_status"] == "rejected"
    if rejected and action in ("confirm", "correct"):
        raise ReviewError(f"claim {current['id']} is rejected: un-reject it first (action 'unreject'), "
                          f"then {action} it")
    if action == "unreject" and not rejected:
        raise ReviewError(f"claim {current['id']} is not rejected (it is {current['review_status']})")


def _actions(ledger: Ledger, claim_id: str) -> list[str]:
    rows = ledger.db.execute("SELECT action FROM reviews WHERE claim_id = ? ORDER BY at, id", (claim_id,))
    return [r["action"] for r in rows]


def status_before_rejection(actions: Sequence[str]) -> str:
    """The status a claim had just before its latest rejection, replaying its review log."""
    status, before = "unreviewed", "unreviewed"
    for action in actions:
        if action == "reject":
            before, status = status, "rejected"
        elif action == "unreject":
            status = before
        else:
            status = ACTIONS.get(action) or status
    return before


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
            raise ReviewError(f"{field} must be one of {', '.join(_CHOICES[field])}, not {value!r}"
                              + did_you_mean(str(value), _CHOICES[field]))
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


def known_party(ledger: Ledger, name: str, parties: Iterable[str] = ()) -> str:
    """``name`` as the ledger spells a side (case aside); a side nobody knows is refused.

    Known: ``parties`` (the registry's), SCHEMA.md's other sides, and every side the ledger
    already holds (a registry given at ingest may have added some). A typo is refused with
    the nearest known sides, never written as a new side.
    """
    known = {p.casefold(): p for p in (*parties, *SCHEMA_PARTIES)}
    rows = ledger.db.execute("SELECT DISTINCT claimant_party AS p FROM claims UNION "
                             "SELECT DISTINCT subject_party AS p FROM claims")
    for r in rows:
        if r["p"]:
            known.setdefault(r["p"].casefold(), r["p"])
    if name.casefold() in known:
        return known[name.casefold()]
    raise ReviewError(f"{name!r} is not a known side: use a party of the registry or the ledger"
                      + (did_you_mean(name, known.values()) or
                         f" ({', '.join(sorted(known.values(), key=str.casefold)[:12])}, ...)"))


def did_you_mean(given: str, choices: Iterable[str]) -> str:
    """'; did you mean X?' for the nearest choices (case aside), or '' when none is near."""
    by_fold = {c.casefold(): c for c in choices}
    near = difflib.get_close_matches(given.casefold(), list(by_fold), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(by_fold[n]) for n in near)}?" if near else ""


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


def log_lines(rows: Iterable[Mapping[str, Any]], fmt: str) -> Iterator[str]:
    """The review log as CSV (a header, then one row per review) or JSONL, line by line."""
    if fmt not in ("csv", "jsonl"):
        raise ReviewError(f"review log format must be csv or jsonl, not {fmt!r}")
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps({f: row[f] for f in LOG_FIELDS}, ensure_ascii=False) + "\n"
        return
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LOG_FIELDS)
    for row in rows:
        writer.writerow(["" if row[f] is None else _csv_cell(row[f]) for f in LOG_FIELDS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    # A spreadsheet runs a cell that starts like a formula: reviewers' notes are free text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
