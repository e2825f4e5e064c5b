"""Where a ledger row is and which registry conflict it belongs to, for the GED and ACLED shapes.

The place comes from the gazetteer (the claim's place name, else its coordinates); the conflict
from the shipped registry's conflicts: the one whose two sides include the row's belligerent
parties, narrowed, when several fit, by whose territory the place is.
"""
from __future__ import annotations

import math
from functools import lru_cache

from ...extract.gazetteer import Gazetteer, GeoPlace, default_gazetteer
from ...extract.registry import Conflict
from .rows import Row

#: PRIO-GRID cells are half a degree on a side, numbered row by row from (-90, -180).
PRIOGRID_CELL = 0.5
PRIOGRID_COLUMNS = 720


def gazetteer() -> Gazetteer:
    return default_gazetteer()


def row_place(row: Row) -> GeoPlace | None:
    """The row's place with its country and admin-1, or None when nothing is known of it."""
    return gazetteer().locate(row["location"], row["latitude"], row["longitude"])


def row_conflict(row: Row) -> Conflict | None:
    """The registry conflict the claim is about, or None when the parties do not tell one."""
    return _conflict(row["claimant_party"] or "", row["subject_party"] or "", row["location"] or "")


@lru_cache(maxsize=4096)
def _conflict(claimant: str, subject: str, location: str) -> Conflict | None:
    registry = gazetteer().registry
    sides = {party for c in registry.conflicts for party in c.sides}
    belligerents = {p for p in (claimant, subject) if p in sides}
    if not belligerents:
        return None
    fitting = [c for c in registry.conflicts if belligerents <= set(c.sides)]
    if len(fitting) > 1:
        fitting = _on_home_ground(fitting, location)
    return fitting[0] if len(fitting) == 1 else None


def _on_home_ground(conflicts: list[Conflict], location: str) -> list[Conflict]:
    """The conflicts with a side at home where the claim is (Gaza: the Palestinians' war)."""
    registry = gazetteer().registry
    place = registry.place(location) if location else None
    if place is None or not place.party:
        return conflicts
    at_home = {place.party, *registry.parties_at_home_in(place.party)}
    return [c for c in conflicts if at_home & set(c.sides)]


def is_state(party: str | None) -> bool:
    """Whether the registry marks ``party`` as a state (a government's forces)."""
    return bool(gazetteer().registry.parties.get(party or "", {}).get("state"))


def gw_code(party: str | None) -> int | None:
    """The Gleditsch-Ward number of a state party, None for any other party."""
    found = gazetteer().party_country(party)
    return found.gw_code if found else None


def priogrid_gid(lat: float | None, lon: float | None) -> int | None:
    """The PRIO-GRID cell of a point: ``row * 720 + column + 1``, rows from the south pole and
    columns from the antimeridian, each half a degree (the last row and column include 90 / 180)."""
    if lat is None or lon is None:
        return None
    row = min(math.floor((lat + 90) / PRIOGRID_CELL), 359)
    column = min(math.floor((lon + 180) / PRIOGRID_CELL), PRIOGRID_COLUMNS - 1)
    return row * PRIOGRID_COLUMNS + column + 1


def wkt_point(lat: float | None, lon: float | None) -> str | None:
    """The point as OGC well-known text, longitude first."""
    if lat is None or lon is None:
        return None
    return f"POINT ({lon!r} {lat!r})"
