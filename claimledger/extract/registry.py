"""The party registry and gazetteer: who is who, who fights whom, and where places are.

Loaded from ``data/parties.yaml`` and ``data/places.yaml`` (format: docs/registry.md) plus any
user files. Every party-specific fact the extractor uses comes from here, never from code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import RegistryError

NON_BELLIGERENT = ("media", "UN", "NGO", "other")
LEVELS = {"country": 1, "region": 2, "city": 3, "district": 4}


@dataclass(frozen=True, slots=True)
class Mention:
    """A registry term found in text. ``kind``: organ, party, demonym, loaded, enemy, place."""

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
    _terms: dict[str, list[Mention]] = field(default_factory=dict)
    _regexes: tuple[re.Pattern[str], ...] = ()

    # -- building -------------------------------------------------------------------------
    def add_file(self, path: str | Path) -> None:
        """Merge a user registry file (parties, conflicts, places) into this registry."""
        try:
            data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RegistryError(f"{path}: cannot read registry: {exc}") from exc
        if not isinstance(data, dict):
            raise RegistryError(f"{path}: a registry file must be a mapping with parties/conflicts/places")
        self.add_data(data, origin=str(path))

    def add_data(self, data: dict[str, Any], *, origin: str = "registry") -> None:
        unknown = set(data) - {"parties", "conflicts", "places", "enemy_terms"}
        if unknown:
            raise RegistryError(f"{origin}: unknown registry keys {sorted(unknown)}")
        for p in data.get("parties") or []:
            self._add_party(p, origin)
        for c in data.get("conflicts") or []:
            self._add_conflict(c, origin)
        for pl in data.get("places") or []:
            self._add_place(pl, origin)
        self.enemy_terms += [str(t) for t in data.get("enemy_terms") or []]
        self._regexes = ()

    def _add_party(self, p: dict[str, Any], origin: str) -> None:
        if not isinstance(p, dict) or "name" not in p:
            raise RegistryError(f"{origin}: every party needs a name: {p!r}")
        entry = self.parties.setdefault(p["name"], {"name": p["name"], "kind": "belligerent", "names": [],
                                                    "demonyms": [], "loaded": [], "organs": [], "homelands": []})
        for key in ("names", "demonyms", "loaded", "organs", "homelands"):
            entry[key] += list(p.get(key) or [])
        entry["kind"] = p.get("kind", entry["kind"])

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

    # -- lookups -------------------------------------------------------------------------------
    def kind_of(self, party: str | None) -> str:
        return str(self.parties.get(party or "", {}).get("kind", "other"))

    def enemies_of(self, party: str | None) -> list[str]:
        """Every party fighting ``party`` in some conflict, in registry order."""
        out: list[str] = []
        for c in self.conflicts:
            if party in c.sides:
                other = c.sides[1] if c.sides[0] == party else c.sides[0]
                if other not in out:
                    out.append(other)
        return out

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
        """Every registry term in ``text``, longest match first, non-overlapping, left to right."""
        if not self._regexes:
            self._compile()
        found: list[Mention] = []
        for rx in self._regexes:
            for m in rx.finditer(text):
                key = _key(m.group(0))
                for proto in self._terms.get(key, ())[:1]:
                    found.append(Mention(m.start(), m.end(), m.group(0), proto.kind, proto.party,
                                         proto.name, proto.role, proto.place))
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        out: list[Mention] = []
        for m in found:
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out

    def candidates(self, term: str) -> list[Mention]:
        """All registry readings of ``term`` (an alias may belong to several parties)."""
        if not self._regexes:
            self._compile()
        return list(self._terms.get(_key(term), ()))

    def _compile(self) -> None:
        terms: dict[str, list[Mention]] = {}

        def add(term: str, kind: str, party: str | None, name: str, role: str = "party",
                place: Place | None = None) -> None:
            terms.setdefault(_key(term), []).append(Mention(0, 0, term, kind, party, name, role, place))

        for pname, p in self.parties.items():
            roles = {o["name"]: o.get("role", "military") for o in p["organs"]}
            for organ in p["organs"]:
                role = organ.get("role", "military")
                if role == "spokesman" and organ.get("organ") in roles:
                    role = roles[organ["organ"]]  # a spokesman speaks with the voice of his organ
                for alias in [organ["name"], *(organ.get("aliases") or [])]:
                    add(str(alias), "organ", pname, organ["name"], role)
            for n in p["names"]:
                add(str(n), "party", pname, pname)
            for d in p["demonyms"]:
                add(str(d), "demonym", pname, pname)
            for lt in p["loaded"]:
                add(str(lt), "loaded", pname, pname)
        for t in self.enemy_terms:
            add(t, "enemy", None, t)
        for alias, place in self.places.items():
            add(alias, "place", place.party, place.name, "place", place)
        for key, ms in terms.items():  # organs before names before places for one spelling
            ms.sort(key=lambda m: ("organ", "party", "demonym", "loaded", "enemy", "place").index(m.kind))
        self._terms = terms
        spellings = {m.text for ms in terms.values() for m in ms}
        exact = [t for t in spellings if _case_sensitive(t)]
        exact += [t.upper() for t in exact]
        other = [t for t in spellings if not _case_sensitive(t)]
        self._regexes = tuple(r for r in (_alternation(other, re.I), _alternation(exact, 0)) if r)


def _alternation(terms: list[str], flags: int) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = sorted(set(terms), key=len, reverse=True)
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?=['’]s\b|[^\w-]|$)", flags)


def _case_sensitive(term: str) -> bool:
    """Acronyms and capitalised single words ("IDF", "Shot", "Hamas") match only as spelled
    (or in capitals), so that a name never matches a common word ("shot")."""
    letters = [c for c in term if c.isalpha()]
    if not letters:
        return False
    if len(term) <= 6 and all(c.isupper() for c in letters):
        return True
    return len(term.split()) == 1 and term[0].isupper()


def _key(term: str) -> str:
    return " ".join(term.lower().replace("’", "'").split())


def _float(v: Any) -> float | None:
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _read_package_yaml(name: str) -> Any:
    text = resources.files("claimledger.extract").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def _default_data() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return _read_package_yaml("parties.yaml") or {}, _read_package_yaml("places.yaml") or []


def load_registry(*extra: str | Path) -> Registry:
    """The shipped registry, extended by each file in ``extra`` (later files add to earlier)."""
    parties, places = _default_data()
    reg = Registry()
    reg.add_data(dict(parties), origin="parties.yaml")
    reg.add_data({"places": places}, origin="places.yaml")
    for path in extra:
        reg.add_file(path)
    return reg
