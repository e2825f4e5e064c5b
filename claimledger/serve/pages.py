"""The server-rendered pages: claims, documents, claims in detail, claimants, analyses."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ..analyze import build_series
from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS, QUALIFIERS
from ..store import CORRECTABLE, ClaimFilter, Ledger
from ..analyze import registry_conflicts
from ..analyze.scope import prepared_claims
from .analyses import claimant_rows, claimants, run_compare, run_flags, run_ratio
from .api import FACETS
from .charts import compare_chart, ratio_chart, timeline_chart
from .choices import main_pairs
from .deps import get_ledger
from .filters import Day, IdPath, NamePath, Offset, active_filters, claim_filter, filter_query, paged
from .review_pages import form_context
from .review_pages import router as review_router
from .templating import render_template
from .views import evidence_in_context, highlight

router = APIRouter(include_in_schema=False)
router.include_router(review_router)   # the review queue and reviews posted by plain forms

LedgerDep = Annotated[Ledger, Depends(get_ledger)]
FilterDep = Annotated[ClaimFilter, Depends(claim_filter)]
OptionalText = Annotated[str | None, Query(max_length=300)]
#: Facets shown beside the claims table (qualifier is in the API only).
PAGE_FACETS = tuple(c for c in FACETS if c != "qualifier")
WEB_LINK = "/claims/"


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_template(template, request=request, path=request.url.path, **context))


@router.get("/", response_class=HTMLResponse)
def claims_page(request: Request, ledger: LedgerDep, f: FilterDep, offset: Offset = 0,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> HTMLResponse:
    total = ledger.count_claims(f)
    rows = ledger.claims(paged(f, limit=limit, offset=offset))
    # Each facet counts under every filter but its own, so its other values stay reachable.
    facets = {col: ledger.facets(col, replace(f, **{col: None})) for col in PAGE_FACETS}
    query = filter_query(request)
    return render(request, "claims.html", rows=rows, total=total, offset=offset, limit=limit, facets=facets,
                  active=active_filters(request), query=query, filter_query=lambda **kw: filter_query(request, **kw),
                  counts=ledger.counts())


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, ledger: LedgerDep, document_id: IdPath) -> HTMLResponse:
    doc = ledger.document(document_id)
    if doc is None:
        raise HTTPException(404, f"no document {document_id!r} in the ledger")
    claims = sorted(ledger.claims(document_id=document_id, include_rejected=True), key=lambda r: r["claim_index"])
    return render(request, "document.html", doc=doc, claims=claims, text=highlight(doc["text"] or "", claims))


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, ledger: LedgerDep, claim_id: IdPath,
               reviewed: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    row = ledger.claim(claim_id)
    if row is None:
        raise HTTPException(404, f"no claim {claim_id!r} in the ledger")
    doc = ledger.document(row["document_id"]) or {}
    siblings = ledger.claims(document_id=row["document_id"], include_rejected=True)
    relays = [r for r in ledger.claims(assertion_id=row["assertion_id"], include_rejected=True)
              if r["claim_id"] != claim_id]
    total = next((r for r in siblings if r["claim_id"] == row["part_of"]), None) if row["part_of"] else None
    return render(request, "claim.html", row=row, doc=doc, relays=relays, total=total,
                  parts=[r for r in siblings if r["part_of"] == claim_id],
                  contexts=evidence_in_context(doc.get("text") or "", row), audit=row["audit"],
                  correctable=CORRECTABLE, choices=_choices(), reviewed=reviewed == claim_id,
                  **form_context(request))


def _choices() -> dict[str, tuple[str, ...]]:
    return {"category": CATEGORIES, "modality": MODALITIES, "qualifier": QUALIFIERS, "period_kind": PERIOD_KINDS}


@router.get("/claimants", response_class=HTMLResponse)
def claimants_page(request: Request, ledger: LedgerDep, claimant: OptionalText = None,
                   claimant_party: OptionalText = None) -> HTMLResponse:
    if not claimant and not claimant_party:
        return render(request, "claimants.html", claimants=claimants(ledger, ClaimFilter()))
    return _claimant_view(request, ledger, claimant, claimant_party)


@router.get("/claimants/{name}", response_class=HTMLResponse)
def claimant_page(request: Request, ledger: LedgerDep, name: NamePath,
                  claimant_party: OptionalText = None) -> HTMLResponse:
    return _claimant_view(request, ledger, name, claimant_party)


def _claimant_view(request: Request, ledger: Ledger, name: str | None, party: str | None) -> HTMLResponse:
    rows = claimant_rows(ledger, name, party)
    if not rows:
        raise HTTPException(404, f"no claims by {name or party!r} in the ledger")
    by_thing: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for s in build_series(rows):
        by_thing[(s.category, s.subject_party, s.subject or "")].append(s)
    charts = [timeline_chart(members, target=f"chart-{i}", link=WEB_LINK,
                             title=f"{category.replace('_', ' ')} of {side}" + (f": {thing}" if thing else ""))
              for i, ((category, side, thing), members) in enumerate(sorted(by_thing.items()))]
    return render(request, "claimant.html", name=name, party=party, rows=rows[:500], total=len(rows),
                  charts=charts, parties=sorted({r["claimant_party"] for r in rows}))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, ledger: LedgerDep, subject_party: OptionalText = None,
                 category: OptionalText = None, since: Annotated[Day, Query()] = None,
                 until: Annotated[Day, Query()] = None, reference: OptionalText = None,
                 conflict: OptionalText = None,
                 claimant: Annotated[list[str], Query(max_length=50)] = []) -> HTMLResponse:  # noqa: B006
    result = chart = None
    if subject_party and category:
        result = run_compare(ledger, subject_party=subject_party, category=category, since=since, until=until,
                             reference=reference, conflict=conflict, claimants=claimant[:2])
        chart = compare_chart(result, target="chart-compare", link=WEB_LINK)
    return render(request, "compare.html", result=result, charts=[chart] if chart else [],
                  pairs=main_pairs(prepared_claims(ledger), limit=20), conflicts=_conflict_names(),
                  form={"subject_party": subject_party or "", "category": category or "", "since": since or "",
                        "until": until or "", "reference": reference or "",
                        "conflict": (result.conflict if result else conflict) or "",
                        "claimants": [*claimant[:2], "", ""][:2]},
                  parties=[v for v, _ in ledger.facets("subject_party", ClaimFilter())])


def _conflict_names() -> list[str]:
    return [c.name for c in registry_conflicts()]


@router.get("/flags", response_class=HTMLResponse)
def flags_page(request: Request, ledger: LedgerDep, f: FilterDep, conflict: OptionalText = None) -> HTMLResponse:
    return render(request, "flags.html", flags=run_flags(ledger, f, conflict=conflict), conflict=conflict or "",
                  conflicts=_conflict_names())


@router.get("/reference", response_class=HTMLResponse)
def reference_page(request: Request, ledger: LedgerDep, numerator: OptionalText = None,
                   denominator: OptionalText = None, category: OptionalText = None,
                   subject_party: OptionalText = None, subject: OptionalText = None,
                   numerator_modality: OptionalText = None, denominator_modality: OptionalText = None,
                   conflict: OptionalText = None,
                   max_lag: Annotated[int, Query(ge=0, le=366)] = 7) -> HTMLResponse:
    view = run_ratio(ledger, numerator=numerator, denominator=denominator, category=category,
                     subject_party=subject_party, subject=subject, numerator_modality=numerator_modality,
                     denominator_modality=denominator_modality, max_lag_days=max_lag, conflict=conflict)
    charts = []
    if view.choice and view.points:
        c = view.choice
        charts.append(ratio_chart(view.points, numerator=c.numerator, denominator=c.denominator,
                                  target="chart-ratio", link=WEB_LINK, title=c.label))
    return render(request, "reference.html", view=view, charts=charts, max_lag=max_lag)


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    endpoints = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                  "params": [p["name"] for p in op.get("parameters", [])]}
                 for path, ops in spec.get("paths", {}).items() for method, op in ops.items()]
    return render(request, "api.html", endpoints=endpoints, title=spec.get("info", {}).get("title", ""))
