"""Presentation helpers shared by the web pages and the HTML report.

Report text is untrusted: everything here returns plain strings (escaped by the templates)
or :class:`markupsafe.Markup` built by escaping each piece of text on its own, never by
pasting text into markup.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

Row = Mapping[str, Any]

QUALIFIER_WORDS = {"at_least": "at least", "more_than": "more than", "about": "about", "up_to": "up to",
                   "fewer_than": "fewer than"}
#: Characters of document text shown on each side of an evidence span on a claim's page.
CONTEXT_CHARS = 280


def figure_text(row: Row) -> str:
    """A claim's number as a reader says it: '1,200', 'at least 24', '20–30', 'vague'."""
    if row.get("qualifier") == "range":
        return f"{_int(row.get('low'))}–{_int(row.get('high'))}"
    value = row.get("value")
    if value is None:
        return "vague"
    words = QUALIFIER_WORDS.get(str(row.get("qualifier")))
    return f"{words} {_int(value)}" if words else _int(value)


def number_text(value: float | int | None, digits: int = 1) -> str:
    """A computed figure: whole numbers without decimals, others with ``digits``; '–' for none."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"


def _int(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def period_text(row: Row) -> str:
    """'event 2024-03-01', 'period 2024-02-04..2024-02-11', 'cumulative ..2024-02-12'."""
    kind = str(row.get("period_kind") or "")
    start, end = row.get("period_start"), row.get("period_end")
    if not start and not end:
        return kind
    if start == end:
        return f"{kind} {start}"
    return f"{kind} {start or '?'}..{end or '?'}"


def safe_url(url: Any) -> str | None:
    """The URL when it is an http(s) address (fit for an ``href``), else None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def locate_evidence(text: str, claim: Row) -> list[tuple[int, int]]:
    """Where a claim's evidence lies in its document's text.

    The stored offsets are used when they still point at the evidence text; otherwise the
    text is searched for (a span that is not found is left out).
    """
    spans = []
    for ev in claim.get("evidence") or []:
        start, end, quote = ev.get("start"), ev.get("end"), ev.get("text") or ""
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
                and (not quote or text[start:end] == quote):
            spans.append((start, end))
        elif quote and (found := text.find(quote)) >= 0:
            spans.append((found, found + len(quote)))
    return spans


def highlight(text: str, claims: Sequence[Row]) -> Markup:
    """The document text with each claim's evidence in ``<mark>``.

    The text is cut at every span boundary; each piece is escaped on its own and wrapped in
    ``<mark class="ev" data-claims="...">`` when evidence covers it. The piece where a claim's
    first span starts also gets ``<mark id="claim-<id>">`` (nested when claims share it), so
    ``#claim-<id>`` scrolls to it.
    """
    spans = [(s, e, str(c["claim_id"])) for c in claims for s, e in locate_evidence(text, c)]
    anchors: dict[int, list[str]] = {}
    for cid, start in _first_starts(spans).items():
        anchors.setdefault(start, []).append(cid)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        piece = Markup(escape(text[a:b]))
        covering = _unique(cid for s, e, cid in spans if s <= a and b <= e)
        if covering:
            piece = Markup('<mark class="ev" data-claims="{}">{}</mark>').format(" ".join(covering), piece)
        for cid in anchors.get(a, []):
            piece = Markup('<mark class="anchor" id="claim-{}">{}</mark>').format(cid, piece)
        pieces.append(piece)
    return Markup("").join(pieces)


def _first_starts(spans: Iterable[tuple[int, int, str]]) -> dict[str, int]:
    first: dict[str, int] = {}
    for start, _, cid in spans:
        first[cid] = min(start, first.get(cid, start))
    return first


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def evidence_in_context(text: str, claim: Row, *, width: int = CONTEXT_CHARS) -> list[dict[str, str]]:
    """Each evidence span with the text around it: ``{"before", "quote", "after"}``."""
    out = []
    for start, end in locate_evidence(text, claim):
        lo, hi = max(0, start - width), min(len(text), end + width)
        before = ("…" if lo else "") + text[lo:start]
        after = text[end:hi] + ("…" if hi < len(text) else "")
        out.append({"before": before, "quote": text[start:end], "after": after})
    return out


def claim_summary(row: Row) -> str:
    """One line naming a claim: 'Hamas (Palestinians) claimed 20 killed of Israeli soldiers (Israel)'."""
    return (f"{row.get('claimant')} ({row.get('claimant_party')}) {row.get('modality')} {figure_text(row)} "
            f"{row.get('category')}: {row.get('subject')} ({row.get('subject_party')})")


def fold(name: Any) -> str:
    """A name folded so that case and spacing variants compare equal."""
    return " ".join(str(name or "").split()).casefold()


def claim_date(row: Row) -> str:
    """The day a claim is about (its period's end, else start), else its report's date."""
    return str(row.get("period_end") or row.get("period_start") or row.get("published") or "")
