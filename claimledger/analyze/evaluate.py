"""Score extracted claims against gold files (SCHEMA.md's format and matching rule).

A predicted claim matches a gold claim when category, value (or low/high) and subject party
agree (``strict``; ``lenient`` drops the subject party). Vague counts are not scored. The
attributes claimant party, modality, qualifier, period kind and dates are scored on matched
claims. This agrees with ``shared/tools/score.py`` by construction and by test.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvaluationError

ATTRIBUTES = ("claimant_party", "modality", "qualifier", "period_kind", "period_start", "period_end")
_ALIASES = {
    "israel": "israel", "idf": "israel", "israeli army": "israel", "israeli military": "israel",
    "palestinians": "palestinians", "palestinian": "palestinians", "hamas": "palestinians",
    "gaza": "palestinians", "russia": "russia", "russian": "russia", "ukraine": "ukraine",
    "ukrainian": "ukraine",
}


def party_key(x: Any) -> str | None:
    """A party name folded the way the reference scorer folds it."""
    if x is None:
        return None
    k = str(x).strip().lower()
    return _ALIASES.get(k, k)


def number_key(c: dict[str, Any]) -> tuple[Any, ...]:
    low, high = c.get("low"), c.get("high")
    if c.get("qualifier") == "range" or (low is not None and high is not None and low != high):
        return ("range", low, high)
    if c.get("value") is None:
        return ("vague",)
    return ("v", int(c["value"]))


def core_key(c: dict[str, Any], *, strict: bool) -> tuple[Any, ...]:
    key: tuple[Any, ...] = (c.get("category"), number_key(c))
    return key + ((party_key(c.get("subject_party")),) if strict else ())


def scored(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims that carry a number (vague counts are not scored)."""
    return [c for c in claims if c.get("value") is not None or c.get("qualifier") == "range"]


def match(gold: list[dict[str, Any]], pred: list[dict[str, Any]], *, strict: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, predicted index), gold in order."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and core_key(g, strict=strict) == core_key(p, strict=strict):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def attribute_ok(name: str, g: dict[str, Any], p: dict[str, Any]) -> bool:
    if name == "claimant_party":
        return party_key(g.get(name)) == party_key(p.get(name))
    return g.get(name) == p.get(name)


@dataclass
class Report:
    """Totals, attribute accuracy, per-document counts and the misses."""

    totals: Counter[str] = field(default_factory=Counter)
    attrs: Counter[str] = field(default_factory=Counter)
    per_doc: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    missed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    spurious: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    wrong_attrs: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    #: (confidence, strictly matched) of every scored predicted claim, for calibration
    confidences: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, doc: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
        g, p = scored(gold), scored(pred)
        for mode, strict in (("strict", True), ("lenient", False)):
            pairs = match(g, p, strict=strict)
            self.totals[mode + "_tp"] += len(pairs)
            self.totals[mode + "_gold"] += len(g)
            self.totals[mode + "_pred"] += len(p)
            if strict:
                self._add_strict(doc, g, p, pairs)

    def _add_strict(self, doc: str, g: list[dict[str, Any]], p: list[dict[str, Any]],
                    pairs: list[tuple[int, int]]) -> None:
        self.per_doc[doc] = (len(pairs), len(g), len(p))
        for gi, pi in pairs:
            for a in ATTRIBUTES:
                self.attrs[a + "_n"] += 1
                ok = attribute_ok(a, g[gi], p[pi])
                self.attrs[a + "_ok"] += ok
                if not ok:
                    self.wrong_attrs.append((doc, a, g[gi], p[pi]))
        matched_g, matched_p = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
        self.confidences += [(float(c.get("confidence") or 0.0), i in matched_p) for i, c in enumerate(p)]
        self.missed += [(doc, c) for i, c in enumerate(g) if i not in matched_g]
        self.spurious += [(doc, c) for i, c in enumerate(p) if i not in matched_p]

    def summary(self) -> dict[str, Any]:
        """The same figures as the reference scorer's ``--json`` output."""
        out: dict[str, Any] = {}
        for mode in ("strict", "lenient"):
            tp, g, p = (self.totals[mode + k] for k in ("_tp", "_gold", "_pred"))
            pr = tp / p if p else 0.0
            rc = tp / g if g else 0.0
            out[mode] = {"tp": tp, "gold": g, "pred": p, "precision": round(pr, 3), "recall": round(rc, 3),
                         "f1": round(2 * pr * rc / (pr + rc), 3) if pr + rc else 0.0}
        out["attributes"] = {a: round(self.attrs[a + "_ok"] / self.attrs[a + "_n"], 3)
                             if self.attrs[a + "_n"] else None for a in ATTRIBUTES}
        out["per_doc"] = self.per_doc
        return out


def reliability(pairs: list[tuple[float, bool]], bins: int = 5) -> tuple[list[dict[str, Any]], float]:
    """A reliability table (confidence bins: claims, mean confidence, share right) and the
    expected calibration error (the claim-weighted mean gap between confidence and share right)."""
    rows = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if not inside:
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        right = sum(ok for _, ok in inside) / len(inside)
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "claims": len(inside), "confidence": round(conf, 3),
                     "right": round(right, 3)})
        ece += len(inside) / len(pairs) * abs(conf - right)
    return rows, round(ece, 3)


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read gold file: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise EvaluationError(f"{path}: a gold file is an object with a 'claims' list")
    return data


def gold_files(gold_dir: Path) -> list[tuple[str, Path]]:
    """(doc name, path) of every ``NAME.gold.json`` in ``gold_dir``, sorted."""
    if not gold_dir.is_dir():
        raise EvaluationError(f"{gold_dir}: not a directory of gold files")
    return [(f.name[: -len(".gold.json")], f) for f in sorted(gold_dir.glob("*.gold.json"))]
