"""What is worth showing when the user has not said: claimants, comparable pairs, ratio pairs.

Every choice here follows from the data alone (counts, modalities), never from which party
is which, so the same ledger with the sides swapped gives the mirrored choices.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..analyze import Side
from ..analyze.timeline import counts_as_figure
from ..store import ClaimFilter, Ledger
from .views import fold

Row = Mapping[str, Any]
#: Subject parties that are no side: a comparison of them sets unlike things side by side.
NO_SIDE = frozenset({"", "unknown"})
#: Modalities of a party speaking for itself or about its enemy: the numerator of a ratio
#: (a claim set against a reference count by someone else).
FIRST_HAND = ("claimed", "acknowledged")


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioChoice:
    """Two claimants' running totals of the same thing, fit for a ratio."""

    numerator: str
    numerator_modality: str
    denominator: str
    denominator_modality: str
    category: str
    subject_party: str
    subject: str
    points: int

    def sides(self) -> tuple[Side, Side]:
        return (Side(claimant=self.numerator, modality=self.numerator_modality),
                Side(claimant=self.denominator, modality=self.denominator_modality))

    def query(self) -> dict[str, str]:
        """The reference page's parameters for this choice."""
        return {"numerator": self.numerator, "numerator_modality": self.numerator_modality,
                "denominator": self.denominator, "denominator_modality": self.denominator_modality,
                "category": self.category, "subject_party": self.subject_party, "subject": self.subject}

    @property
    def label(self) -> str:
        return f"{self.numerator} / {self.denominator}: {self.subject} ({self.subject_party})"


def ratio_choices(rows: Iterable[Row]) -> list[RatioChoice]:
    """Pairs of claimants with running totals of the same subject, best covered first.

    The numerator is the claimant speaking first-hand (claimed/acknowledged) with the most
    running-total figures; the denominator the best covered other claimant, preferably of
    another side (a reference count by a third party).
    """
    groups: dict[tuple[str, str, str], Counter[tuple[str, str, str]]] = defaultdict(Counter)
    subjects: dict[tuple[str, str, str], str] = {}
    for r in rows:
        if r.get("period_kind") != "cumulative" or not counts_as_figure(r):
            continue
        key = (str(r["category"]), str(r["subject_party"]), fold(r.get("subject")))
        groups[key][(str(r["claimant"]), str(r["claimant_party"]), str(r["modality"]))] += 1
        subjects.setdefault(key, str(r.get("subject") or ""))
    choices = [c for key, counts in groups.items() if (c := _choice(key, subjects[key], counts))]
    return sorted(choices, key=lambda c: (-c.points, c.category, c.subject_party, c.subject))


def _choice(key: tuple[str, str, str], subject: str, counts: Counter[tuple[str, str, str]]) -> RatioChoice | None:
    ranked = sorted(counts.items(), key=lambda kv: (kv[0][2] not in FIRST_HAND, -kv[1], kv[0][0]))
    (num, num_party, num_modality), n = ranked[0]
    others = [kv for kv in ranked[1:] if fold(kv[0][0]) != fold(num)]
    if not others:
        return None
    (den, _, den_modality), m = next((kv for kv in others if kv[0][1] != num_party), others[0])
    return RatioChoice(numerator=num, numerator_modality=num_modality, denominator=den,
                       denominator_modality=den_modality, category=key[0], subject_party=key[1],
                       subject=subject, points=min(n, m))


@dataclass(frozen=True, slots=True, kw_only=True)
class Pair:
    """A (subject party, category) with figures from several claimants."""

    subject_party: str
    category: str
    claims: int
    claimants: int


def main_pairs(rows: Iterable[Row], *, limit: int = 6) -> list[Pair]:
    """The (subject party, category) pairs most worth comparing: most figures, two claimants at least."""
    claims: Counter[tuple[str, str]] = Counter()
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        if counts_as_figure(r) and str(r.get("subject_party") or "") not in NO_SIDE:
            key = (str(r["subject_party"]), str(r["category"]))
            claims[key] += 1
            who[key].add(fold(r.get("claimant")))
    pairs = [Pair(subject_party=sp, category=cat, claims=n, claimants=len(who[(sp, cat)]))
             for (sp, cat), n in claims.items() if len(who[(sp, cat)]) >= 2]
    return sorted(pairs, key=lambda p: (-p.claims, p.subject_party, p.category))[:limit]


def pair_counts(ledger: Ledger, f: ClaimFilter, *, limit: int = 20) -> list[tuple[str, str, int]]:
    """(subject party, category, claims) under a filter, largest first, from the store's facets."""
    out = []
    for category, _ in ledger.facets("category", f):
        for party, n in ledger.facets("subject_party", replace(f, category=category)):
            if str(party or "") not in NO_SIDE:
                out.append((str(party), str(category), n))
    return sorted(out, key=lambda t: (-t[2], t[0], t[1]))[:limit]


def claimant_counts(ledger: Ledger, f: ClaimFilter, *, limit: int = 500) -> list[dict[str, Any]]:
    """Claimants with their side and number of claims, most claims first.

    The store has no facet on claimant names, so this groups in SQL itself, on the store's
    own parameterised filter (no value enters the SQL text).
    """
    where, params = f.where()
    sql = ("SELECT c.claimant AS claimant, c.claimant_party AS claimant_party, COUNT(*) AS n "
           "FROM claims c JOIN documents d ON d.id = c.document_id WHERE " + where +
           " GROUP BY c.claimant, c.claimant_party ORDER BY n DESC, c.claimant LIMIT ?")
    return [dict(r) for r in ledger.db.execute(sql, (*params, limit))]
