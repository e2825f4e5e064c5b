"""Plotly figures (plain dicts) for timelines, comparisons and ratios, and how to embed them.

A chart is ``{"target", "data", "layout", "link"}``: the id of the element to draw in, the
plotly traces and layout, and the link prefix a clicked point goes to (``/claims/`` in the
web app, ``#ev-`` in the report) followed by the point's ``customdata`` (a claim id). Pages
embed charts as JSON in ``<script type="application/json">`` and a static script draws
them, so no inline script is needed.

Plotly reads a little HTML in trace names and hover text (``<b>``, ``<a href>``), so every
text from the ledger is HTML-escaped before it goes into a figure.
"""
from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ..analyze import Comparison, Point, RatioPoint, Series
from .views import QUALIFIER_WORDS, number_text

Chart = dict[str, Any]


def plot_text(value: Any) -> str:
    """Text for a plotly label: escaped, so that markup in it is shown, not interpreted."""
    return html.escape(str(value), quote=False)


def embed_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` appears raw,
    so no text in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    for raw, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return Markup(text)


def chart(target: str, title: str, traces: list[dict[str, Any]], *, link: str, y_title: str = "",
          x_type: str = "date", extra_layout: Mapping[str, Any] | None = None) -> Chart:
    xaxis: dict[str, Any] = {"type": x_type, "automargin": True}
    if x_type == "date":
        xaxis["tickformat"] = "%Y-%m-%d"  # claims are dated to the day: no hour ticks
    layout: dict[str, Any] = {
        "title": {"text": plot_text(title), "font": {"size": 15}},
        "xaxis": xaxis,
        "yaxis": {"title": {"text": plot_text(y_title)}, "rangemode": "tozero", "automargin": True},
        "margin": {"l": 60, "r": 30, "t": 50, "b": 50},
        "height": 380,
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
    }
    layout.update(extra_layout or {})
    return {"target": target, "data": traces, "layout": layout, "link": link}


def claim_ids(charts: Sequence[Chart]) -> set[str]:
    """Every claim id a set of charts links to."""
    return {c for ch in charts for trace in ch["data"] for c in trace.get("customdata") or [] if c}


# -- timelines ---------------------------------------------------------------------------------

def timeline_chart(series: Sequence[Series], *, target: str, title: str, link: str) -> Chart:
    """Running totals as lines and period/event figures as points, one pair of traces per series."""
    traces = [t for s in series for t in series_traces(s, named=len(series) > 1)]
    unit = series[0].category.replace("_", " ") if series else ""
    return chart(target, title, traces, link=link, y_title=unit)


def series_traces(s: Series, *, named: bool = True) -> list[dict[str, Any]]:
    label = f"{s.claimant} ({s.claimant_party}), {s.modality}" if named else s.modality
    if s.subject:
        label = f"{label}, {s.subject}"
    traces = []
    if s.cumulative:
        traces.append(_points_trace(list(s.cumulative), f"{label}: running total", mode="lines+markers"))
    if s.periods:
        traces.append(_points_trace(list(s.periods), f"{label}: period and event figures", mode="markers"))
    return traces


def _points_trace(points: list[Point], name: str, *, mode: str) -> dict[str, Any]:
    points = sorted(points, key=lambda p: p.day)
    return {
        "type": "scatter", "mode": mode, "name": plot_text(name),
        "x": [p.day.isoformat() for p in points], "y": [p.value for p in points],
        "customdata": [p.claim_ids[0] if p.claim_ids else "" for p in points],
        "hovertext": [plot_text(_point_hover(p)) for p in points], "hoverinfo": "text",
    }


def _point_hover(p: Point) -> str:
    words = QUALIFIER_WORDS.get(p.qualifier, "")
    figure = f"{words} {number_text(p.value)}".strip()
    if p.kind == "cumulative":
        since = f" since {p.start}" if p.start else ""
        return f"{figure}{since}, as of {p.day} ({len(p.document_ids)} report(s))"
    span = f"{p.start}..{p.day}" if p.start and p.start != p.day else str(p.day)
    return f"{figure} for {span} ({len(p.document_ids)} report(s))"


# -- comparisons and ratios ----------------------------------------------------------------------

def compare_chart(result: Comparison, *, target: str, link: str) -> Chart:
    """One bar per claimant and basis: its figure for the window."""
    rows = [r for r in result.rows if r.value is not None]
    trace = {
        "type": "bar", "name": plot_text(result.category),
        "x": [plot_text(r.label) for r in rows], "y": [r.value for r in rows],
        "customdata": [r.claim_ids[0] if r.claim_ids else "" for r in rows],
        "hovertext": [plot_text(f"{r.label}: {number_text(r.value)} from {r.claims} claim(s), "
                                f"{r.coverage:.0%} of the window") for r in rows],
        "hoverinfo": "text",
    }
    window = f"{result.since}..{result.until}" if result.since else "no dated figures"
    return chart(target, f"{result.category.replace('_', ' ')} of {result.subject_party}, {window}", [trace],
                 link=link, y_title=result.category.replace("_", " "), x_type="category")


def ratio_chart(points: Sequence[RatioPoint], *, numerator: str, denominator: str, target: str,
                link: str, title: str) -> Chart:
    """Both running totals on the left axis and their ratio on the right one."""
    def line(name: str, xs: list[str], ys: list[float], ids: list[str], **extra: Any) -> dict[str, Any]:
        return {"type": "scatter", "mode": "lines+markers", "name": plot_text(name), "x": xs, "y": ys,
                "customdata": ids, **extra}

    days = [p.day.isoformat() for p in points]
    # The denominator's own dates, once each (several numerator dates may share one).
    reference = {p.denominator_day: p for p in points}
    ref_days = sorted(reference)
    traces = [
        line(numerator, days, [p.numerator for p in points], [_first(p.numerator_claim_ids) for p in points]),
        line(denominator, [d.isoformat() for d in ref_days], [reference[d].denominator for d in ref_days],
             [_first(reference[d].denominator_claim_ids) for d in ref_days]),
        line("ratio", days, [p.ratio for p in points],
             [_first(p.numerator_claim_ids) for p in points], yaxis="y2", line={"dash": "dot"}),
    ]
    extra = {"yaxis2": {"title": {"text": "ratio"}, "overlaying": "y", "side": "right", "rangemode": "tozero",
                        "automargin": True},
             "margin": {"l": 60, "r": 70, "t": 50, "b": 50}}
    return chart(target, title, traces, link=link, y_title="running total", extra_layout=extra)


def _first(ids: Sequence[str]) -> str:
    return ids[0] if ids else ""
