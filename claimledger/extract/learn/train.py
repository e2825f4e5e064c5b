"""Training the decision model from annotated articles (``claimledger train``).

Each article is read as a user's file would be, the rules propose their drafts, and each draft is
labelled from the gold file: the gold claim with the same number whose evidence is the draft's
sentence. The claimant model learns which candidate speaker has the gold ``claimant_party``; the
side model, run after it, which option is the gold ``subject_party``; the keep model, run after
both, whether the draft (speaker, category and side settled) is a gold claim.
Logistic regressions with a fixed solver and seed: the same corpus gives the same file.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .features import Features, draft_features, side_features, side_options
from .model import FORMAT, DecisionModel, Linear

_SPACE = re.compile(r"\s+")
PERIOD_KINDS = ("event", "period", "cumulative")


@dataclass(frozen=True, slots=True)
class Example:
    """A document to learn from: its file and its gold claims."""

    name: str
    path: Path
    gold: list[dict[str, Any]]


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("’", "'").replace("“", '"').replace("”", '"')).strip().lower()


def _number(c: dict[str, Any]) -> tuple[Any, ...]:
    if c.get("qualifier") == "range" or (c.get("low") is not None and c.get("high") is not None
                                         and c.get("low") != c.get("high")):
        return ("range", c.get("low"), c.get("high"))
    return ("v", c.get("value"))


def _fold(party: Any) -> str:
    return str(party or "").strip().lower()


def gold_for(draft_sentence: str, number: tuple[Any, ...], gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The gold claims with this number stated in this sentence (evidence overlapping it)."""
    s = _norm(draft_sentence)
    out = []
    for g in gold:
        if _number(g) != number:
            continue
        for ev in g.get("evidence") or []:
            e = _norm(ev if isinstance(ev, str) else ev.get("text", ""))
            if e and (e in s or s in e or _shared(e, s) >= 0.6):
                out.append(g)
                break
    return out


def _shared(a: str, b: str) -> float:
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def _fit(rows: list[tuple[Features, int]], c: float) -> Linear:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([f for f, _ in rows])
    y = [label for _, label in rows]
    if len(set(y)) < 2:
        return Linear({}, 4.0 if y and y[0] else -4.0)
    lr = LogisticRegression(C=c, solver="lbfgs", max_iter=2000, fit_intercept=False)
    lr.fit(x, y)  # the "bias" feature carries the intercept, regularised like the rest
    weights = {name: round(float(w), 5) for name, w in zip(vec.get_feature_names_out(), lr.coef_[0]) if abs(w) > 1e-5}
    return Linear(weights, 0.0)


@dataclass
class Collected:
    side_rows: list[tuple[Features, int]]
    keep_rows: list[tuple[Features, int]]
    claimant_rows: list[tuple[Features, int]]
    period_rows: list[tuple[Features, str]]


def collect(extractor: Any, examples: Iterable[Example], read: Any, side: Linear | None = None,
            claimant: Linear | None = None) -> Collected:
    """Labelled rows of every draft of every example (``side``, ``claimant``: apply those models
    first, as extraction applies them)."""
    out = Collected([], [], [], [])
    kind_of = extractor.registry.kind_of
    apply = DecisionModel("collect", Linear({}, 0.0), side or Linear({}, 0.0), 0.0,
                          claimant=claimant or Linear({}, 0.0))
    for ex in examples:
        for doc in read(ex.path):
            drafts, infos, ctx = extractor.drafts(doc)
            by_index = {i.sentence.index: i for i in infos}
            outlet = extractor._outlet_of(infos, doc)
            for d in drafts:
                if not d.cand.category or d.cand.count.value is None and d.cand.count.qualifier != "range":
                    continue
                info = by_index[d.cand.sentence.index]
                c = d.cand.count
                golds = gold_for(info.sentence.text, _number({"value": c.value, "qualifier": c.qualifier,
                                                             "low": c.low, "high": c.high}), ex.gold)
                speakers = extractor.speakers(d, info, infos, outlet)
                said_by = {_fold(g.get("claimant_party")) for g in golds}
                rows = list(zip(extractor.speaker_features(d, info, speakers),
                                (int(_fold(a.party) in said_by) for a, _ in speakers)))
                if golds and len(speakers) > 1 and any(y for _, y in rows) and not all(y for _, y in rows):
                    out.claimant_rows += rows
                if claimant is not None:
                    extractor.choose_claimant(apply, d, info, infos, outlet)
                base = draft_features(d, info, kind_of)
                options = side_options(d, info, ctx, extractor.registry)
                sides = {_fold(g.get("subject_party")) for g in golds}
                if golds and sides & {_fold(o) for o in options}:
                    out.side_rows += zip(side_features(d, info, ctx, options, base),
                                         (int(_fold(o) in sides) for o in options))
                if side is not None and extractor.choose_side(apply, d, info, ctx, base):
                    base = draft_features(d, info, kind_of)
                right = [g for g in golds if g.get("category") == d.cand.category
                         and _fold(g.get("subject_party")) == _fold(d.subject_party)]
                out.keep_rows.append((base, int(bool(right))))
                if right and right[0].get("period_kind") in PERIOD_KINDS:
                    out.period_rows.append((base, right[0]["period_kind"]))
    return out


def train(extractor: Any, examples: list[Example], read: Any, *, c: float = 0.5,
          threshold: float = 0.5, version: str = "", held_out: list[Example] = ()) -> DecisionModel:  # type: ignore[assignment]
    """Fit the side model, then the keep model on drafts whose side the side model chose; the
    confidence is calibrated on ``held_out`` articles (none: the keep model's own probability)."""
    claimant = _fit(collect(extractor, examples, read).claimant_rows, c)
    first = collect(extractor, examples, read, claimant=claimant)
    side = _fit(first.side_rows, c)
    second = collect(extractor, examples, read, side, claimant)
    keep = _fit(second.keep_rows, c)
    period = {k: _fit([(f, int(y == k)) for f, y in second.period_rows], c) for k in PERIOD_KINDS}
    calibration = (_platt(keep, collect(extractor, held_out, read, side, claimant).keep_rows)
                   if held_out else (1.0, 0.0))
    return DecisionModel(version or f"{len(examples)} documents", keep, side, threshold, calibration, claimant,
                         period)


def _platt(keep: Linear, rows: list[tuple[Features, int]]) -> tuple[float, float]:
    """(a, b) of sigmoid(a * score + b) fitted to held-out labels."""
    from sklearn.linear_model import LogisticRegression

    labels = [y for _, y in rows]
    if len(set(labels)) < 2:
        return (1.0, 0.0)
    lr = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)
    lr.fit([[keep.score(f)] for f, _ in rows], labels)
    return (round(float(lr.coef_[0][0]), 5), round(float(lr.intercept_[0]), 5))


def to_json(model: DecisionModel, *, trained_on: list[str], notes: dict[str, Any] | None = None) -> str:
    """The model file: stable (sorted keys, rounded weights) so a retrain on the same corpus is identical."""
    data = {
        "format": FORMAT,
        "version": model.version,
        "threshold": model.threshold,
        "margin": model.margin,
        "calibration": list(model.calibration),
        "trained_on": sorted(trained_on),
        "keep": {"intercept": model.keep.intercept, "weights": dict(sorted(model.keep.weights.items()))},
        "side": {"intercept": model.side.intercept, "weights": dict(sorted(model.side.weights.items()))},
        "claimant": {"intercept": model.claimant.intercept, "weights": dict(sorted(model.claimant.weights.items()))},
        "period": {k: {"intercept": m.intercept, "weights": dict(sorted(m.weights.items()))}
                   for k, m in sorted(model.period.items())},
        **({"notes": notes} if notes else {}),
    }
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"
