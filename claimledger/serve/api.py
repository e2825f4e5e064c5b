"""The JSON API under ``/api``: claims, documents, facets, analyses and reviews."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..flow import review_claim
from ..store import ClaimFilter, Ledger
from ..store.review import MAX_NOTE, MAX_REVIEWER, log_lines
from .analyses import run_compare, run_flags, run_ratio, run_timeline
from .deps import get_ledger, require_write
from .downloads import export_file, read_chunks
from .filters import Day, IdPath, Offset, claim_filter, paged

router = APIRouter(prefix="/api", tags=["api"])

#: Columns with facet counts.
FACETS = ("claimant_party", "subject_party", "category", "modality", "period_kind", "review_status", "qualifier")

LedgerDep = Annotated[Ledger, Depends(get_ledger)]
FilterDep = Annotated[ClaimFilter, Depends(claim_filter)]
OptionalText = Annotated[str | None, Query(max_length=300)]


class ReviewRequest(BaseModel):
    """A review of one claim: confirm it, correct some of its fields, reject it, or un-reject it."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "correct", "reject", "unreject"]
    changes: dict[str, str | int | float | None] | None = Field(
        None, description="For 'correct': field -> new value (claim fields; see docs/web.md)")
    note: str = Field("", max_length=MAX_NOTE)
    reviewer: str = Field(..., min_length=1, max_length=MAX_REVIEWER, description="Who reviews (required)")

    @field_validator("changes")
    @classmethod
    def _changes_are_text(cls, changes: dict[str, Any] | None) -> dict[str, Any] | None:
        # JSON may escape lone surrogates ("\ud800"), which no database can store as text;
        # pydantic refuses them in plain str fields but not inside this union.
        for key, value in (changes or {}).items():
            for text in (key, value):
                if isinstance(text, str) and not _is_unicode(text):
                    raise ValueError(f"{key!r} holds a lone surrogate, which is not Unicode text")
        return changes


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@router.get("/claims", summary="Claims matching the filters (ledger rows), a page at a time")
def list_claims(ledger: LedgerDep, f: FilterDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Offset = 0) -> dict[str, Any]:
    return {"total": ledger.count_claims(f), "limit": limit, "offset": offset,
            "claims": ledger.claims(paged(f, limit=limit, offset=offset))}


@router.get("/claims.csv", summary="Every claim matching the filters as CSV (corrections applied)",
            response_class=StreamingResponse)
def claims_csv(ledger: LedgerDep, f: FilterDep) -> StreamingResponse:
    return _download(ledger, f, "csv")


@router.get("/claims.{fmt}", summary="Every claim matching the filters in an export format: jsonl, parquet, "
            "geojson, ucdp, acled, hxl (docs/exports.md)", response_class=StreamingResponse)
def claims_export(ledger: LedgerDep, f: FilterDep, fmt: Annotated[str, Path(max_length=20)]) -> StreamingResponse:
    return _download(ledger, f, fmt)


def _download(ledger: Ledger, f: ClaimFilter, fmt: str) -> StreamingResponse:
    fh, chosen = export_file(ledger.iter_claims(f), fmt)
    name = f"claims{chosen.suffix}"
    return StreamingResponse(read_chunks(fh), media_type=chosen.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/claims/{claim_id}", summary="One claim with its audit log")
def get_claim(ledger: LedgerDep, claim_id: IdPath) -> dict[str, Any]:
    row = ledger.claim(claim_id)
    if row is None:
        raise HTTPException(404, f"no claim {claim_id!r} in the ledger")
    return row


@router.get("/documents/{document_id}", summary="One document with its text and claims")
def get_document(ledger: LedgerDep, document_id: IdPath) -> dict[str, Any]:
    doc = ledger.document(document_id)
    if doc is None:
        raise HTTPException(404, f"no document {document_id!r} in the ledger")
    return {**doc, "claims": ledger.claims(document_id=document_id, include_rejected=True)}


@router.get("/facets", summary="Counts of each value of the facet columns among matching claims")
def facets(ledger: LedgerDep, f: FilterDep) -> dict[str, list[list[Any]]]:
    return {col: [[v, n] for v, n in ledger.facets(col, f)] for col in FACETS}


@router.get("/compare", summary="Every claimant's figure for one category of one side's losses over a window")
def compare(ledger: LedgerDep, subject_party: Annotated[str, Query(max_length=300)],
            category: Annotated[str, Query(max_length=50)], since: Annotated[Day, Query()] = None,
            until: Annotated[Day, Query()] = None,
            reference: OptionalText = None, by_party: bool = False, conflict: OptionalText = None,
            claimant: Annotated[list[str], Query(max_length=50)] = []) -> dict[str, Any]:  # noqa: B006
    return run_compare(ledger, subject_party=subject_party, category=category, since=since, until=until,
                       reference=reference, by_party=by_party, conflict=conflict, claimants=claimant[:2]).to_dict()


@router.get("/flags", summary="Figures that contradict the claimant's own other figures")
def flags(ledger: LedgerDep, f: FilterDep, conflict: OptionalText = None) -> list[dict[str, Any]]:
    return [flag.to_dict() for flag in run_flags(ledger, f, conflict=conflict)]


@router.get("/timeline", summary="Each claimant's series of figures over time")
def timeline(ledger: LedgerDep, f: FilterDep, by_party: bool = False,
             conflict: OptionalText = None) -> list[dict[str, Any]]:
    return [s.to_dict() for s in run_timeline(ledger, f, by_party=by_party, conflict=conflict)]


@router.get("/ratio", summary="One claimant's running total over another's (default: the best covered pair)")
def ratio(ledger: LedgerDep, numerator: OptionalText = None, denominator: OptionalText = None,
          category: OptionalText = None, subject_party: OptionalText = None, subject: OptionalText = None,
          numerator_modality: OptionalText = None, denominator_modality: OptionalText = None,
          max_lag: Annotated[int, Query(ge=0, le=366)] = 7, conflict: OptionalText = None) -> dict[str, Any]:
    view = run_ratio(ledger, numerator=numerator, denominator=denominator, category=category,
                     subject_party=subject_party, subject=subject, numerator_modality=numerator_modality,
                     denominator_modality=denominator_modality, max_lag_days=max_lag, conflict=conflict)
    return {"pair": view.choice.query() if view.choice else None, "points": [p.to_dict() for p in view.points],
            "pairs": [c.query() for c in view.choices]}


@router.post("/claims/{claim_id}/review", summary="Confirm, correct, reject or un-reject a claim "
             "(appended to its audit log)", dependencies=[Depends(require_write)])
def review(ledger: LedgerDep, claim_id: IdPath, body: ReviewRequest) -> dict[str, Any]:
    if ledger.claim(claim_id) is None:
        raise HTTPException(404, f"no claim {claim_id!r} in the ledger")
    return review_claim(ledger, claim_id, body.action, changes=body.changes, note=body.note, reviewer=body.reviewer)


@router.get("/review-queue", summary="Unreviewed claims matching the filters, least confident first")
def review_queue(ledger: LedgerDep, f: FilterDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Offset = 0) -> dict[str, Any]:
    total, rows = ledger.review_queue(f, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "claims": rows}


@router.get("/reviews.{fmt}", summary="The review log (every review, oldest first) as csv or jsonl",
            response_class=StreamingResponse)
def review_log(ledger: LedgerDep, fmt: Annotated[Literal["csv", "jsonl"], Path()]) -> StreamingResponse:
    # The log is read whole here: the ledger connection goes back to the pool when this returns.
    lines = list(log_lines(ledger.review_log(), fmt))
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    return StreamingResponse(iter(lines), media_type=kind,
                             headers={"Content-Disposition": f'attachment; filename="reviews.{fmt}"'})
