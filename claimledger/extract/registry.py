"""The party registry and gazetteer: who is who, who fights whom, and where places are.

Loaded from ``data/parties.yaml`` and ``data/places.yaml`` (format: docs/registry.md) plus any
user files. Every party-specific fact the extractor uses comes from here, never from code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import RegistryError
from .compose import OrganKind, composed_terms, organ_kinds, term_key

#: libyaml when installed: the registry loads about 10x faster (the lexicon uses it too)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NON_BELLIGERENT = ("media", "UN", "NGO", "other")
#: Words after an organ that name who speaks for it; read as part of the organ's mention.
TITLES = frozenset({"spokesman", "spokesperson", "spokeswoman", "spokesmen", "spokespeople"})
LEVELS = {"country": 1, "region": 2, "city": 3, "district": 4}


@dataclass(frozen=True, slots=True)
class Mention:
    """A registry term found in text. ``kind``: organ, party, demonym, loaded, enemy, irregular, place."""

    start: int
    end: int
    text: str
    kind: str
    party: str | None
    name: str
    role: str = "party"
    place: "Place | None" = None


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    level: int
    lat: float | None
    lon: float | None
    party: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    sides: tuple[str, str]
    began: str | None
    war_terms: tuple[str, ...]
    events: tuple[tuple[tuple[str, ...], str], ...]


@dataclass
class Registry:
    """Parties, organs, conflicts and places, with one regex per case mode for mentions."""

    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    enemy_terms: list[str] = field(default_factory=list)
    irregular_terms: list[str] = field(default_factory=list)
    _terms: dict[str, list[Mention]] = field(default_factory=dict)
    place_aliases: list[tuple[str, Place]] = field(default_factory=list)
    organ_kinds: list[OrganKind] = field(default_factory=list)
    _trie: dict[str, Any] = field(default_factory=dict)
    _lookups: dict[str, dict[str, Any]] = field(default_factory=dict)  # derived tables, see _lookup

    # -- building -------------------------------------------------------------------------
    def add_file(self, path: str | Path) -> None:
        """Merge a user registry file (parties, conflicts, places) into this registry."""
        try:
            data = yaml.load(Path(path).read_text("utf-8"), Loader=YAML_LOADER) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RegistryError(f"{path}: cannot read registry: {exc}") from exc
        if not isinstance(data, dict):
            raise RegistryError(f"{path}: a registry file must be a mapping with parties/conflicts/places")
        self.add_data(data, origin=str(path))

    def add_data(self, data: dict[str, Any], *, origin: str = "registry") -> None:
        unknown = set(data) - {"parties", "conflicts", "places", "enemy_terms", "irregular_terms", "organ_kinds"}
        if unknown:
            raise RegistryError(f"{origin}: unknown registry keys {sorted(unknown)}")
        for p in data.get("parties") or []:
            self._add_party(p, origin)
        for c in data.get("conflicts") or []:
            self._add_conflict(c, origin)
        for pl in data.get("places") or []:
            self._add_place(pl, origin)
        self.enemy_terms += [str(t) for t in data.get("enemy_terms") or []]
        self.irregular_terms += [str(t) for t in data.get("irregular_terms") or []]
        self.organ_kinds += organ_kinds(data.get("organ_kinds") or [], origin)
        self._trie = {}
        self._lookups = {}  # built again from the merged data when asked

    def _add_party(self, p: dict[str, Any], origin: str) -> None:
        if not isinstance(p, dict) or "name" not in p:
            raise RegistryError(f"{origin}: every party needs a name: {p!r}")
        entry = self.parties.setdefault(p["name"], {"name": p["name"], "kind": "belligerent", "names": [],
                                                    "demonyms": [], "loaded": [], "organs": [], "homelands": [],
                                                    "capitals": []})
        for key in ("names", "demonyms", "loaded", "organs", "homelands", "capitals"):
            entry[key] += list(p.get(key) or [])
        entry["kind"] = p.get("kind", entry["kind"])
        entry["state"] = bool(p.get("state", entry.get("state", False)))  # a state's bare organs: "the General Staff"

    def _add_conflict(self, c: dict[str, Any], origin: str) -> None:
        sides = tuple(c.get("sides") or ())
        if len(sides) != 2:
            raise RegistryError(f"{origin}: conflict {c.get('id')!r} needs exactly two sides")
        events = tuple((tuple(e.get("phrases") or ()), str(e["date"])) for e in c.get("events") or [])
        began = str(c["began"]) if c.get("began") else None
        self.conflicts.append(Conflict(str(c.get("id")), (sides[0], sides[1]), began,
                                       tuple(c.get("war_terms") or ()), events))

    def _add_place(self, pl: dict[str, Any], origin: str) -> None:
        if not isinstance(pl, dict) or "name" not in pl:
            raise RegistryError(f"{origin}: every place needs a name: {pl!r}")
        place = Place(pl["name"], LEVELS.get(pl.get("level", "city"), 3), _float(pl.get("lat")),
                      _float(pl.get("lon")), pl.get("party"))
        for alias in [pl["name"], *(pl.get("aliases") or [])]:
            self.places[str(alias).lower()] = place
            self.place_aliases.append((str(alias), place))

    # -- lookups -------------------------------------------------------------------------------
    def kind_of(self, party: str | None) -> str:
        return str(self.parties.get(party or "", {}).get("kind", "other"))

    def enemies_of(self, party: str | None) -> list[str]:
        """Every party fighting ``party`` in some conflict, in registry order."""
        enemies = self._lookup("enemies")
        if (party or "") not in enemies:
            out: list[str] = []
            for c in self.conflicts:
                if party in c.sides:
                    other = c.sides[1] if c.sides[0] == party else c.sides[0]
                    if other not in out:
                        out.append(other)
            enemies[party or ""] = out
        return list(enemies[party or ""])

    def parties_at_home_in(self, place_party: str) -> list[str]:
        """The parties whose homelands include ``place_party`` ("Gaza" for the Palestinian groups)."""
        return self._lookup("at_home").get(place_party, [])

    def _lookup(self, name: str) -> dict[str, Any]:
        """A look-up table derived from the merged registry, built on first use."""
        if not self._lookups:
            at_home: dict[str, list[str]] = {}
            capitals: dict[str, str] = {}
            for party, entry in self.parties.items():
                for home in entry.get("homelands", []):
                    at_home.setdefault(home, []).append(party)
                for capital in entry.get("capitals", []):
                    capitals.setdefault(capital, party)
            self._lookups = {"at_home": at_home, "capitals": capitals, "enemies": {}}
        return self._lookups[name]

    def as_state(self, m: Mention) -> Mention:
        """A capital city as an actor or speaker stands for its state ("Moscow denied ...",
        "Kiev has lost 620 soldiers"); any other mention is itself."""
        state = self.capital_of(m.name) if m.kind == "place" else None
        return Mention(m.start, m.end, m.text, "party", state, state) if state else m

    def capital_of(self, place: str) -> str | None:
        """The state whose capital ``place`` is ("Moscow said" speaks for Russia)."""
        return self._lookup("capitals").get(place)

    def homelands(self, party: str) -> set[str]:
        return {party, *self.parties.get(party, {}).get("homelands", [])}

    def conflicts_of(self, parties: Iterable[str | None]) -> list[Conflict]:
        ps = {p for p in parties if p}
        return [c for c in self.conflicts if ps & set(c.sides)]

    def war_starts(self) -> list[tuple[tuple[str, ...], str]]:
        """(war terms, start date) of each conflict, for inferring a dateline's year."""
        return [(c.war_terms, c.began) for c in self.conflicts if c.began and c.war_terms]

    def place(self, name: str) -> Place | None:
        return self.places.get(name.lower())

    # -- mentions ------------------------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """Every registry term in ``text``: leftmost-longest, non-overlapping, left to right.

        Matching walks a trie of lower-cased word tokens (fast for thousands of aliases);
        acronyms and capitalised single words must also match in case ("IDF", "Shot" vs "shot").
        """
        if not self._trie:
            self._compile()
        starts, ends, words, gaps = _tokens(text)
        trie = self._trie
        out: list[Mention] = []
        k, n = 0, len(words)
        while k < n:
            if words[k] not in trie:  # most words start no term: one set look-up each
                k += 1
                continue
            node, best, j = trie, None, k
            while j < n and words[j] in node:
                if j > k and gaps[j].strip():
                    break  # a name never runs across punctuation ("Kharkiv, governor says")
                node = node[words[j]]
                j += 1
                if _END in node:
                    span = text[starts[k]:ends[j - 1]]
                    proto = next((m for m in node[_END] if _case_ok(m.text, span)), None)
                    if proto is not None:
                        best = (j, proto)
            if best is None:
                k += 1
                continue
            j, proto = best
            if proto.kind == "organ" and j < n and words[j] in TITLES and not gaps[j].strip():
                j += 1  # "Ukrainian air force spokesman" speaks for the air force
            out.append(Mention(starts[k], ends[j - 1], text[starts[k]:ends[j - 1]], proto.kind, proto.party,
                               proto.name, proto.role, proto.place))
            k = j
        return out

    def candidates(self, term: str) -> list[Mention]:
        """All registry readings of ``term`` (an alias may belong to several parties)."""
        if not self._trie:
            self._compile()
        return list(self._terms.get(term_key(term), ()))

    def _compile(self) -> None:
        terms: dict[str, list[Mention]] = {}

        def add(term: str, kind: str, party: str | None, name: str, role: str = "party",
                place: Place | None = None) -> None:
            terms.setdefault(term_key(term), []).append(Mention(0, 0, term, kind, party, name, role, place))

        for pname, p in self.parties.items():
            roles = {o["name"]: o.get("role", "military") for o in p["organs"]}
            for organ in p["organs"]:
                role = organ.get("role", "military")
                name = organ["name"]
                if role == "spokesman" and organ.get("organ") in roles:
                    # a spokesman speaks with the voice (role, and name as a claimant's key) of his organ
                    role, name = roles[organ["organ"]], organ["organ"]
                for alias in [organ["name"], *(organ.get("aliases") or [])]:
                    add(str(alias), "organ", pname, name, role)
            for n in p["names"]:
                add(str(n), "party", pname, pname)
            for d in p["demonyms"]:
                add(str(d), "demonym", pname, pname)
            for lt in p["loaded"]:
                add(str(lt), "loaded", pname, pname)
        self._add_composed(terms)
        for t in self.enemy_terms:
            add(t, "enemy", None, t)
        for t in self.irregular_terms:
            add(t, "irregular", None, t)
        for alias, place in self.place_aliases:
            add(alias, "place", place.party, place.name, "place", place)
        order = ("organ", "party", "demonym", "loaded", "enemy", "irregular", "place")
        trie: dict[str, Any] = {}
        for key, ms in terms.items():  # organs before names before places for one spelling
            ms.sort(key=lambda m: order.index(m.kind))
            node = trie
            toks = [_fold(t) for t in _TOKEN.findall(key)]
            if not toks:
                continue
            for tok in toks:
                node = node.setdefault(tok, {})
            node.setdefault(_END, []).extend(ms)
        self._terms = terms
        self._trie = trie

    def _add_composed(self, terms: dict[str, list[Mention]]) -> None:
        """Organ spellings composed for every belligerent; a listed reading of the same spelling wins."""
        belligerent = [p for p, e in self.parties.items() if e["kind"] == "belligerent"]
        for t in composed_terms(self.parties, self.organ_kinds, belligerent):
            readings = terms.setdefault(t.key, [])
            if not any(m.party == t.party and m.kind in ("organ", "party") for m in readings):
                readings.append(Mention(0, 0, t.term, "organ", t.party, t.name, t.role))


_END = "\0"
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*|['’]s\b")
_TOKEN_SPLIT = re.compile(r"(\w+(?:[-.]\w+)*|['’]s\b)")


def _tokens(text: str) -> tuple[list[int], list[int], list[str], list[str]]:
    """Each word token's start, end and folded form (see _fold), and the text before it.

    One C-level split and running sum give every offset; only the rare dotted token is folded in
    Python (a loop over a document's tokens made registry look-ups the slowest step)."""
    pieces = _TOKEN_SPLIT.split(text)  # text between tokens, token, text between, ..., text after
    at = list(accumulate(map(len, pieces)))
    starts, ends = at[0::2][:-1], at[1::2]
    lowered = text.lower().replace("’", "'")
    if len(lowered) == len(text):  # lower-casing kept every offset (it does, but for a few letters)
        words = [lowered[a:b] for a, b in zip(starts, ends)]
    else:
        words = [w.lower().replace("’", "'") for w in pieces[1::2]]
    words = [_fold(w) if "." in w else w for w in words]
    return starts, ends, words, pieces[0::2]


_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]?\.?")


def _fold(token: str) -> str:
    """Lower case, one apostrophe, and dotted acronyms undotted ("U.N." and "UN" are one token)."""
    t = token.lower().replace("’", "'")
    return t.replace(".", "") if "." in t and _DOTTED.fullmatch(t) else t


def _case_ok(term: str, span: str) -> bool:
    if not _case_sensitive(term):
        return True
    spelled = " ".join(span.split())
    return spelled in (term, term.upper()) or spelled.replace(".", "") in (term, term.upper())


def _case_sensitive(term: str) -> bool:
    """Acronyms and capitalised single words ("IDF", "Shot", "Hamas") match only as spelled
    (or in capitals), so that a name never matches a common word ("shot")."""
    letters = [c for c in term if c.isalpha()]
    if not letters:
        return False
    if len(term) <= 6 and all(c.isupper() for c in letters):
        return True
    return len(term.split()) == 1 and term[0].isupper()


def _float(v: Any) -> float | None:
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _read_package_yaml(name: str) -> Any:
    text = resources.files("claimledger.extract").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.load(text, Loader=YAML_LOADER)


@lru_cache(maxsize=1)
def _default_data() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    return (_read_package_yaml("parties.yaml") or {}, _read_package_yaml("places.yaml") or [],
            _read_package_yaml("organs.yaml") or {})


def load_registry(*extra: str | Path) -> Registry:
    """The shipped registry, extended by each file in ``extra`` (later files add to earlier)."""
    parties, places, organs = _default_data()
    reg = Registry()
    reg.add_data(dict(parties), origin="parties.yaml")
    reg.add_data(dict(organs), origin="organs.yaml")
    reg.add_data({"places": places}, origin="places.yaml")
    for path in extra:
        reg.add_file(path)
    return reg
