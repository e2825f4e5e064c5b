"""``claimledger train``: rebuild the decision model from the annotated corpus."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import click

from ..errors import ClaimLedgerError
from .base import cli, registry_option
from .base import load_registry_or_fail as _load_registry

DEFAULT_CORPUS = "tests/data/real"
DEFAULT_OWN = ("tests/data/gold", "tests/data/articles")


@cli.command()
@click.option("--corpus", "corpus_dir", default=DEFAULT_CORPUS, show_default=True, type=click.Path(file_okay=False),
              help="The real corpus (docs/, gold/); its train split is learned from, its dev split sets the threshold.")
@click.option("--own/--no-own", default=True, show_default=True,
              help=f"Also learn from the project's own annotated articles ({DEFAULT_OWN[1]}).")
@click.option("--out", type=click.Path(dir_okay=False), help="Where to write the model (default: the shipped file).")
@click.option("--limit", type=int, help="Learn from only N real training articles (a seeded sample).")
@click.option("--curve", help="Comma-separated sizes (e.g. 25,50,100,all): train on each and score --on; writes nothing.")
@click.option("--on", "on_split", default="dev", type=click.Choice(("dev", "blind")), show_default=True,
              help="The split --curve scores.")
@click.option("--seed", default=0, show_default=True, help="Seed of the sample taken by --limit and --curve.")
@registry_option
def train(corpus_dir: str, own: bool, out: str | None, limit: int | None, curve: str | None, on_split: str,
          seed: int, registry_files: tuple[str, ...]) -> None:
    """Train the decision model (keep or drop, whose losses, confidence) on annotated real reports."""
    from ..extract.learn.corpus import load_corpus
    from ..extract.learn.model import MODEL_FILE

    registry = _load_registry(registry_files)
    try:
        real = load_corpus(Path(corpus_dir), splits=("train",))
        dev = load_corpus(Path(corpus_dir), splits=("dev",))  # threshold, margin and calibration
        scored_on = load_corpus(Path(corpus_dir), splits=(on_split,))
    except ClaimLedgerError as exc:
        raise click.ClickException(str(exc)) from exc
    base = _own_examples() if own else []
    if curve:
        for size in curve.split(","):
            n = len(real) if size.strip() == "all" else int(size)
            model = _train(registry, base + _examples(_sample(real, n, seed)), dev)
            s = _score(registry, model, scored_on)
            click.echo(f"{min(n, len(real)):>4} real articles (+{len(base)} own): strict F1 {s['strict']['f1']:.3f}  "
                       f"lenient F1 {s['lenient']['f1']:.3f}  claimant {s['attributes']['claimant_party']}  "
                       f"on {len(scored_on)} {on_split} articles")
        return
    chosen = _sample(real, limit, seed) if limit else real
    model = _train(registry, base + _examples(chosen), dev)
    from ..extract.learn.train import to_json
    target = Path(out) if out else Path(__file__).resolve().parent.parent / "extract" / "data" / MODEL_FILE
    target.write_text(to_json(model, trained_on=[a.name for a in chosen] + [e.name for e in base]), "utf-8")
    s = _score(registry, model, dev)
    click.echo(f"trained on {len(chosen)} real + {len(base)} own articles; threshold {model.threshold}, "
               f"margin {model.margin}; "
               f"dev strict F1 {s['strict']['f1']:.3f}; wrote {target}")


def _sample(articles: list[Any], n: int | None, seed: int) -> list[Any]:
    if n is None or n >= len(articles):
        return list(articles)
    return sorted(random.Random(seed).sample(articles, n), key=lambda a: a.name)


def _examples(articles: list[Any]) -> list[Any]:
    from ..extract.learn.train import Example
    return [Example(a.name, a.doc_path, a.gold["claims"]) for a in articles]


def _own_examples() -> list[Any]:
    from ..extract.learn.train import Example
    from ..analyze.evaluate import gold_files, load_gold
    gold_dir, texts = (Path(p) for p in DEFAULT_OWN)
    if not gold_dir.is_dir():
        return []
    out = []
    for name, path in gold_files(gold_dir):
        text = next(texts.glob(f"{name}.*"), None)
        if text is not None:
            out.append(Example(name, text, load_gold(path)["claims"]))
    return out


def _reader(registry: Any) -> Any:
    from ..ingest import iter_documents
    return lambda path: list(iter_documents([str(path)], war_starts=registry.war_starts()))


def _train(registry: Any, examples: list[Any], dev: list[Any]) -> Any:
    """Fit on ``examples``; the keep threshold is the one with the best strict F1 on ``dev``."""
    from dataclasses import replace
    from ..extract.learn.train import train as fit
    from ..extract.pipeline import Extractor
    rules = Extractor(registry, model=None)
    model = fit(rules, examples, _reader(registry), version=f"{len(examples)} articles",
                held_out=_examples(dev))
    if not dev:
        return model
    # the smallest margin and lowest threshold among the best: the rules' choices are the default,
    # and the model must earn every change
    margin = max((_score(registry, replace(model, threshold=0.0, margin=m), dev)["strict"]["f1"], -m, m)
                 for m in (0.0, 0.5, 1.0, 2.0))[2]
    # the model drops only candidates very unlikely to be right (at most p < 0.2): a claim with an
    # unresolved side is still worth showing, with its low confidence, to filter on
    best = max((_score(registry, replace(model, threshold=t, margin=margin), dev)["strict"]["f1"], -t, t)
               for t in (0.0, 0.1, 0.2))
    return replace(model, threshold=best[2], margin=margin)


def _score(registry: Any, model: Any, articles: list[Any]) -> dict[str, Any]:
    from ..analyze.evaluate import Report
    from ..extract.pipeline import Extractor, extract_documents
    ex = Extractor(registry, model=model)
    read = _reader(registry)
    report = Report()
    for a in articles:
        pred = [c.to_dict() for r in extract_documents(read(a.doc_path), extractor=ex) for c in r.claims]
        report.add(a.name, a.gold["claims"], pred)
    return report.summary()
