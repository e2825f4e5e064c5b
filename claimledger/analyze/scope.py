"""Which conflict each claim belongs to, so that no analysis sets one war's figures against another's.

The conflicts are the registry's (each with its two sides), plus, for claims between two sides
the registry places in no conflict at all, the pair itself as a conflict of its own (and such a
side that faces no other side in the ledger is a conflict of its own). A claim belongs to:

1. the conflict whose sides are its claimant party and its subject party, when there is one;
2. else the conflicts of whichever of the two is a side (a ministry's toll of "civilians"), and of
   the party of the claim's place when the registry knows it ("Khan Younis": Palestinians);
3. when that leaves several (Israel fights on several fronts) or none (a UN toll of civilians), the
   conflict most of the same report's claims belong to, among those left.

A claim that still fits several conflicts equally has none (``None``): it is left out of scoped
analyses and counted in their notes, never guessed.
"""
from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ConfigError
from ..extract.registry import Registry
from ..store import ClaimFilter, Ledger
from .identity import default_registry, fold_claimants

Row = Mapping[str, Any]
#: Parties that are not a side of any war: who they are tells nothing of which war a claim is about.
NOT_SIDES = frozenset({"", "civilians", "unknown", "international", "media", "UN", "NGO", "other"})
#: Document ids asked for at once (well under any database's limit of bound parameters).
_ID_CHUNK = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """A war between two sides: from the registry, or the pair of sides of claims it does not pair."""

    name: str
    sides: tuple[str, str]
    registered: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sides": list(self.sides), "registered": self.registered}


def registry_conflicts(registry: Registry | None = None) -> list[Conflict]:
    """The registry's conflicts, in its order."""
    reg = registry or default_registry()
    return [Conflict(name=c.id, sides=c.sides) for c in reg.conflicts]


def prepare_rows(rows: Iterable[Row], *, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Rows ready for the analyses: claimant names folded and each claim's ``conflict`` set.

    Rows already prepared are returned unchanged (preparing twice gives the same rows).
    """
    reg = registry or default_registry()
    return assign_conflicts(fold_claimants(rows, registry=reg), registry=reg)


def assign_conflicts(rows: Iterable[Row], *, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Rows with ``conflict`` set to the name of the conflict each belongs to (None: undecided).

    Rows that already carry a ``conflict`` key keep it.
    """
    rows = [dict(r) for r in rows]
    todo = [r for r in rows if "conflict" not in r]
    if not todo:
        return rows
    reg = registry or default_registry()
    conflicts = registry_conflicts(reg) + _unpaired(todo, reg)
    options = [_candidates(r, conflicts, reg) for r in todo]
    votes = _document_votes(todo, options)
    hints = _document_hints(todo, conflicts, reg)
    for row, names in zip(todo, options):
        doc = str(row.get("document_id") or "")
        row["conflict"] = _decide(names, votes.get(doc, Counter()), hints.get(doc, Counter()))
    return rows


def is_side(party: Any, registry: Registry) -> bool:
    """Whether a party can be a side of a war (a belligerent, or a name the registry does not know)."""
    name = str(party or "")
    if name in NOT_SIDES:
        return False
    return name not in registry.parties or registry.kind_of(name) == "belligerent"


def _unpaired(rows: Sequence[Row], registry: Registry) -> list[Conflict]:
    """Pairs of sides that face each other in claims, neither of which is in a registry conflict
    (a side the registry knows in other wars is placed among those, never in a war of its own)."""
    in_registry = {side for c in registry.conflicts for side in c.sides}
    pairs: set[tuple[str, str]] = set()
    alone: set[str] = set()
    for r in rows:
        a, b = str(r.get("claimant_party") or ""), str(r.get("subject_party") or "")
        sides = {p for p in (a, b) if is_side(p, registry) and p not in in_registry}
        if len(sides) == 2 and {a, b} == sides:
            pairs.add((min(a, b), max(a, b)))
        elif len(sides) == 1 and not {a, b} & in_registry:
            alone |= sides
    paired = {p for pair in pairs for p in pair}
    out = [Conflict(name=f"{a} / {b}", sides=(a, b), registered=False) for a, b in sorted(pairs)]
    # a side facing no side the ledger names (its toll of civilians only): a conflict of its own
    return out + [Conflict(name=p, sides=(p, p), registered=False) for p in sorted(alone - paired)]


def _candidates(row: Row, conflicts: Sequence[Conflict], registry: Registry) -> tuple[str, ...]:
    """The conflicts a claim may belong to from its own parties and place (empty: any)."""
    sides = {p for p in (str(row.get("claimant_party") or ""), str(row.get("subject_party") or ""))
             if is_side(p, registry)}
    if len(sides) == 2:
        both = tuple(c.name for c in conflicts if sides <= set(c.sides))
        if both:
            return both
    names = tuple(c.name for c in conflicts if sides & set(c.sides))
    place = registry.place(str(row.get("location") or "")) if row.get("location") else None
    if place and place.party and is_side(place.party, registry):
        here = tuple(c.name for c in conflicts if place.party in c.sides)
        narrowed = tuple(n for n in names if n in here) if names else here
        names = narrowed or names
    return names


def _document_votes(rows: Sequence[Row], options: Sequence[tuple[str, ...]]) -> dict[str, Counter[str]]:
    """Per report, how strongly its claims point at each conflict (a claim's vote is split
    among the conflicts it may belong to, so a claim that fits one counts most)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for row, names in zip(rows, options):
        for name in names:
            votes[str(row.get("document_id") or "")][name] += 1 / len(names)
    return votes


def _document_hints(rows: Sequence[Row], conflicts: Sequence[Conflict], registry: Registry) -> dict[str, Counter[str]]:
    """Per report, how often the sides of each conflict are named in its title and evidence:
    what settles a report whose claims alone do not ("Israeli strikes on Lebanon", a UN toll)."""
    texts: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        doc = str(r.get("document_id") or "")
        texts[doc].add(str(r.get("title") or ""))
        texts[doc].update(str(ev.get("text") or "") for ev in r.get("evidence") or [] if isinstance(ev, Mapping))
    out: dict[str, Counter[str]] = {}
    for doc, parts in texts.items():
        named = Counter(m.party for text in parts for m in registry.mentions(text)
                        if m.kind != "place" and m.party and is_side(m.party, registry))
        out[doc] = Counter({c.name: named[c.sides[0]] + named[c.sides[1]] for c in conflicts
                            if named[c.sides[0]] + named[c.sides[1]]})
    return out


def _decide(names: tuple[str, ...], votes: Counter[str], hints: Counter[str]) -> str | None:
    """One conflict among a claim's candidates (all, when it has none): the report's claims
    decide, its named sides break a tie; a tie left is no decision."""
    if len(names) == 1:
        return names[0]
    pool = [n for n in {*votes, *hints} if not names or n in names]
    for score in (votes, hints):
        if not pool:
            return None
        best = max(score.get(n, 0) for n in pool)
        pool = [n for n in pool if score.get(n, 0) == best]
    return pool[0] if len(pool) == 1 else None


def conflict_counts(rows: Iterable[Row]) -> Counter[str | None]:
    """How many prepared rows each conflict holds (None: claims of no one conflict)."""
    return Counter(r.get("conflict") for r in rows)


def resolve_conflict(name: str, known: Iterable[str]) -> str:
    """The conflict named ``name`` (any case) among ``known``; a typo is refused with 'did you mean'.

    Raises:
        ConfigError: no conflict has that name.
    """
    names = sorted({k for k in known if k})
    by_key = {k.casefold(): k for k in names}
    if name.casefold() in by_key:
        return by_key[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.6)
    hint = f"; did you mean {by_key[close[0]]!r}?" if close else f"; known: {', '.join(names) or 'none'}"
    raise ConfigError(f"conflict {name!r} is not in the registry or the ledger{hint}")


def known_conflicts(rows: Iterable[Row], registry: Registry | None = None) -> list[str]:
    """Every conflict name a user may give: the registry's and the ledger's unpaired ones."""
    names = [c.name for c in registry_conflicts(registry)]
    return names + sorted({str(r["conflict"]) for r in rows if r.get("conflict") and r["conflict"] not in names})


def pick_conflict(rows: Sequence[Row], conflict: str | None = None, *,
                  registry: Registry | None = None) -> str | None:
    """The conflict to analyse: the one named (checked), else the one most of ``rows`` belong to.

    Ties go to the conflict with more claimants, then to the earlier name, so the choice does not
    depend on the order of the rows. None when no row belongs to any conflict.
    """
    if conflict:
        return resolve_conflict(conflict, known_conflicts(rows, registry))
    counts = conflict_counts(r for r in rows if r.get("conflict"))
    if not counts:
        return None
    voices: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.get("conflict"):
            voices[str(r["conflict"])].add(str(r.get("claimant")))
    return str(min(counts, key=lambda c: (-counts[c], -len(voices[str(c)]), str(c))))


def in_conflict(rows: Iterable[Row], conflict: str | None) -> list[Row]:
    """The rows of one conflict; with ``conflict`` None, the rows of no conflict."""
    return [r for r in rows if r.get("conflict") == conflict]


def prepared_claims(ledger: Ledger, filters: ClaimFilter | None = None, *, registry: Registry | None = None,
                    **kw: Any) -> list[dict[str, Any]]:
    """A ledger's matching claims, prepared (:func:`prepare_rows`) with their reports' other
    claims as context, so that a claim's conflict is judged from its whole report."""
    f = replace(filters or ClaimFilter(**kw), limit=None, offset=0)
    rows = ledger.claims(f)
    wanted = {r["claim_id"] for r in rows}
    documents = sorted({str(r["document_id"]) for r in rows})
    context: list[dict[str, Any]] = []
    for i in range(0, len(documents), _ID_CHUNK):
        context += ledger.claims(ClaimFilter(document_id=documents[i:i + _ID_CHUNK]))
    shown = {r["claim_id"] for r in context}
    context += [r for r in rows if r["claim_id"] not in shown]  # rejected ones, when asked for
    return [r for r in prepare_rows(context, registry=registry) if r["claim_id"] in wanted]
