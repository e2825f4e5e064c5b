"""The most specific place named for a claim, from the offline gazetteer."""
from __future__ import annotations

import re

from .registry import Mention, Place, Registry

_DIRECTION = re.compile(
    r"\b(?P<d>northern|southern|eastern|western|central|north|south|east|west|north-east|north-west|"
    r"south-east|south-west|northeastern|northwestern|southeastern|southwestern)\s+"
    r"(?:parts?\s+of\s+|areas?\s+of\s+|regions?\s+of\s+|outskirts\s+of\s+)?(?:the\s+)?(?:\w+\s+){0,2}?$", re.I)


def locate(text: str, mentions: list[Mention], registry: Registry, near: int) -> Place | None:
    """The most specific gazetteer place in ``text`` (ties: the one nearest ``near``)."""
    best: tuple[float, int, Place] | None = None
    for m in mentions:
        if m.kind != "place" or m.place is None:
            continue
        directed = _with_direction(text, m, registry)
        place = directed or m.place
        key = (place.level + (0.5 if directed else 0), -abs(m.start - near))
        if best is None or key > best[:2]:
            best = (*key, place)
    return best[2] if best else None


def _with_direction(text: str, m: Mention, registry: Registry) -> Place | None:
    d = _DIRECTION.search(text[max(0, m.start - 60):m.start])
    if not d or m.place is None:
        return None
    direction = d.group("d").lower()
    for name in (m.text, m.place.name, m.place.name.split()[0]):
        found = registry.place(f"{direction} {name}")
        if found:
            return found
    return None
