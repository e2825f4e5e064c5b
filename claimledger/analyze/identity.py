"""Claimant identity: the many ways reports write one claimant, folded to one name.

Reports name the same speaker in many spellings: "Israeli army", "Israel's military", "IDF" and,
after a first full mention, just "Army"; "Russian Defense Ministry" and "Russia's Defence
Ministry"; "Firass Abiad", then "Abiad". The ledger keeps each as written (the evidence); the
analyses count a claimant once. A name is folded, within its claimant party only (the same words
for another side are another claimant), by these steps in order:

1. the party registry: a spelling the registry lists for that party (any case, dots and
   apostrophes aside, a trailing "spokesman" dropped, or a bare organ word such as "Army" read
   with the party's own adjectives: "Israeli Army") gives the registry's canonical name;
2. fuzzy match (rapidfuzz) against the registry's spellings for that party, for spelling
   variants the registry does not list ("Defense"/"Defence", a missing accent);
3. among the ledger's own names of the party: spelling variants of one another fold to the
   most used spelling, and a surname alone ("Muyaya") folds to the one full name of that party
   ending with it ("Patrick Muyaya"), looked for in the same report first, then in the ledger.
   Two full names never fold into each other unless they are spelling variants, so two people
   of one party stay two.

The same steps run for every party; which party a name belongs to comes from the claim.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from ..extract.registry import TITLES, Registry, load_registry

Row = Mapping[str, Any]
#: Least rapidfuzz ratio (0-100) for two spellings to be one name: "Defense"/"Defence" pass,
#: "Oleh Kiper"/"Oleh Kuper"-like pairs of different people mostly do not.
SPELLING_CUTOFF = 92
#: Shorter names are matched exactly only: one letter changes a short name entirely ("ISW", "IISS").
FUZZY_MIN_LENGTH = 8
#: Parties that stand for many bodies: a generic word for them ("rights group") names no one body.
GENERIC_PARTY_KINDS = frozenset({"media", "NGO", "other"})
_DOTS = re.compile(r"(?<=\w)\.(?=\w|\s|$)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The shipped party registry, loaded once per process."""
    return load_registry()


def name_key(name: Any) -> str:
    """A name reduced to what tells names apart: no case, accents, dots or extra spaces."""
    text = unicodedata.normalize("NFKD", str(name or "")).translate(_APOSTROPHES)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_DOTS.sub("", text).split()).casefold()


@dataclass(slots=True)
class _PartyNames:
    """One party's registry spellings (keyed by :func:`name_key`) and the names they stand for."""

    canonical: dict[str, str] = field(default_factory=dict)


class RegistryNames:
    """Registry look-ups of claimant names, cached per (name, party)."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or default_registry()
        self._parties: dict[str, _PartyNames] = {}
        self._cache: dict[tuple[str, str], str | None] = {}

    def canonical(self, name: str, party: str) -> str | None:
        """The registry's name for ``name`` as a claimant of ``party``; None when it has none."""
        key = (name, party)
        if key not in self._cache:
            self._cache[key] = self._exact(name, party) or self._fuzzy(name, party)
        return self._cache[key]

    def _exact(self, name: str, party: str) -> str | None:
        for spelling in _spellings(name):
            found = self._reading(spelling, party)
            if found:
                return found
        # a bare organ word ("Army", "the military") read with the party's own adjectives
        entry = self.registry.parties.get(party, {})
        bare = _without_article(name)
        for prefix in [*entry.get("demonyms", []), *entry.get("names", [])]:
            found = self._reading(f"{prefix} {bare}", party)
            if found:
                return found
        return None

    def _reading(self, spelling: str, party: str) -> str | None:
        names = set()
        generic = self.registry.kind_of(party) in GENERIC_PARTY_KINDS
        for m in self.registry.candidates(spelling):
            if m.kind == "party" and generic:
                continue  # "rights group", "aid group": some body of the kind, not one claimant
            if m.kind in ("organ", "party") and m.party == party:
                names.add(m.name)
            elif m.kind == "place" and self.registry.capital_of(m.name) == party:
                names.add(party)  # "Moscow said": the capital speaks for its state
        return names.pop() if len(names) == 1 else None

    def _fuzzy(self, name: str, party: str) -> str | None:
        key = name_key(name)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        known = self._party(party).canonical
        hit = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF)
        return known[hit[0]] if hit else None

    def _party(self, party: str) -> _PartyNames:
        if party not in self._parties:
            names = _PartyNames()
            entry = self.registry.parties.get(party, {})
            if self.registry.kind_of(party) not in GENERIC_PARTY_KINDS:
                for spelling in [party, *entry.get("names", [])]:
                    names.canonical.setdefault(name_key(spelling), party)
            for organ in entry.get("organs", []):
                for spelling in [organ["name"], *(organ.get("aliases") or [])]:
                    if (found := self._reading(str(spelling), party)) is not None:
                        names.canonical.setdefault(name_key(spelling), found)
            self._parties[party] = names
        return self._parties[party]


def _spellings(name: str) -> list[str]:
    """The ways to look a name up: as written, without dots, without a trailing title."""
    out = [name, _DOTS.sub("", name)]
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in TITLES:
        out.append(" ".join(words[:-1]))
    return list(dict.fromkeys(s for s in out if s.strip()))


def _without_article(name: str) -> str:
    words = name.split()
    return " ".join(words[1:]) if len(words) > 1 and words[0].casefold() == "the" else name


@dataclass(frozen=True, slots=True, kw_only=True)
class Claimant:
    """One claimant: its name, its party, the spellings reports used, and its number of claims."""

    name: str
    party: str
    spellings: tuple[str, ...]
    claims: int

    def to_dict(self) -> dict[str, Any]:
        return {"claimant": self.name, "claimant_party": self.party, "spellings": list(self.spellings),
                "claims": self.claims}


class ClaimantIndex:
    """Every claimant name of a ledger (or a selection) mapped to its folded name.

    Build it with :meth:`of` from (claimant, party, document id, count) mentions; then
    :meth:`name` gives the folded name of any of them.
    """

    def __init__(self, names: RegistryNames) -> None:
        self._registry = names
        self._folded: dict[tuple[str, str, str], str] = {}
        self._by_name: dict[tuple[str, str], str] = {}

    @classmethod
    def of(cls, mentions: Iterable[tuple[Any, Any, Any, int]], *, registry: Registry | None = None) -> ClaimantIndex:
        """Index ``(claimant, claimant party, document id, claims)`` mentions (one per distinct triple)."""
        index = cls(RegistryNames(registry))
        index._build(list(mentions))
        return index

    def name(self, claimant: Any, party: Any, document_id: Any = None) -> str:
        """The folded name of a claimant as written in a report (the name itself if not indexed)."""
        key = (str(claimant or ""), str(party or ""), str(document_id or ""))
        return self._folded.get(key) or self._by_name.get(key[:2]) or " ".join(key[0].split())

    def _build(self, mentions: list[tuple[Any, Any, Any, int]]) -> None:
        # 1-2: the registry's name where it has one; else the name as written, spacing tidied
        first: dict[tuple[str, str], str] = {}
        registered: set[tuple[str, str]] = set()
        weight: Counter[tuple[str, str]] = Counter()
        for claimant, party, _, n in mentions:
            written, side = str(claimant or ""), str(party or "")
            if (written, side) not in first:
                found = self._registry.canonical(written, side)
                first[(written, side)] = found or " ".join(written.split())
                if found:
                    registered.add((side, found))
            weight[(side, first[(written, side)])] += n
        # 3: spelling variants within the party, then surnames alone
        spelled = _fold_spellings(weight)
        full_names = _full_names(spelled.items())
        in_doc: dict[tuple[str, str], set[str]] = defaultdict(set)
        for claimant, party, doc, _ in mentions:
            side = str(party or "")
            in_doc[(str(doc or ""), side)].add(spelled[(side, first[(str(claimant or ""), side)])])
        for claimant, party, doc, _ in mentions:
            written, side, doc_id = str(claimant or ""), str(party or ""), str(doc or "")
            folded = spelled[(side, first[(written, side)])]
            if (side, folded) not in registered:
                folded = _full_name(folded, side, in_doc[(doc_id, side)], full_names) or folded
            self._folded[(written, side, doc_id)] = folded
            self._by_name.setdefault((written, side), folded)


def _fold_spellings(weight: Counter[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each (party, name) to the most used of its spelling variants within the party."""
    out: dict[tuple[str, str], str] = {}
    by_party: dict[str, list[str]] = defaultdict(list)
    for party, name in weight:
        by_party[party].append(name)
    for party, names in by_party.items():
        # most used first, so each variant folds to the most used spelling of its group
        ordered = sorted(names, key=lambda n: (-weight[(party, n)], n))
        heads: list[str] = []
        for name in ordered:
            head = next((h for h in heads if _same_spelling(name, h)), None)
            if head is None:
                heads.append(name)
            out[(party, name)] = head or name
    return out


def _same_spelling(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < FUZZY_MIN_LENGTH:
        return False
    return fuzz.ratio(ka, kb) >= SPELLING_CUTOFF


def _full_names(folded: Iterable[tuple[tuple[str, str], str]]) -> dict[tuple[str, str], set[str]]:
    """Names of two words or more by (party, last word): where a surname alone may point."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (party, _), name in folded:
        words = name_key(name).split()
        if len(words) > 1:
            out[(party, words[-1])].add(name)
    return out


def _full_name(name: str, party: str, in_document: set[str],
               full_names: Mapping[tuple[str, str], set[str]]) -> str | None:
    """The one full name a surname alone stands for: in the same report, else in the ledger."""
    words = name.split()
    if len(words) != 1 or not name[:1].isupper() or name_key(name) == name_key(party):
        return None  # only a capitalised single word can be a surname ("junta" is not)
    candidates = full_names.get((party, name_key(name)), set())
    here = candidates & in_document
    for pool in (here, candidates):
        if len(pool) == 1:
            return next(iter(pool))
        if len(pool) > 1:
            return None  # two people of the party share the surname: it stays as written
    return None


def fold_claimants(rows: Iterable[Row], *, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Rows with ``claimant`` folded (see the module doc) and the name as written in ``claimant_raw``.

    Rows already folded (they carry ``claimant_raw``) are returned as they are.
    """
    rows = [dict(r) for r in rows]
    todo = [r for r in rows if "claimant_raw" not in r]
    if not todo:
        return rows
    counts = Counter((r.get("claimant"), r.get("claimant_party"), r.get("document_id")) for r in todo)
    index = ClaimantIndex.of(((c, p, d, n) for (c, p, d), n in counts.items()), registry=registry)
    for r in todo:
        r["claimant_raw"] = r.get("claimant")
        r["claimant"] = index.name(r.get("claimant"), r.get("claimant_party"), r.get("document_id"))
    return rows


def claimant_list(rows: Iterable[Row], *, registry: Registry | None = None) -> list[Claimant]:
    """One entry per claimant (folded name and party), most claims first."""
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in fold_claimants(rows, registry=registry):
        groups[(str(r["claimant"]), str(r.get("claimant_party") or ""))][str(r.get("claimant_raw") or "")] += 1
    out = [Claimant(name=name, party=party, spellings=tuple(sorted(spellings)), claims=sum(spellings.values()))
           for (name, party), spellings in groups.items()]
    return sorted(out, key=lambda c: (-c.claims, name_key(c.name), c.party))
