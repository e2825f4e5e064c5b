"""The ledger as ONE self-contained HTML file: counts, claimants, timelines, comparisons, flags,
claimed-vs-reference ratio, and the evidence behind every figure.

Nothing in the file points elsewhere: plotly.js, the stylesheet and the chart script are
inlined, so the report opens offline and can be archived or mailed as it is. Every figure
links to ``#ev-<claim id>``, an entry of the evidence section at the end that quotes the
sentence and names the report (title, outlet, date, address).
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..analyze import Comparison, Flag, Series, build_series, compare, find_flags, prepare_rows, ratio_over_time
from ..analyze.compare import RELATED_CATEGORIES
from ..analyze.scope import prepared_claims
from ..errors import ConfigError
from ..store import ClaimFilter, Ledger
from .charts import Chart, claim_ids, compare_chart, ratio_chart, timeline_chart
from .choices import main_pairs, ratio_choices
from .templating import STATIC, plotly_js, render_template
from .views import claim_date, fold

Row = Mapping[str, Any]
LINK = "#ev-"
#: At most this many timeline charts (the series with most points first).
MAX_TIMELINES = 60
#: At most this many flags listed.
MAX_FLAGS = 200


@dataclass(slots=True, kw_only=True)
class Timeline:
    """One claimant's series for one category of one side's losses (one chart)."""

    title: str
    chart: Chart
    series: list[Series]

    @property
    def latest(self) -> list[tuple[Series, Any]]:
        return [(s, s.points[-1]) for s in self.series if s.points]


@dataclass(slots=True, kw_only=True)
class ReportContent:
    title: str
    generated: str
    filters: dict[str, Any]
    summary: dict[str, Any]
    claimants: list[dict[str, Any]]
    timelines: list[Timeline]
    timelines_left_out: int
    comparisons: list[tuple[Comparison, Chart]]
    flags: list[Flag]
    flags_total: int
    ratio: dict[str, Any] | None
    evidence: list[Row] = field(default_factory=list)

    @property
    def charts(self) -> list[Chart]:
        out = [t.chart for t in self.timelines] + [c for _, c in self.comparisons]
        return out + ([self.ratio["chart"]] if self.ratio else [])


def write_report(ledger: Ledger, out_path: str | os.PathLike[str], *, filters: ClaimFilter | None = None,
                 title: str | None = None) -> Path:
    """Write the report of the ledger's claims (those matching ``filters``) to ``out_path``.

    Args:
        ledger: an open ledger.
        out_path: the HTML file to write (its folder must exist).
        filters: which claims the report covers (default: all but rejected ones).
        title: the report's heading (default: "claimledger report").

    Returns:
        The path written.
    """
    rows = prepared_claims(ledger, filters)
    content = build_content(rows, ledger_counts=ledger.counts(), filters=filters, title=title)
    html = render_template("report.html", report=content, css=_inline(STATIC / "style.css", "style"),
                           plotly=_inline(plotly_js(), "script"), app_js=_inline(STATIC / "app.js", "script"))
    out = Path(out_path)
    out.write_text(html, encoding="utf-8")
    return out


def _inline(path: Path, element: str) -> Markup:
    """A file's text fit to sit inside ``<script>`` or ``<style>`` (it cannot close the element)."""
    text = path.read_text(encoding="utf-8")
    return Markup(text.replace(f"</{element}", f"<\\/{element}"))


def build_content(rows: Sequence[Row], *, ledger_counts: Mapping[str, int], filters: ClaimFilter | None = None,
                  title: str | None = None) -> ReportContent:
    """Everything the report shows, computed from ledger rows (claimant names folded, each
    comparison, timeline and ratio kept to one conflict)."""
    rows = prepare_rows(rows)
    by_id = {str(r["claim_id"]): r for r in rows}
    timelines, left_out = _timelines(rows)
    flags = find_flags(rows)
    content = ReportContent(
        title=title or "claimledger report", generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        filters=_filter_summary(filters), summary=_summary(rows, ledger_counts), claimants=_claimants(rows),
        timelines=timelines, timelines_left_out=left_out, comparisons=_comparisons(rows),
        flags=flags[:MAX_FLAGS], flags_total=len(flags), ratio=_ratio(rows))
    content.evidence = _evidence(content, by_id)
    return content


def _filter_summary(filters: ClaimFilter | None) -> dict[str, Any]:
    if filters is None:
        return {}
    return {name: value for name in ClaimFilter.names()
            if (value := getattr(filters, name)) not in (None, "", [], (), False, 0)}


def _summary(rows: Sequence[Row], ledger_counts: Mapping[str, int]) -> dict[str, Any]:
    days = sorted(d for r in rows if (d := claim_date(r)))
    return {"claims": len(rows), "documents": len({r["document_id"] for r in rows}),
            "assertions": len({r["assertion_id"] for r in rows}),
            "claimants": len({fold(r["claimant"]) for r in rows}),
            "outlets": len({r["outlet"] for r in rows if r.get("outlet")}),
            "first": days[0] if days else None, "last": days[-1] if days else None,
            "reviewed": sum(1 for r in rows if r.get("review_status") != "unreviewed"),
            "ledger": dict(ledger_counts)}


def _claimants(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """One entry per claimant (names folded), with the spellings the reports used."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(fold(r["claimant"]), str(r["claimant_party"]))].append(r)
    out = []
    for (_, party), members in groups.items():
        spellings = sorted({str(r.get("claimant_raw") or r["claimant"]) for r in members} - {members[0]["claimant"]})
        days = sorted(d for r in members if (d := claim_date(r)))
        categories = Counter(str(r["category"]) for r in members)
        out.append({"claimant": members[0]["claimant"], "claimant_party": party, "claims": len(members),
                    "spellings": spellings,
                    "assertions": len({r["assertion_id"] for r in members}),
                    "categories": [c for c, _ in categories.most_common(4)],
                    "first": days[0] if days else None, "last": days[-1] if days else None})
    return sorted(out, key=lambda c: (-c["claims"], fold(c["claimant"])))


def _timelines(rows: Sequence[Row]) -> tuple[list[Timeline], int]:
    groups: dict[tuple[str, ...], list[Series]] = defaultdict(list)
    for s in build_series(rows):
        groups[(s.conflict or "", fold(s.claimant), s.claimant_party, s.category, s.subject_party,
                s.subject or "")].append(s)
    charted = [members for members in groups.values() if sum(len(s.points) for s in members) >= 2]
    charted.sort(key=lambda ms: -sum(len(s.points) for s in ms))
    out = []
    for i, members in enumerate(charted[:MAX_TIMELINES]):
        s = members[0]
        title = (f"{s.claimant} ({s.claimant_party}): {s.category.replace('_', ' ')} of {s.subject_party}"
                 + (f", {s.subject}" if s.subject else "") + (f" [{s.conflict}]" if s.conflict else ""))
        out.append(Timeline(title=title, series=members,
                            chart=timeline_chart(members, target=f"timeline-{i}", title=title, link=LINK)))
    return out, max(0, len(charted) - MAX_TIMELINES)


def _comparisons(rows: Sequence[Row]) -> list[tuple[Comparison, Chart]]:
    out = []
    for i, pair in enumerate(main_pairs(rows)):
        related = {pair.category, *RELATED_CATEGORIES.get(pair.category, ())}
        members = [r for r in rows if r["category"] in related and fold(r["subject_party"]) == fold(pair.subject_party)]
        result = compare(members, subject_party=pair.subject_party, category=pair.category,
                         conflict=pair.conflict or None)
        if result.rows:
            out.append((result, compare_chart(result, target=f"compare-{i}", link=LINK)))
    return out


def _ratio(rows: Sequence[Row]) -> dict[str, Any] | None:
    """The best covered claimed-vs-reference pair, when the rows hold one."""
    for choice in ratio_choices(rows)[:3]:
        num, den = choice.sides()
        try:
            points = ratio_over_time(rows, numerator=num, denominator=den, category=choice.category,
                                     subject_party=choice.subject_party, subject_contains=choice.subject or None,
                                     conflict=choice.conflict or None)
        except ConfigError:
            continue  # the pair is ambiguous (several subjects): the next one may not be
        if points:
            return {"choice": choice, "points": points,
                    "chart": ratio_chart(points, numerator=choice.numerator, denominator=choice.denominator,
                                         target="ratio-0", link=LINK, title=choice.label)}
    return None


def _evidence(content: ReportContent, by_id: Mapping[str, Row]) -> list[Row]:
    """The claims behind every figure the report shows, in date order."""
    wanted = set(claim_ids(content.charts))
    for comparison, _ in content.comparisons:
        wanted.update(c for r in comparison.rows for c in r.claim_ids)
    for flag in content.flags:
        wanted.update(flag.claim_ids)
    if content.ratio:
        wanted.update(c for p in content.ratio["points"] for c in (*p.numerator_claim_ids, *p.denominator_claim_ids))
    for t in content.timelines:
        wanted.update(p.claim_ids[0] for _, p in t.latest if p.claim_ids)
    rows = [by_id[c] for c in wanted if c in by_id]
    return sorted(rows, key=lambda r: (claim_date(r), str(r.get("claimant")), str(r["claim_id"])))
