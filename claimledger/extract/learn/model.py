"""The shipped decision model: logistic regressions over named features, read from a JSON file.

Trained by :mod:`claimledger.extract.learn.train` (``claimledger train``); applied here with plain
Python, so extraction needs no machine-learning library and costs a few dictionary look-ups per
candidate.
"""
from __future__ import annotations

import json
import math
from itertools import repeat
from operator import mul
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from ...errors import RegistryError

MODEL_FILE = "decision_model.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Linear:
    """A logistic regression: ``score`` is the log-odds (intercept plus the weights of the present
    features); options are ranked by it, and ``DecisionModel.confidence`` turns it into a probability."""

    weights: Mapping[str, float]
    intercept: float

    def score(self, features: Mapping[str, float]) -> float:
        # weight times value of every feature (0 for those the model does not know), summed in C:
        # scoring runs for every option of every figure
        return self.intercept + sum(map(mul, map(self.weights.get, features, repeat(0.0)), features.values()))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Linear":
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["intercept"]))


@dataclass(frozen=True, slots=True)
class DecisionModel:
    """Who claims a candidate (``claimant``), whose losses it counts (``side``), keep or drop (``keep``).

    ``calibration`` (a, b) maps the keep model's score z to the claim's confidence,
    sigmoid(a * z + b), fitted on held-out articles (Platt scaling) so that a confidence of 0.7
    means about 7 claims in 10 are right.
    """

    version: str
    keep: Linear
    side: Linear
    threshold: float
    calibration: tuple[float, float] = (1.0, 0.0)
    claimant: Linear = Linear({}, 0.0)  # who speaks: the rules' choice unless the model prefers another
    period: Mapping[str, Linear] = field(default_factory=dict)  # one score per period kind; the highest wins
    margin: float = 0.0  # how much better than the rules' choice another speaker or side must score

    def confidence(self, features: Mapping[str, float]) -> float:
        a, b = self.calibration
        z = a * self.keep.score(features) + b
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DecisionModel":
        if data.get("format") != FORMAT:
            raise RegistryError(f"decision model format {data.get('format')!r}, expected {FORMAT}")
        a, b = data.get("calibration", (1.0, 0.0))
        claimant = Linear.from_dict(data["claimant"]) if "claimant" in data else Linear({}, 0.0)
        period = {k: Linear.from_dict(v) for k, v in (data.get("period") or {}).items()}
        return cls(str(data["version"]), Linear.from_dict(data["keep"]), Linear.from_dict(data["side"]),
                   float(data["threshold"]), (float(a), float(b)), claimant, period, float(data.get("margin", 0.0)))

    def prefer(self, model: Linear, options: list[Any], features: list[Mapping[str, float]]) -> Any:
        """The option ``model`` scores best if it beats the rules' choice (the first option) by
        ``margin``; else the rules' choice."""
        scores = [model.score(f) for f in features]
        best = max(range(len(options)), key=lambda i: (scores[i], -i))
        return options[best] if scores[best] - scores[0] > self.margin else options[0]

    def period_kind(self, features: Mapping[str, float]) -> str | None:
        """The period kind the model prefers, or None when it has no period model."""
        if not self.period:
            return None
        return max(sorted(self.period), key=lambda k: self.period[k].score(features))


def load_model(path: str | Path | None = None) -> DecisionModel | None:
    """The model at ``path``, else the shipped one; None when none is shipped."""
    try:
        if path is not None:
            text = Path(path).read_text("utf-8")
        else:
            ref = resources.files("claimledger.extract").joinpath(f"data/{MODEL_FILE}")
            if not ref.is_file():
                return None
            text = ref.read_text("utf-8")
        return DecisionModel.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistryError(f"{path or MODEL_FILE}: cannot read the decision model: {exc}") from exc
