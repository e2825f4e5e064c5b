"""``claimledger compare | timeline | flags | ratio``: the analyses over a ledger.

Thin commands: read ledger rows, call :mod:`claimledger.analyze`, print a rich table, CSV or
JSON. JSON output carries the claim ids and document ids behind every number.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import click

from ..errors import ClaimLedgerError
from ..models import CATEGORIES, MODALITIES
from .base import (
    DATE,
    Choice,
    cell,
    check_sides,
    cli,
    existing_db_option,
    info,
    plural,
    printable,
    verbosity_options,
)

FORMATS = ("table", "csv", "json")
FLAG_KINDS = ("revision_down", "unexplained_jump", "breakdown_exceeds_total", "revised_claim")


def _format_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = verbosity_options(f)
    return click.option("--format", "fmt", type=Choice(FORMATS), default="table", show_default=True,
                        help="Output: a table, CSV (claim ids space-separated) or JSON (with the claims "
                             "behind each number).")(f)


def _rows(db: str, **filters: Any) -> list[dict[str, Any]]:
    """The matching claims, claimant names folded and each claim's conflict set (read with its
    report's other claims); a side no registry or claim knows is refused (it would match nothing)."""
    from ..analyze.scope import prepared_claims
    from ..store import open_ledger

    with open_ledger(db) as ledger:
        check_sides(ledger, claimant_party=filters.get("claimant_party"), subject_party=filters.get("subject_party"))
        return prepared_claims(ledger, **{k: v for k, v in filters.items() if v not in (None, "", ())})


def _conflict_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--conflict", help="Only this conflict of the registry (e.g. russia-ukraine); "
                                           "default: see the command.")(f)


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.{digits}f}"


def _print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=cell(title))
    for col in columns:
        table.add_column(col, overflow="fold")   # wrapped, never cut: claim ids stay whole
    for row in rows:
        table.add_row(*map(cell, row))
    Console(width=160).print(table)


def _print_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    click.echo(buf.getvalue(), nl=False)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _ids(ids: Sequence[str]) -> str:
    return " ".join(ids)


@cli.command()
@click.option("--subject-party", required=True, help="Whose losses (a party name, e.g. Israel).")
@click.option("--category", required=True, type=Choice(CATEGORIES), help="What is counted.")
@click.option("--since", type=DATE, help="First day of the window (YYYY-MM-DD); default: from the period claims.")
@click.option("--until", type=DATE, help="Last day of the window (YYYY-MM-DD); default: from the period claims.")
@click.option("--reference", help="Claimant or party to measure the others against (its name, or a part of "
                                  "one claimant's name).")
@click.option("--claimant", "claimants", multiple=True,
              help="Only this claimant (give it twice for two); default: every claimant.")
@click.option("--by-party", is_flag=True, help="One row per claimant side instead of per claimant name.")
@_conflict_option
@_format_option
@existing_db_option
def compare(subject_party: str, category: str, since: str | None, until: str | None, reference: str | None,
            claimants: tuple[str, ...], by_party: bool, conflict: str | None, fmt: str, db: str) -> None:
    """Every claimant's figure for one side's losses in one conflict over one window, side by side.

    Without --conflict, the conflict most of the side's claims belong to; without --since and
    --until, the stretch of days the most claimants cover together."""
    from ..analyze.compare import RELATED_CATEGORIES
    from ..analyze.compare import compare as compare_rows

    try:
        rows = _rows(db, subject_party=subject_party, category=[category, *RELATED_CATEGORIES.get(category, ())])
        result = compare_rows(rows, subject_party=subject_party, category=category, since=since, until=until,
                              reference=reference, by_party=by_party, conflict=conflict, claimants=claimants)
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    if fmt == "json":
        _print_json(result.to_dict())
        return
    columns = ("claimant", "modality", "counted", "basis", "value", "claims", "coverage", "partial", "ratio", "gap")
    table = [(f"{r.claimant} ({r.claimant_party})" + (" *" if r.is_reference else ""), r.modality, r.subject or "",
              r.basis, _num(r.value), str(r.claims), f"{r.coverage:.0%}", "yes" if r.partial else "",
              _ratio(r.ratio), _num(r.gap)) for r in result.rows]
    if fmt == "csv":
        _print_csv((*columns, "qualifiers", "claim_ids", "document_ids"),
                   [(r.claimant, r.modality, r.subject or "", r.basis, r.value, r.claims, round(r.coverage, 4),
                     r.partial, r.ratio, r.gap, " ".join(r.qualifiers), _ids(r.claim_ids), _ids(r.document_ids))
                    for r in result.rows])
        return
    window = f"{result.since} .. {result.until}" if result.since else "no dated figures"
    where = f" in {result.conflict}" if result.conflict else ""
    _print_table(f"{category} of {subject_party}{where}, {window} ({plural(result.window_days, 'day')}; window: {result.window_from});"
                 " * = reference", columns, table)
    for note in result.notes:
        info(f"note: {printable(note)}")


@cli.command()
@click.option("--claimant", help="Claimant name contains this (case-insensitive).")
@click.option("--claimant-party", help="Claimant's side (exact).")
@click.option("--subject-party", help="Whose losses (exact).")
@click.option("--category", type=Choice(CATEGORIES), help="What is counted.")
@click.option("--modality", type=Choice(MODALITIES), help="claimed, acknowledged, reported ...")
@click.option("--since", type=DATE, help="Claims whose period ends on or after this day (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Claims whose period starts on or before this day (YYYY-MM-DD).")
@click.option("--by-party", is_flag=True, help="One series per claimant side instead of per claimant name.")
@_conflict_option
@_format_option
@existing_db_option
def timeline(claimant: str | None, claimant_party: str | None, subject_party: str | None, category: str | None,
             modality: str | None, since: str | None, until: str | None, by_party: bool, conflict: str | None,
             fmt: str, db: str) -> None:
    """Each claimant's figures over time: period claims as daily rates, running totals as points.

    A series never spans two conflicts; --conflict keeps one of them."""
    from ..analyze.scope import in_conflict, pick_conflict
    from ..analyze.timeline import build_series

    try:
        rows = _rows(db, claimant=claimant, claimant_party=claimant_party, subject_party=subject_party,
                     category=category, modality=modality, since=since, until=until)
        if conflict:
            rows = in_conflict(rows, pick_conflict(rows, conflict))
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    skipped: list[str] = []
    series = build_series(rows, by_party=by_party,
                          on_skip=lambda row, why: skipped.append(f"claim {row.get('claim_id')}: {why}"))
    for line in skipped:
        info(f"claimledger: skipped {printable(line)}", err=True)
    if fmt == "json":
        _print_json([s.to_dict() for s in series])
        return
    columns = ("series", "counted (whose)", "conflict", "date", "kind", "period", "value", "per day", "claims")
    flat = [(s, p) for s in series for p in s.points]
    if fmt == "csv":
        _print_csv(("claimant", "claimant_party", "modality", "category", "subject_party", "subject", "conflict",
                    "date", "kind", "start", "value", "qualifier", "daily_rate", "claim_ids", "document_ids"),
                   [(s.claimant, s.claimant_party, s.modality, s.category, s.subject_party, s.subject or "",
                     s.conflict or "",
                     p.day.isoformat(), p.kind,
                     p.start.isoformat() if p.start else "", p.value, p.qualifier,
                     "" if p.daily_rate is None else p.daily_rate, _ids(p.claim_ids), _ids(p.document_ids))
                    for s, p in flat])
        return
    _print_table("timeline", columns, [
        (s.label, s.what, s.conflict or "", p.day.isoformat(), p.kind,
         f"{p.start or '?'}..{p.day}", _qualified(p.value, p.qualifier), _num(p.daily_rate, 2),
         str(len(p.claim_ids))) for s, p in flat])


def _qualified(value: float, qualifier: str) -> str:
    if qualifier in ("exact", "range"):
        return _num(value) + (" (mid)" if qualifier == "range" else "")
    return f"{qualifier.replace('_', ' ')} {_num(value)}"


@cli.command()
@click.option("--kind", "kinds", multiple=True,
              type=Choice(FLAG_KINDS),
              help="Only these kinds of flag (repeatable); default: all.")
@click.option("--claimant", help="Claimant name contains this (case-insensitive).")
@click.option("--subject-party", help="Whose losses (exact).")
@click.option("--category", type=Choice(CATEGORIES), help="What is counted.")
@click.option("--jump-share", type=float, default=0.2, show_default=True,
              help="unexplained_jump: growth may exceed the period claims by this share ...")
@click.option("--jump-min", type=float, default=10, show_default=True, help="... and by this many.")
@_conflict_option
@_format_option
@existing_db_option
def flags(kinds: tuple[str, ...], claimant: str | None, subject_party: str | None, category: str | None,
          jump_share: float, jump_min: float, conflict: str | None, fmt: str, db: str) -> None:
    """Figures that contradict the claimant's own other figures (running totals, breakdowns, revisions).

    Figures are only set against figures of the same conflict, counted group and period kind;
    --conflict keeps one conflict (default: each conflict checked on its own)."""
    from ..analyze.checks import KINDS, find_flags

    try:
        rows = _rows(db, claimant=claimant, subject_party=subject_party, category=category)
        found = find_flags(rows, kinds=kinds or KINDS, jump_share=jump_share, jump_min=jump_min, conflict=conflict)
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    if fmt == "json":
        _print_json([f.to_dict() for f in found])
    elif fmt == "csv":
        _print_csv(("kind", "severity", "conflict", "message", "claim_ids", "document_ids"),
                   [(f.kind, f.severity, f.conflict or "", f.message, _ids(f.claim_ids), _ids(f.document_ids))
                    for f in found])
    else:
        _print_table(plural(len(found), "flag"), ("kind", "severity", "conflict", "message", "claims"),
                     [(f.kind, f.severity, f.conflict or "", f.message, _ids(f.claim_ids)) for f in found])


@cli.command()
@click.option("--numerator", required=True, help="Claimant (substring) or party whose running total is divided.")
@click.option("--denominator", required=True, help="Claimant (substring) or party it is divided by.")
@click.option("--numerator-modality", type=Choice(MODALITIES),
              help="Only the numerator's claims of this modality.")
@click.option("--denominator-modality", type=Choice(MODALITIES), help="Only the denominator's of this modality.")
@click.option("--category", required=True, type=Choice(CATEGORIES), help="What is counted.")
@click.option("--subject-party", required=True, help="Whose losses (exact).")
@click.option("--subject", help="The counted thing: equal to it, else containing it (e.g. tanks).")
@click.option("--max-lag", type=int, default=7, show_default=True,
              help="Days the denominator's latest point may lie before the numerator's date.")
@_conflict_option
@_format_option
@existing_db_option
def ratio(numerator: str, denominator: str, numerator_modality: str | None, denominator_modality: str | None,
          category: str, subject_party: str, subject: str | None, max_lag: int, conflict: str | None, fmt: str,
          db: str) -> None:
    """One claimant's running total over another's, date by date (e.g. claimed vs verified).

    Both running totals come from one conflict: --conflict, else the one most of their points
    belong to."""
    from ..analyze.reference import Side, ratio_over_time

    try:
        rows = _rows(db, subject_party=subject_party, category=category, period_kind="cumulative")
        points = ratio_over_time(rows, numerator=Side(claimant=numerator, modality=numerator_modality),
                                 denominator=Side(claimant=denominator, modality=denominator_modality),
                                 category=category, subject_party=subject_party, subject_contains=subject,
                                 max_lag_days=max_lag, conflict=conflict)
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    if fmt == "json":
        _print_json([p.to_dict() for p in points])
    elif fmt == "csv":
        _print_csv(("date", "numerator", "denominator", "denominator_date", "ratio", "numerator_claim_ids",
                    "denominator_claim_ids"),
                   [(p.day.isoformat(), p.numerator, p.denominator, p.denominator_day.isoformat(), p.ratio,
                     _ids(p.numerator_claim_ids), _ids(p.denominator_claim_ids)) for p in points])
    else:
        _print_table(f"{numerator} / {denominator}: {category} ({subject_party})",
                     ("date", numerator, denominator, "their date", "ratio"),
                     [(p.day.isoformat(), _num(p.numerator), _num(p.denominator), p.denominator_day.isoformat(),
                       _ratio(p.ratio)) for p in points])
