"""The gazetteer: registry places and names resolved to country, codes, admin-1 and coordinates."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimledger.extract.gazetteer import COUNTRY, Gazetteer, country, default_gazetteer, fold
from claimledger.extract.registry import Registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def test_a_place_from_an_example_report_resolves_to_its_country_and_admin1(gazetteer: Gazetteer) -> None:
    report = (ROOT / "examples" / "reports" / "kyiv_overnight_attack.html").read_text("utf-8")
    assert "Kyiv" in report
    kyiv = gazetteer.resolve("Kyiv")
    assert kyiv is not None and kyiv.country is not None
    assert (kyiv.country.iso2, kyiv.country.iso_numeric, kyiv.country.gw_code) == ("UA", 804, 369)
    assert kyiv.admin1 == "Kyiv City" and kyiv.latitude == pytest.approx(50.45, abs=0.05)
    assert gazetteer.resolve("Kiev") == kyiv  # an alternative name, the same place


def test_registry_places_get_the_territory_of_their_country(gazetteer: Gazetteer) -> None:
    khan_younis = gazetteer.resolve("Khan Yunis")
    assert khan_younis is not None and khan_younis.name == "Khan Younis"
    assert khan_younis.country is not None and khan_younis.country.iso2 == "PS" and khan_younis.admin1 == "Gaza Strip"
    assert khan_younis.country.gw_code is None  # Palestine has no Gleditsch-Ward number
    sudan = gazetteer.resolve("North Darfur")
    assert sudan is not None and sudan.country is not None and sudan.country.iso3 == "SDN"


def test_unknown_or_ambiguous_names_resolve_to_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Qwzxtown Heights") is None
    assert gazetteer.resolve("") is None and gazetteer.resolve(None) is None
    assert gazetteer.resolve("Tripoli") is None  # Libya's or Lebanon's: not guessed


def test_names_outside_the_registry_come_from_geonames_and_iso(gazetteer: Gazetteer) -> None:
    paris = gazetteer.resolve("Paris")
    assert paris is not None and paris.country is not None and paris.country.iso2 == "FR" and paris.source == "geonames"
    russia = gazetteer.resolve("Russia")
    assert russia is not None and russia.kind == COUNTRY and russia.country is not None
    assert (russia.country.gw_code, russia.country.ucdp_name, russia.country.region) == (
        365, "Russia (Soviet Union)", "Europe")


def test_a_user_registry_place_is_resolved_too() -> None:
    registry = Registry()
    registry.add_data({"places": [{"name": "Camp Qwerty", "level": "district", "lat": 48.0159, "lon": 37.8029}]})
    camp = Gazetteer(registry).resolve("camp qwerty")
    assert camp is not None and camp.country is not None and camp.country.iso2 == "UA"
    assert camp.admin1 == "Donetsk" and camp.name == "Camp Qwerty"


def test_countries_by_code_and_name() -> None:
    assert country("UA") == country("UKR") == country("Ukraine")
    assert country("Israel").gw_code == 666 and country("ISR").region == "Middle East"
    assert country("Atlantis") is None
    assert fold("Khan  Yūnis") == fold("khan yunis")


def test_party_states_by_capital_or_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.party_country("Ukraine").iso2 == "UA"
    assert gazetteer.party_country("Israel").gw_code == 666
    assert gazetteer.party_country("Palestinians") is None  # not a state in the registry
