"""The review queue page and reviews sent by a plain HTML form (no JavaScript needed).

With JavaScript the page's script sends the same forms to the JSON API instead. A form post
cannot carry the JSON content type the API demands against cross-site forms, so it carries
a token instead: an HMAC of a per-process secret, put into this server's own pages, which
another site's page cannot read. Cross-site ``Origin``/``Sec-Fetch-Site`` are refused as for
the API, and a server started with ``--token`` wants it in the form's ``token`` field.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..flow import review_claim
from ..store import CORRECTABLE, ClaimFilter, Ledger
from .deps import get_ledger, write_policy
from .filters import IdPath, Offset
from .security import is_cross_site
from .templating import render_template

router = APIRouter(include_in_schema=False)
LedgerDep = Annotated[Ledger, Depends(get_ledger)]
#: Claims per page of the queue.
QUEUE_PAGE = 25
#: Signs this process's form tokens; a restart invalidates open forms, which then say so.
_SECRET = secrets.token_bytes(32)


def form_token() -> str:
    """The token this server's review forms carry."""
    return hmac.new(_SECRET, b"claimledger review form", "sha256").hexdigest()


def form_context(request: Request) -> dict[str, Any]:
    """What a template needs to draw review forms."""
    policy = write_policy(request)
    return {"writable": policy.allow_writes, "token_required": policy.token is not None,
            "form_token": form_token()}


@router.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, ledger: LedgerDep, offset: Offset = 0,
               category: Annotated[str | None, Query(max_length=50)] = None,
               reviewed: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    total, rows = ledger.review_queue(ClaimFilter(category=category or None), limit=QUEUE_PAGE, offset=offset)
    html = render_template("review.html", request=request, path=request.url.path, rows=rows, total=total,
                           offset=offset, limit=QUEUE_PAGE, category=category or "", reviewed=reviewed,
                           next_url=_here(request),
                           **form_context(request))
    return HTMLResponse(html)


@router.post("/claims/{claim_id}/review")
async def review_form(request: Request, ledger: LedgerDep, claim_id: IdPath) -> RedirectResponse:
    """A review from an HTML form: applied, then back to the page it came from (303)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    _check_form(request, fields)
    if ledger.claim(claim_id) is None:
        raise HTTPException(404, f"no claim {claim_id!r} in the ledger")
    action = fields.get("action", "")
    changes = _changes(fields) if action == "correct" else None
    review_claim(ledger, claim_id, action, reviewer=fields.get("reviewer", ""), note=fields.get("note", ""),
                 changes=changes)
    back = _local(fields.get("next")) or f"/claims/{claim_id}"
    join = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{join}{urlencode({'reviewed': claim_id})}", status_code=303)


def _here(request: Request) -> str:
    """This page's address without the last review's notice, for the forms to come back to."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "reviewed"])
    return request.url.path + (f"?{query}" if query else "")


def _check_form(request: Request, fields: dict[str, str]) -> None:
    policy = write_policy(request)
    if not policy.allow_writes:
        raise HTTPException(403, "this server is read-only (started without writes: see docs/web.md)")
    if _cross_site_form(request):
        raise HTTPException(403, "cross-origin write refused: reviews can only be posted from this server's pages")
    if not hmac.compare_digest(fields.get("form_token", "").encode(), form_token().encode()):
        raise HTTPException(403, "this form is out of date (the server restarted): reload the page and review again")
    if policy.token is not None and not hmac.compare_digest(fields.get("token", "").encode(), policy.token.encode()):
        raise HTTPException(401, "this server needs its write token to accept reviews")


def _cross_site_form(request: Request) -> bool:
    # Under this server's no-referrer policy a browser sends "Origin: null" with its own
    # pages' form posts, so the browser's Sec-Fetch-Site (which it alone sets) decides when sent.
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site.lower() not in ("same-origin", "none")
    return is_cross_site(request)


def _changes(fields: dict[str, str]) -> dict[str, str]:
    """The fields the reviewer changed: each form field differs from its ``original.`` twin."""
    return {name: fields[name] for name in CORRECTABLE
            if name in fields and fields[name] != fields.get(f"original.{name}")}


def _local(url: str | None) -> str | None:
    """``url`` when it is a path on this server (never another site: no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    parts = urlsplit(url)
    return url if not parts.scheme and not parts.netloc else None

