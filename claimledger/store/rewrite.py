"""Re-extraction's write: new claims over a stored document's old ones, reviews carried over.

A review is attached to a claim id, and the audit log is never rewritten, so the claim a
review belongs to must keep its id. Each old claim is matched to a new one by its identity
in the document: the evidence spans it was read from and the figure read there (category,
value, low, high), as the extractor first gave them (a reviewer's corrections undone).
When several claims share an identity they pair in document order. A claim whose category
was read differently still matches on its spans and figure alone.

* A matched claim keeps its id; it takes the new extractor's values, except the fields a
  reviewer corrected, and keeps its review status. When a reviewed claim's other fields
  change, it is listed for a second look (``recheck``).
* A new claim with no old match gets a fresh id; an unreviewed old claim with no match goes.
* A reviewed old claim with no match stays as the reviewer left it (the human's verdict is
  not thrown away) and is listed as ``orphaned``, so someone decides whether it still holds.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from ..models import CLAIM_FIELDS
from . import keys

if TYPE_CHECKING:
    from .ledger import Ledger, Prepared

#: Fields compared to tell whether re-extraction changed a claim (evidence is its identity).
_COMPARED = tuple(f for f in CLAIM_FIELDS if f not in ("evidence", "confidence", "part_of"))


@dataclass(slots=True)
class ReplaceReport:
    """What re-extraction did to the stored claims."""

    documents: int = 0
    claims_before: int = 0
    claims_after: int = 0
    #: Old claims matched to a new one (they keep their ids), and how many of them changed.
    claims_matched: int = 0
    claims_changed: int = 0
    claims_new: int = 0
    claims_removed: int = 0
    #: Reviewed claims whose review was carried over to their re-extracted claim.
    reviews_kept: int = 0
    #: Reviewed claims the new extractor no longer finds: kept as reviewed (dicts: see :func:`_orphan`).
    orphaned: list[dict[str, Any]] = field(default_factory=list)
    #: Reviewed claims whose unreviewed fields the new extractor read differently.
    recheck: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: ReplaceReport) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def replace_claims(ledger: Ledger, items: Sequence[Prepared], at: str) -> ReplaceReport:
    """Replace each document's claims inside the caller's transaction."""
    report = ReplaceReport()
    touched: set[str] = set()
    for item in {i.result.document.doc_id: i for i in items}.values():
        touched |= _replace_one(ledger, item, at, report)
    ledger.recount(touched)
    return report


def _replace_one(ledger: Ledger, item: Prepared, at: str, report: ReplaceReport) -> set[str]:
    """One document; returns the assertion ids whose counts must be redone."""
    from .ledger import _CLAIM_COLUMNS, _claim_rows
    doc = item.result.document
    old = ledger.db.execute("SELECT * FROM claims WHERE document_id = ? ORDER BY claim_index", (doc.doc_id,))
    logs = _review_logs(ledger, [c["id"] for c in old])
    originals = {c["id"]: _original(c, logs.get(c["id"], [])) for c in old}
    new = [(dict(zip(_CLAIM_COLUMNS, row)), key) for row, key in _claim_rows(item.result, at, item.extractor)]
    pairs = _match([originals[c["id"]] | {"id": c["id"]} for c in old], [row for row, _ in new])
    by_id = {c["id"]: c for c in old}
    kept_old = {cid for cid in by_id if cid in logs or cid in pairs.values()}
    ids = _assign_ids(doc.doc_id, len(new), pairs, taken=kept_old)

    report.documents += 1
    report.claims_before += len(old)
    rows: list[dict[str, Any]] = []
    for i, (row, _) in enumerate(new):
        row = {**row, "id": ids[i], "part_of": None}
        if i in pairs:
            row = _carry_review(row, by_id[pairs[i]], originals[pairs[i]], logs.get(pairs[i], []), report)
        rows.append(row)
    orphans = [by_id[cid] for cid in by_id if cid in logs and cid not in pairs.values()]
    report.orphaned += [_orphan(c, logs[c["id"]], doc.source or doc.doc_id) for c in orphans]
    report.claims_matched += len(pairs)
    report.claims_new += len(new) - len(pairs)
    report.claims_removed += len(by_id) - len(kept_old)
    report.claims_after += len(new) + len(orphans)

    _write(ledger, doc.doc_id, rows, pairs, orphans, set(by_id) - kept_old, item)
    _update_document(ledger, item)
    return {c["assertion_id"] for c in old} | {r["assertion_id"] for r in rows}


def _review_logs(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    logs: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start:start + 500]
        rows = ledger.db.execute("SELECT claim_id, action, changes, reviewer, at FROM reviews "
                                 f"WHERE claim_id IN ({', '.join('?' for _ in chunk)}) ORDER BY at, id", chunk)
        for r in rows:
            r["changes"] = json.loads(r["changes"]) if r["changes"] else {}
            logs.setdefault(r["claim_id"], []).append(r)
    return logs


def _original(claim: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The claim as the extractor wrote it: each correction undone, latest first."""
    values = dict(claim)
    for review in reversed(log):
        for name, (before, _after) in review["changes"].items():
            values[name] = before
    return values


def _identity(row: Mapping[str, Any], *, with_category: bool) -> tuple[Any, ...]:
    evidence = row["evidence"]
    spans = tuple((e["start"], e["end"]) for e in (json.loads(evidence) if isinstance(evidence, str) else evidence))
    figure = (row["value"], row["low"], row["high"])
    return (spans, row["category"], *figure) if with_category else (spans, *figure)


def _match(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """New claim index -> old claim id: by full identity first, then by spans and figure alone."""
    pairs: dict[int, str] = {}
    for with_category in (True, False):
        waiting: dict[tuple[Any, ...], list[str]] = {}
        for o in old:
            if o["id"] not in pairs.values():
                waiting.setdefault(_identity(o, with_category=with_category), []).append(o["id"])
        for i, n in enumerate(new):
            if i not in pairs and (queue := waiting.get(_identity(n, with_category=with_category))):
                pairs[i] = queue.pop(0)
    return pairs


def _assign_ids(doc_id: str, count: int, pairs: Mapping[int, str], *, taken: set[str]) -> list[str]:
    """Matched claims keep their old id; the others get the usual id unless a kept claim holds it."""
    used = set(taken)
    ids = []
    for i in range(count):
        if i in pairs:
            ids.append(pairs[i])
            continue
        cid, salt = keys.claim_id(doc_id, i), 0
        while cid in used or cid in pairs.values():
            salt += 1
            cid = hashlib.sha256(f"{doc_id}\x1f{i}\x1freextract\x1f{salt}".encode()).hexdigest()[:16]
        used.add(cid)
        ids.append(cid)
    return ids


def _carry_review(row: dict[str, Any], current: Mapping[str, Any], original: Mapping[str, Any],
                  log: Sequence[Mapping[str, Any]], report: ReplaceReport) -> dict[str, Any]:
    """The re-extracted row with the reviewer's corrections and status put back on it."""
    changed = [f for f in _COMPARED if row[f] != original[f]]
    report.claims_changed += bool(changed)
    if not log:
        return row
    corrected = {name for review in log for name in review["changes"]}
    row = {**row, **{f: current[f] for f in corrected}, "review_status": current["review_status"]}
    key = keys.assertion_key(row)
    row["assertion_id"] = keys.assertion_id(key)
    report.reviews_kept += 1
    if unreviewed := [f for f in changed if f not in corrected]:
        report.recheck.append({"claim_id": row["id"], "status": current["review_status"], "fields": {
            f: [original[f], row[f]] for f in unreviewed}})
    return row


def _orphan(claim: Mapping[str, Any], log: Sequence[Mapping[str, Any]], source: str) -> dict[str, Any]:
    return {"claim_id": claim["id"], "document_id": claim["document_id"], "source": source,
            "status": claim["review_status"], "reviewers": sorted({r["reviewer"] for r in log}),
            "actions": [r["action"] for r in log],
            "claim": f"{claim['claimant']} ({claim['claimant_party']}): {claim['category']} "
                     f"{claim['value'] if claim['value'] is not None else 'vague'}"}


def _write(ledger: Ledger, doc_id: str, rows: Sequence[dict[str, Any]], pairs: Mapping[int, str],
           orphans: Sequence[Mapping[str, Any]], gone: Iterable[str], item: Prepared) -> None:
    """The new rows in place of the old, without ever breaking a reference on the way."""
    from .ledger import _CLAIM_COLUMNS
    db = ledger.db
    # Free the claim numbers (each document numbers its claims from 0) and drop the links
    # between claims, which are set again at the end.
    db.execute("UPDATE claims SET claim_index = -1 - claim_index, part_of = NULL WHERE document_id = ?", (doc_id,))
    gone = sorted(gone)
    for start in range(0, len(gone), 500):
        chunk = gone[start:start + 500]
        db.execute(f"DELETE FROM claims WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)
    ledger._upsert_keys({r["assertion_id"]: keys.assertion_key(r) for r in rows})
    matched = set(pairs)
    columns = [c for c in _CLAIM_COLUMNS if c not in ("id", "document_id")] + ["review_status"]
    db.executemany(f"UPDATE claims SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                   [(*[r.get(c, "unreviewed") for c in columns], r["id"]) for i, r in enumerate(rows)
                    if i in matched])
    db.executemany(f"INSERT INTO claims ({', '.join(_CLAIM_COLUMNS)}) VALUES ({', '.join('?' for _ in _CLAIM_COLUMNS)})",
                   [tuple(r[c] for c in _CLAIM_COLUMNS) for i, r in enumerate(rows) if i not in matched])
    db.executemany("UPDATE claims SET claim_index = ? WHERE id = ?",
                   [(len(rows) + k, c["id"]) for k, c in enumerate(orphans)])
    links = _links(rows, item, orphans)
    db.executemany("UPDATE claims SET part_of = ? WHERE id = ?", [(total, cid) for cid, total in links.items()])


def _links(rows: Sequence[Mapping[str, Any]], item: Prepared,
           orphans: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Breakdown id -> its total's id: the new extraction's links, and the orphans' links that still lead somewhere."""
    ids = [r["id"] for r in rows]
    links = {ids[i]: ids[c.part_of] for i, c in enumerate(item.result.claims) if c.part_of is not None}
    alive = {*ids, *(o["id"] for o in orphans)}
    links.update({o["id"]: o["part_of"] for o in orphans if o["part_of"] in alive})
    return links


def _update_document(ledger: Ledger, item: Prepared) -> None:
    """The document's outlet and date (re-extraction may set them) and its warnings, as read now."""
    doc = item.result.document
    ledger.db.execute("UPDATE documents SET outlet = ?, published = ?, date_source = ?, warnings = ?, filed_from = ? "
                      "WHERE id = ?",
                      (doc.outlet, doc.published, doc.date_source, json.dumps(list(dict.fromkeys(doc.warnings))),
                       doc.filed_from, doc.doc_id))
