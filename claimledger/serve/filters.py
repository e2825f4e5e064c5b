"""Claim filters from a request's query string, shared by the pages and the JSON API.

Empty values (an untouched form field) mean "no filter". A value that cannot be a filter is
answered with 422 and the reason: a day that is not YYYY-MM-DD or that no calendar has fails the
parameter's validation; an unknown category, too many values or too long a value raises
ConfigError. Paging numbers are bounded so that whatever a client sends fits the databases'
64-bit integers.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from ..errors import ConfigError
from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS, QUALIFIERS
from ..store import ClaimFilter

REVIEW_STATUSES = ("unreviewed", "confirmed", "corrected", "rejected")
#: Filter parameter -> the values it may take (None: free text).
CHOICES: dict[str, Sequence[str]] = {"category": CATEGORIES, "modality": MODALITIES,
                                     "period_kind": PERIOD_KINDS, "qualifier": QUALIFIERS,
                                     "review_status": REVIEW_STATUSES}
#: The largest page offset: far past any ledger, far inside a 64-bit integer (SQLite, PostgreSQL).
MAX_OFFSET = 1_000_000_000
#: Longest free-text value, most values of one repeatable filter, longest id in a path.
MAX_TEXT = 300
MAX_VALUES = 50
MAX_KEY = 64
#: Characters of a refused value quoted back in the error message.
SHOWN = 40

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown(value: str) -> str:
    """A refused value as an error message quotes it: repr, cut short."""
    return repr(value) if len(value) <= SHOWN else repr(value[:SHOWN]) + f"... ({len(value)} characters)"


def as_day(value: str | None) -> str | None:
    """A day written YYYY-MM-DD, or None for a blank form field; refuses '2024-13-01'."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        real = bool(_ISO_DAY.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        real = False
    if not real:
        raise PydanticCustomError("day", "{value} is not a day YYYY-MM-DD", {"value": shown(value)})
    return value


Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Claims to skip before the page")]
#: An optional day parameter; blank means none.
Day = Annotated[str | None, AfterValidator(as_day)]
#: A claim's or document's id in a path (ids are short hashes), and a name in a path.
IdPath = Annotated[str, Path(max_length=MAX_KEY)]
NamePath = Annotated[str, Path(max_length=MAX_TEXT)]

#: Query parameters that select claims (``q`` is the full-text search).
FILTER_PARAMS = ("claimant", "claimant_party", "subject_party", "category", "modality", "period_kind",
                 "qualifier", "review_status", "since", "until", "location", "outlet", "q", "include_rejected")


def claim_filter(
    claimant: Annotated[str | None, Query(max_length=300, description="Claimant name contains this")] = None,
    claimant_party: Annotated[list[str], Query(description="Claimant's side; repeatable")] = [],  # noqa: B006
    subject_party: Annotated[list[str], Query(description="Whose losses; repeatable")] = [],  # noqa: B006
    category: Annotated[list[str], Query(description="Claim category; repeatable")] = [],  # noqa: B006
    modality: Annotated[list[str], Query(description="claimed, acknowledged, ...; repeatable")] = [],  # noqa: B006
    period_kind: Annotated[list[str], Query(description="event, period or cumulative")] = [],  # noqa: B006
    qualifier: Annotated[list[str], Query(description="exact, at_least, about, range, vague, ...")] = [],  # noqa: B006
    review_status: Annotated[list[str], Query(description="unreviewed, confirmed, corrected, rejected")] = [],  # noqa: B006
    since: Annotated[Day, Query(description="Period ends on or after this day (YYYY-MM-DD)")] = None,
    until: Annotated[Day, Query(description="Period starts on or before this day (YYYY-MM-DD)")] = None,
    location: Annotated[str | None, Query(max_length=300, description="Place contains this")] = None,
    outlet: Annotated[str | None, Query(max_length=300, description="Outlet contains this")] = None,
    q: Annotated[str | None, Query(max_length=300, description="Full text: evidence, claimant, subject, "
                                                               "place or title contains this")] = None,
    include_rejected: Annotated[bool, Query(description="Also claims a reviewer rejected")] = False,
) -> ClaimFilter:
    """The claim filter a request asks for (a FastAPI dependency)."""
    lists = {"claimant_party": claimant_party, "subject_party": subject_party, "category": category,
             "modality": modality, "period_kind": period_kind, "qualifier": qualifier,
             "review_status": review_status}
    chosen: dict[str, Any] = {name: _checked(name, values) for name, values in lists.items()}
    texts = {"claimant": claimant, "since": since, "until": until, "location": location, "outlet": outlet,
             "text": q}
    chosen.update({name: value.strip() for name, value in texts.items() if value and value.strip()})
    try:
        return ClaimFilter(**{k: v for k, v in chosen.items() if v}, include_rejected=include_rejected)
    except ConfigError as exc:
        # The store names the CLI option (--since); here it is a query parameter.
        raise ConfigError(str(exc).replace("--", "")) from exc


def _checked(name: str, values: Iterable[str]) -> list[str]:
    clean = [v.strip() for v in values if v and v.strip()]
    if len(clean) > MAX_VALUES:
        # Each value is one SQL parameter; the databases cap how many one query may hold.
        raise ConfigError(f"{name}: at most {MAX_VALUES} values, not {len(clean)}")
    allowed = CHOICES.get(name)
    for value in clean:
        if allowed is not None and value not in allowed:
            raise ConfigError(f"{name}: {shown(value)} is not one of {', '.join(allowed)}")
        if len(value) > MAX_TEXT:
            raise ConfigError(f"{name}: at most {MAX_TEXT} characters, not {len(value)}")
    return clean


def paged(f: ClaimFilter, *, limit: int, offset: int) -> ClaimFilter:
    return replace(f, limit=limit, offset=offset)


def filter_query(request: Request, **changes: Any) -> str:
    """The request's filter parameters (not paging) as a query string, with ``changes`` applied.

    A change to None removes the parameter; a list sets it repeated.
    """
    params: dict[str, list[str]] = {}
    for key in FILTER_PARAMS:
        values = [v for v in request.query_params.getlist(key) if v.strip()]
        if values:
            params[key] = values
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    return urlencode([(k, v) for k, vs in params.items() for v in vs])


def active_filters(request: Request) -> defaultdict[str, list[str]]:
    """Filter parameter -> values for the filters a request sets (to show and undo them); an
    unset filter reads as an empty list."""
    active: defaultdict[str, list[str]] = defaultdict(list)
    for key in FILTER_PARAMS:
        if values := [v for v in request.query_params.getlist(key) if v.strip()]:
            active[key] = values
    return active


def first(params: Mapping[str, list[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[0]
