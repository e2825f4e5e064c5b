"""Party names composed with organs written once (``data/organs.yaml``).

Every belligerent gets every organ kind in every spelling: its adjectives ("Russian air force"),
its possessives ("Russia's air force") and "of" forms ("air force of Russia", "General Staff of
Russia's Armed Forces"). A party's listed organ that already carries one of a kind's spellings
names the whole kind, so "Russia's navy" joins the organ the registry lists "Russian Navy" under.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..errors import RegistryError

_NAMES = 3  # proper names per party that take possessive and "of" forms (the commonest come first)


@dataclass(frozen=True, slots=True)
class OrganKind:
    kind: str
    title: str
    role: str
    words: tuple[str, ...]
    forces: bool = False
    bare: bool = False


@dataclass(frozen=True, slots=True)
class ComposedTerm:
    """One spelling of an organ of a party (a bare spelling is listed once under each state)."""

    term: str
    party: str
    name: str
    role: str

    @property
    def key(self) -> str:
        return term_key(self.term)


def organ_kinds(data: Iterable[Any], origin: str) -> list[OrganKind]:
    out = []
    for k in data or []:
        if not isinstance(k, dict) or not k.get("kind") or not k.get("words"):
            raise RegistryError(f"{origin}: an organ kind needs `kind` and `words`: {k!r}")
        out.append(OrganKind(str(k["kind"]), str(k.get("title") or k["kind"]), str(k.get("role", "military")),
                             tuple(str(w) for w in k["words"]), bool(k.get("forces")),
                             bool(k.get("bare"))))
    return out


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _proper_names(entry: dict[str, Any]) -> list[str]:
    """Names that take a possessive and an "of": proper nouns, not plurals ("Israelis")."""
    return [n for n in entry["names"]
            if all(w[:1].isupper() or w[:1].isdigit() for w in n.split()) and not n.endswith("s")][:_NAMES]


def _spellings(kind: OrganKind, adjectives: list[str], names: list[str]) -> Iterator[str]:
    for word in kind.words:
        for adj in adjectives:
            yield f"{adj} {word}"
        for name in names:
            yield f"{possessive(name)} {word}"
            yield f"{word} of {name}"
            yield f"{word} of the {name}"
            if kind.forces:
                yield f"{word} of {possessive(name)} armed forces"
                yield f"{word} of the armed forces of {name}"
        if kind.forces:
            for adj in adjectives:
                yield f"{word} of the {adj} armed forces"


def term_key(term: str) -> str:
    """A registry term as the registry looks it up: lower case, one apostrophe, single spaces."""
    return " ".join(term.lower().replace("’", "'").split())


def composed_terms(parties: dict[str, dict[str, Any]], kinds: list[OrganKind],
                   belligerent: Iterable[str]) -> list[ComposedTerm]:
    """Every composed spelling of every organ kind for every belligerent, plus the bare ones."""
    out: list[ComposedTerm] = []
    for pname in belligerent:
        entry = parties[pname]
        listed = _listed_aliases(entry)
        adjectives = [d for d in entry["demonyms"] if d[:1].isupper()]
        names = _proper_names(entry)
        label = adjectives[0] if adjectives else (names[0] if names else pname)
        for kind in kinds:
            spellings = list(dict.fromkeys(_spellings(kind, adjectives, names)))
            owner = next((listed[term_key(s)] for s in spellings if term_key(s) in listed), None)
            name, role = owner or (f"{label} {kind.title}", kind.role)
            out += [ComposedTerm(s, pname, name, role) for s in spellings]
            if kind.bare and entry.get("state"):
                out += [ComposedTerm(w, pname, name, role) for w in kind.words]
    return out


def _listed_aliases(entry: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Alias key -> (organ name, role) of the party's listed organs (spokesmen speak for theirs)."""
    roles = {o["name"]: o.get("role", "military") for o in entry["organs"]}
    out: dict[str, tuple[str, str]] = {}
    for organ in entry["organs"]:
        if organ.get("role") == "spokesman":
            continue
        for alias in [organ["name"], *(organ.get("aliases") or [])]:
            out.setdefault(term_key(str(alias)), (organ["name"], roles[organ["name"]]))
    return out
