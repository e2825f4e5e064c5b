"""``claimledger extract``, ``evaluate`` and ``agreement``: extraction and its scores, without a ledger."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import ClaimLedgerError, ExtractionError, IngestError
from ..models import CLAIM_FIELDS, ExtractionResult
from .base import DATE, Choice, cell, cli, plural, printable, quiet, registry_option, verbosity_options
from .base import load_registry_or_fail as _load_registry

FORMATS = ("json", "jsonl", "csv", "table")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=Choice(FORMATS), default="json", show_default=True,
              help="Output format: json (one object per document), jsonl (one claim per line), csv, table.")
@click.option("--date", "published", type=DATE,
              help="Publication date (YYYY-MM-DD) for every input, overriding theirs.")
@click.option("--outlet", help="Outlet name for every input: the claimant of figures in its own voice.")
@click.option("--max-bytes", type=int, default=50_000_000, show_default=True, help="Largest input file read.")
@click.option("--text-column", help="CSV column / JSON field holding the report text.")
@click.option("--accurate", is_flag=True,
              help="Ask spaCy's parser about speakers no rule names (slower; see README, 'Speed').")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes extracting at once (one per core); output keeps the input order.")
@click.option("--engine", type=Choice(("local", "dask")), default="local", show_default=True,
              help="With --out: extract partitions here (local) or on a Dask cluster (dask; see docs/scale.md).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler (tcp://host:8786) for --engine dask; default: a local cluster of --workers.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write Parquet claim shards (one per partition) here instead of printing; "
                   "load them with `claimledger load`.")
@click.option("--partition-files", type=click.IntRange(1), default=100, show_default=True,
              help="With --out: report files per partition (a JSONL, CSV or Parquet file is one partition).")
@registry_option
@verbosity_options
def extract(paths: tuple[str, ...], fmt: str, published: str | None, outlet: str | None, max_bytes: int,
            text_column: str | None, accurate: bool, workers: int, engine: str, scheduler: str | None,
            out_dir: str | None, partition_files: int, registry_files: tuple[str, ...]) -> None:
    """Extract every attributed claim from reports.

    PATHS are files (text, Markdown, HTML, JSON, JSONL, CSV), directories (read recursively)
    or - for standard input. Unreadable inputs are reported on stderr and skipped; the exit
    status is 0 when all inputs were read, 1 when some were skipped, 2 when none could be read.
    With --out, the claims go to Parquet shards instead (also from Parquet corpora), extracted
    here or, with --engine dask, on a Dask cluster.
    """
    if out_dir or engine != "local" or scheduler:
        _check_shard_options(out_dir, engine, scheduler, accurate)
        from .scale_cmds import extract_to_out
        extract_to_out(paths, str(out_dir), engine=engine, scheduler=scheduler, workers=workers,
                       files_per_partition=partition_files, published=published, outlet=outlet,
                       max_bytes=max_bytes, text_column=text_column, registry_files=registry_files)
        return
    from ..extract.parallel import extract_in_parallel
    from ..extract.pipeline import Extractor, extract_documents
    from ..ingest import iter_documents

    registry = _load_registry(registry_files)
    errors: list[IngestError] = []

    def on_error(err: IngestError) -> None:
        errors.append(err)
        click.echo(f"claimledger: skipped {printable(err.source)}: {printable(err.reason)}", err=True)

    try:
        docs = iter_documents(paths, published=published, outlet=outlet, max_bytes=max_bytes,
                              on_error=on_error, war_starts=registry.war_starts(), text_column=text_column)
        def failed(e: ExtractionError) -> None:
            on_error(IngestError(e.doc_id, e.reason))

        if workers > 1:
            results = list(extract_in_parallel(_warn_dates(docs), workers=workers, registry_files=registry_files,
                                               accurate=accurate, on_error=failed))
        else:
            results = list(extract_documents(_warn_dates(docs), extractor=Extractor(registry, accurate=accurate),
                                             on_error=failed))
    except ClaimLedgerError as exc:
        raise click.ClickException(printable(exc)) from exc
    _emit(results, fmt)
    if errors:
        sys.exit(2 if not results else 1)


@cli.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True),
              help="Directory of NAME.gold.json files (SCHEMA.md format).")
@click.option("--texts", "texts_dir", required=True, type=click.Path(file_okay=False, exists=True),
              help="Directory holding NAME.txt (or .md, .html, .json) for each gold file.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON (as the reference scorer).")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List missed and spurious claims.")
@click.option("--predictions", type=click.Path(file_okay=False), help="Also write NAME.json predictions here.")
@click.option("--split", "splits", multiple=True, type=Choice(("train", "dev", "blind")),
              help="Only the documents of this split of the real corpus (repeatable; default: all).")
@click.option("--calibration", is_flag=True, help="Also print a reliability table of the claims' confidence.")
@click.option("--model", "model_path", help="A decision model file, or 'none' for the rules alone (default: the shipped one).")
@click.option("--accurate", is_flag=True, help="Score the accurate path (spaCy for speakers no rule names).")
@registry_option
@verbosity_options
def evaluate(gold_dir: str, texts_dir: str, as_json: bool, misses: bool, predictions: str | None,
             splits: tuple[str, ...], calibration: bool, model_path: str | None, accurate: bool,
             registry_files: tuple[str, ...]) -> None:
    """Score extraction against gold annotations: strict and lenient P/R/F1, attribute accuracy."""
    from ..analyze.evaluate import Report, gold_files, load_gold
    from ..extract.learn.corpus import split_of
    from ..extract.learn.model import load_model
    from ..extract.pipeline import Extractor, extract_documents
    from ..ingest import iter_documents

    registry = _load_registry(registry_files)
    try:
        model = None if model_path == "none" else load_model(model_path)
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
    extractor = Extractor(registry, model=model, accurate=accurate)
    report = Report()
    try:
        for name, path in gold_files(Path(gold_dir)):
            if splits and split_of(name) not in splits:
                continue
            gold = load_gold(path)
            text = _text_for(Path(texts_dir), name)
            pred: list[dict[str, Any]] = []
            if text is not None:
                docs = iter_documents([text], war_starts=registry.war_starts(),
                                      on_error=lambda e: click.echo(f"claimledger: {e}", err=True))
                pred = [c.to_dict() for r in extract_documents(docs, extractor=extractor) for c in r.claims]
            else:
                click.echo(f"claimledger: no text for {name} in {texts_dir}", err=True)
            if predictions:
                Path(predictions).mkdir(parents=True, exist_ok=True)
                (Path(predictions) / f"{name}.json").write_text(json.dumps({"claims": pred}, indent=1))
            report.add(name, gold["claims"], pred)
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_report(report, as_json=as_json, misses=misses)
    if calibration:
        _print_calibration(report)


def _print_calibration(report: Any) -> None:
    from ..analyze.evaluate import reliability
    rows, ece = reliability(report.confidences)
    click.echo("confidence  claims  mean conf  share right (strict)")
    for r in rows:
        click.echo(f"{r['bin']:>10}  {r['claims']:>6}  {r['confidence']:>9.3f}  {r['right']:>11.3f}")
    click.echo(f"expected calibration error: {ece:.3f}")


@cli.command()
@click.argument("first", type=click.Path(file_okay=False, exists=True))
@click.argument("second", type=click.Path(file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the agreement as JSON.")
@click.option("--misses/--no-misses", default=False, show_default=True, help="List the claims the annotators disagree on.")
@verbosity_options
def agreement(first: str, second: str, as_json: bool, misses: bool) -> None:
    """Agreement of two annotators: the documents both annotated, one as reference, scored as evaluate scores.

    F1 is symmetric, so either annotator may be FIRST; attribute agreement is on the claims both found.
    """
    from ..analyze.evaluate import Report, gold_files, load_gold

    report = Report()
    try:
        theirs = dict(gold_files(Path(second)))
        for name, path in gold_files(Path(first)):
            if name in theirs:
                report.add(name, load_gold(path)["claims"], load_gold(theirs[name])["claims"])
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.per_doc:
        raise click.ClickException(f"no document is annotated in both {first} and {second}")
    click.echo(f"{plural(len(report.per_doc), 'document')} annotated twice")
    _print_report(report, as_json=as_json, misses=misses)


def _text_for(texts: Path, name: str) -> str | None:
    for ext in (".txt", ".md", ".html", ".htm", ".json", ""):
        p = texts / f"{name}{ext}"
        if p.is_file():
            return str(p)
    return None


def _print_report(report: Any, *, as_json: bool, misses: bool) -> None:
    summary = report.summary()
    if as_json:
        click.echo(json.dumps(summary, indent=1))
        return
    for mode in ("strict", "lenient"):
        o = summary[mode]
        click.echo(f"{mode:8s} P={o['precision']:.3f} R={o['recall']:.3f} F1={o['f1']:.3f} "
                   f"(tp={o['tp']} gold={o['gold']} pred={o['pred']})")
    click.echo("attributes on matched: " + json.dumps(summary["attributes"]))
    if not misses:
        return
    for doc, c in report.missed:
        click.echo(f"MISSED   {doc}: {_brief(c)}")
    for doc, c in report.spurious:
        click.echo(f"SPURIOUS {doc}: {_brief(c)}")
    for doc, attr, g, p in report.wrong_attrs:
        click.echo(f"ATTR     {doc}: {attr} gold={g.get(attr)!r} pred={p.get(attr)!r} in {_brief(g)}")


def _brief(c: dict[str, Any]) -> str:
    num = c.get("value") if c.get("qualifier") != "range" else f"{c.get('low')}-{c.get('high')}"
    ev = c.get("evidence") or [""]
    ev0 = ev[0]["text"] if isinstance(ev[0], dict) else ev[0]
    return (f"{c.get('category')} {num} {c.get('subject_party')} ({c.get('subject')!r}) "
            f"by {c.get('claimant')}/{c.get('claimant_party')} :: {ev0[:110]!r}")


def _check_shard_options(out_dir: str | None, engine: str, scheduler: str | None, accurate: bool) -> None:
    if not out_dir:
        raise click.UsageError("--engine dask and --scheduler write claim shards: give --out DIR")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler is the address of a Dask scheduler: give --engine dask too")
    if accurate:
        raise click.UsageError("--accurate is not available with --out (shards are extracted as ingest extracts)")


def _warn_dates(docs: Any) -> Any:
    for doc in docs:
        for w in () if quiet() else doc.warnings:
            click.echo(f"claimledger: {printable(doc.source)}: {printable(w)}", err=True)
        yield doc


def _emit(results: list[ExtractionResult], fmt: str) -> None:
    if fmt == "json":
        data: Any = [r.to_dict() for r in results]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, indent=1, ensure_ascii=False))
    elif fmt == "jsonl":
        for r in results:
            for c in r.claims:
                click.echo(json.dumps({"doc_id": r.document.doc_id, "source": r.document.source, **c.to_dict()},
                                      ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_csv(results), nl=False)
    else:
        _table(results)


def _csv(results: list[ExtractionResult]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["doc_id", "source", *CLAIM_FIELDS])
    for r in results:
        for c in r.claims:
            d = c.to_dict()
            d["evidence"] = " | ".join(e["text"] for e in d["evidence"])
            w.writerow([r.document.doc_id, r.document.source, *(d[k] for k in CLAIM_FIELDS)])
    return buf.getvalue()


def _table(results: list[ExtractionResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in results:
        doc = r.document
        t = Table(title=cell(f"{doc.source} — {doc.outlet or 'unknown outlet'}, {doc.published or 'date unknown'}"),
                  show_lines=False)
        for col in ("#", "claimant", "modality", "category", "figure", "subject (side)", "period", "place"):
            t.add_column(col)
        for i, c in enumerate(r.claims):
            fig = f"{c.low}–{c.high}" if c.qualifier == "range" else (str(c.value) if c.value is not None else "vague")
            if c.qualifier not in ("exact", "range", "vague"):
                fig = f"{c.qualifier.replace('_', ' ')} {fig}"
            period = c.period_kind + (f" {c.period_start or '?'}..{c.period_end or '?'}"
                                      if c.period_start or c.period_end else "")
            part = f" ⊂{c.part_of}" if c.part_of is not None else ""
            t.add_row(*map(cell, (str(i) + part, f"{c.claimant} ({c.claimant_party})", c.modality, c.category, fig,
                                  f"{c.subject} ({c.subject_party})", period, c.location or "")))
        console.print(t)

