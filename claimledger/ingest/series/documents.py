"""Turn series points into auditable documents: one document per date, one line per claim.

A series file holds no sentences, so each figure is rendered as a line of its own words
("2024-03-01 — <claimant>: tanks (Russia) 6,610 (cumulative since 2022-02-24; row 737 of
<file>)"), and the claim's evidence is that line. The text depends only on the file's name
and content, so importing the same file twice gives the same document ids.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...models import Claim, Document, Evidence, ExtractionResult
from .base import SeriesPoint, thousands

_QUALIFIER_WORDS = {"about": "about ", "more_than": "more than ", "at_least": "at least ",
                    "up_to": "up to ", "fewer_than": "fewer than "}


def render_line(point: SeriesPoint, file_name: str) -> str:
    """The human-readable line that states one point, and names where it came from."""
    figure = _QUALIFIER_WORDS.get(point.qualifier, "") + thousands(point.value)
    since = f"cumulative since {point.period_start}" if point.period_start else "cumulative"
    details = [point.notes, point.location, since, f"row {point.row} of {file_name}"]
    return (f"{point.date} — {point.claimant}: {point.subject} ({point.subject_party}) "
            f"{figure} ({'; '.join(d for d in details if d)})")


def build_result(points: Sequence[SeriesPoint], *, source: str, file_name: str, title: str,
                 warnings: Iterable[str] = ()) -> ExtractionResult:
    """One document (and its claims) for the points of one date of one file.

    Args:
        points: The date's points, in file order (at least one).
        source: The file as given; the document's source is ``source#DATE``.
        file_name: The file's name, written into every line.
        title: The series' title; the date is appended.
        warnings: Notes on rows of this date that gave no claim.
    """
    date = points[0].date
    lines = [render_line(p, file_name) for p in points]
    claimants = {p.claimant for p in points}
    outlet = next(iter(claimants)) if len(claimants) == 1 else title
    doc = Document(text="\n".join(lines), source=f"{source}#{date}", title=f"{title}, {date}",
                   outlet=outlet, published=date, date_source="metadata", warnings=tuple(warnings))
    claims, offset = [], 0
    for point, line in zip(points, lines):
        evidence = Evidence(text=line, start=offset, end=offset + len(line))
        claims.append(_claim(point, evidence, doc.doc_id))
        offset += len(line) + 1
    return ExtractionResult(document=doc, claims=tuple(claims))


def _claim(point: SeriesPoint, evidence: Evidence, doc_id: str) -> Claim:
    # A published figure read from a table: nothing about it is guessed, hence confidence 1.
    return Claim(
        claimant=point.claimant, claimant_party=point.claimant_party, modality=point.modality,
        category=point.category, value=point.value, qualifier=point.qualifier,
        subject=point.subject, subject_party=point.subject_party, period_kind="cumulative",
        period_start=point.period_start, period_end=point.date, location=point.location,
        evidence=(evidence,), confidence=1.0, notes=point.notes, doc_id=doc_id)
