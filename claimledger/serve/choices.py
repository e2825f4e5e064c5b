"""What is worth showing when the user has not said: claimants, comparable pairs, ratio pairs.

Every choice here follows from the data alone (counts, modalities), never from which party
is which, so the same ledger with the sides swapped gives the mirrored choices.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..analyze import Side, prepare_rows
from ..analyze.timeline import counts_as_figure
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
    conflict: str = ""

    def sides(self) -> tuple[Side, Side]:
        return (Side(claimant=self.numerator, modality=self.numerator_modality),
                Side(claimant=self.denominator, modality=self.denominator_modality))

    def query(self) -> dict[str, str]:
        """The reference page's parameters for this choice."""
        return {"numerator": self.numerator, "numerator_modality": self.numerator_modality,
                "denominator": self.denominator, "denominator_modality": self.denominator_modality,
                "category": self.category, "subject_party": self.subject_party, "subject": self.subject,
                "conflict": self.conflict}

    @property
    def label(self) -> str:
        where = f" [{self.conflict}]" if self.conflict else ""
        return f"{self.numerator} / {self.denominator}: {self.subject} ({self.subject_party}){where}"


def ratio_choices(rows: Iterable[Row]) -> list[RatioChoice]:
    """Pairs of claimants with running totals of the same subject in the same conflict, best
    covered first.

    Rows are prepared first (claimant names folded, conflicts set: analyze.scope), so that one
    claimant's spellings are never paired with each other and no pair spans two wars. The
    numerator is the claimant speaking first-hand (claimed/acknowledged) with the most
    running-total figures; the denominator the best covered other claimant, preferably of
    another side (a reference count by a third party).
    """
    groups: dict[tuple[str, ...], Counter[tuple[str, str, str]]] = defaultdict(Counter)
    subjects: dict[tuple[str, ...], str] = {}
    for r in prepare_rows(rows):
        if r.get("period_kind") != "cumulative" or not counts_as_figure(r) or not r.get("conflict"):
            continue
        key = (str(r["category"]), str(r["subject_party"]), fold(r.get("subject")), str(r["conflict"]))
        groups[key][(str(r["claimant"]), str(r["claimant_party"]), str(r["modality"]))] += 1
        subjects.setdefault(key, str(r.get("subject") or ""))
    choices = [c for key, counts in groups.items() if (c := _choice(key, subjects[key], counts))]
    return sorted(choices, key=lambda c: (-c.points, c.category, c.subject_party, c.subject))


def _choice(key: tuple[str, ...], subject: str, counts: Counter[tuple[str, str, str]]) -> RatioChoice | None:
    ranked = sorted(counts.items(), key=lambda kv: (kv[0][2] not in FIRST_HAND, -kv[1], kv[0][0]))
    (num, num_party, num_modality), n = ranked[0]
    others = [kv for kv in ranked[1:] if fold(kv[0][0]) != fold(num)]
    if not others:
        return None
    (den, _, den_modality), m = next((kv for kv in others if kv[0][1] != num_party), others[0])
    return RatioChoice(numerator=num, numerator_modality=num_modality, denominator=den,
                       denominator_modality=den_modality, category=key[0], subject_party=key[1],
                       subject=subject, points=min(n, m), conflict=key[3])


@dataclass(frozen=True, slots=True, kw_only=True)
class Pair:
    """A (subject party, category) with figures from several claimants."""

    subject_party: str
    category: str
    claims: int
    claimants: int
    conflict: str = ""


def main_pairs(rows: Iterable[Row], *, limit: int = 6) -> list[Pair]:
    """The (conflict, subject party, category) triples most worth comparing: most figures, two
    claimants at least (names folded: two spellings of one claimant are one)."""
    claims: Counter[tuple[str, str, str]] = Counter()
    who: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in prepare_rows(rows):
        if counts_as_figure(r) and str(r.get("subject_party") or "") not in NO_SIDE and r.get("conflict"):
            key = (str(r["conflict"]), str(r["subject_party"]), str(r["category"]))
            claims[key] += 1
            who[key].add(fold(r.get("claimant")))
    pairs = [Pair(subject_party=sp, category=cat, claims=n, claimants=len(who[(c, sp, cat)]), conflict=c)
             for (c, sp, cat), n in claims.items() if len(who[(c, sp, cat)]) >= 2]
    return sorted(pairs, key=lambda p: (-p.claims, p.conflict, p.subject_party, p.category))[:limit]
