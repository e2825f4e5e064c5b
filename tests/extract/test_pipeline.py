"""The library API on short reports written for these tests: one behaviour per test."""
from __future__ import annotations

import pytest

from claimledger import Document, ExtractionError, extract, extract_documents


def one(claims, **want):
    found = [c for c in claims if all(getattr(c, k) == v for k, v in want.items())]
    assert len(found) == 1, (want, [(c.category, c.value, c.subject_party, c.claimant) for c in claims])
    return found[0]


def test_claimant_carried_into_a_quoted_paragraph() -> None:
    text = ("Published: 2024-02-12\n\nThe al-Qassam Brigades said on Sunday that its fighters destroyed "
            "nine military vehicles in Khan Younis.\n\n\"Our fighters also killed 14 soldiers and sniped "
            "three others near the hospital,\" the spokesman said.\n")
    claims = extract(text)
    killed = one(claims, category="killed", value=14)
    assert (killed.claimant_party, killed.subject_party, killed.modality) == ("Palestinians", "Israel", "claimed")
    assert one(claims, category="casualties", value=3).subject_party == "Israel"


def test_acknowledged_own_losses_and_denial() -> None:
    text = ("Published: 2024-05-20\n\nThe Israeli army said two soldiers were killed in Rafah on Sunday. "
            "The army denied that 12 soldiers were killed, calling the figure fabricated.\n")
    claims = extract(text)
    ack = one(claims, value=2)
    assert (ack.modality, ack.subject_party, ack.period_start) == ("acknowledged", "Israel", "2024-05-19")
    assert one(claims, value=12).modality == "denied"


def test_outlet_voice_and_health_ministry() -> None:
    text = ("Published: 2024-03-04\n\nIsraeli strikes killed 97 Palestinians and wounded 130 others in the past "
            "24 hours, the Health Ministry in Gaza said.\n\nAt least 1,200 people were killed in southern Israel "
            "on October 7, 2023.\n")
    claims = extract(text, outlet="Example Wire")
    ministry = one(claims, value=130)
    assert (ministry.category, ministry.claimant_party, ministry.modality, ministry.subject_party) == \
        ("wounded", "Palestinians", "reported", "Palestinians")
    outlet = one(claims, value=1200)
    assert (outlet.claimant, outlet.claimant_party, outlet.modality) == ("Example Wire", "media", "reported")


def test_breakdown_range_and_vague() -> None:
    text = ("Published: 2024-01-26\n\nHebrew media reported that at least 38 Israeli troops were wounded, eight of "
            "them inside Gaza, between January 25-26. Officials said between 20 and 30 drones were launched, "
            "and dozens of rockets.\n")
    claims = extract(text)
    total = one(claims, value=38)
    part = one(claims, value=8)
    assert part.part_of == claims.index(total) and part.category == "wounded"
    assert (total.period_kind, total.period_start, total.period_end) == ("period", "2024-01-25", "2024-01-26")
    rng = one(claims, qualifier="range")
    assert (rng.low, rng.high, rng.value) == (20, 30, None)


def test_repeated_figure_is_one_claim_with_two_evidence_spans() -> None:
    text = ("# *Militants fired 27 rockets at Israel, army says*\n\nPublished: 2024-05-20\n\n"
            "Militants fired 27 rockets from Rafah on Sunday, the army said.\n")
    claims = [c for c in extract(text) if c.value == 27]
    assert len(claims) == 1 and len(claims[0].evidence) == 2
    for ev in claims[0].evidence:
        assert text[ev.start:ev.end] == ev.text


def test_unknown_date_leaves_periods_unresolved() -> None:
    claims = extract("The army said three soldiers were killed on Sunday.")
    assert claims[0].period_start is None and claims[0].period_kind == "event"


def test_no_claims_in_non_counts() -> None:
    text = ("Published: 2024-05-20\n\nTroops of the 162nd Division advanced 3 km. A 12-year-old boy was hurt. "
            "The $61 billion package passed with 70% support in 2024. An Israeli soldier was wounded.\n")
    assert extract(text) == []


@pytest.mark.parametrize("text,category", [
    ("Ukraine's air force said it shot down 20 drones overnight.", "aircraft_downed"),
    ("The army said it carried out 40 strikes.", "attacks"),
    ("Police said they arrested 12 suspects.", "arrested"),
    ("The group said it seized 8 drones.", "materiel_seized"),
    ("More than 10,000 people were displaced, the agency said.", "displaced"),
    ("The ministry said 30 houses were destroyed.", "buildings_destroyed"),
    ("The army said militants fired 35 rockets.", "projectiles"),
    ("Officials said 5 soldiers were missing.", "missing"),
    ("The rebels said they captured 14 soldiers.", "captured"),
    ("The army said 9 fighters surrendered.", "other"),
])
def test_categories(text: str, category: str) -> None:
    """The rules' category for each kind of claim (one sentence, no context: the decision model
    may drop such a claim, whose sides it cannot settle, so the rules are asked directly)."""
    from claimledger import Extractor
    from claimledger.ingest import read_text
    assert [c.category for c in Extractor(model=None).extract(read_text(text))] == [category]


def test_the_model_keeps_a_claim_whose_sides_the_text_settles() -> None:
    claims = extract("Ukraine's air force said on Monday that it shot down 20 Russian drones overnight.",
                     published="2024-03-04")
    assert [(c.category, c.value, c.subject_party, c.claimant_party) for c in claims] == [
        ("aircraft_downed", 20, "Russia", "Ukraine")]
    assert claims[0].confidence > 0.5


def test_extract_documents_routes_failures_to_the_handler(monkeypatch) -> None:
    from claimledger.extract import pipeline

    errors: list[ExtractionError] = []
    good = Document(text="The army said two soldiers were killed.", source="good")
    bad = Document(text="boom", source="bad")
    original = pipeline.Extractor.extract_result

    def exploding(self, doc):
        if doc.source == "bad":
            raise RuntimeError("boom")
        return original(self, doc)

    monkeypatch.setattr(pipeline.Extractor, "extract_result", exploding)
    results = list(extract_documents([bad, good], on_error=errors.append))
    assert [r.document.source for r in results] == ["good"]
    assert len(errors) == 1 and "boom" in errors[0].reason


def test_unknown_named_speaker_is_parsed_and_tied_to_a_side() -> None:
    """No registry entry for the governor: the name before the apposition speaks, the place gives the side."""
    claims = extract("Published: 2024-08-14\n\nIvan Petrov, the acting governor of Kursk region, said 12 civilians "
                     "had been killed on Tuesday.\n")
    c = one(claims, value=12)
    assert (c.claimant, c.claimant_party, c.modality, c.subject_party, c.period_start) == \
        ("Ivan Petrov", "Russia", "reported", "civilians", "2024-08-13")


def test_a_running_total_clause_dates_the_total_not_the_count_before_it() -> None:
    from claimledger import extract

    text = ("The Israeli army said on Monday that three soldiers were killed in the south, bringing its "
            "acknowledged toll since May 3 to 229.")
    by_value = {c.value: c for c in extract(text, published="2024-02-12")}
    assert (by_value[3].period_kind, by_value[3].period_start) == ("event", "2024-02-12")
    assert (by_value[229].period_kind, by_value[229].period_start, by_value[229].period_end) == (
        "cumulative", "2023-05-03", "2024-02-12")


def test_a_full_stop_inside_a_sentence_ends_the_reach_of_a_trigger() -> None:
    from claimledger import extract

    text = ("The army spokesman said: \"hundreds of gunmen have been neutralized. we have called in "
            "300,000 reservists over the past 48 hours.\"")
    assert 300000 not in {c.value for c in extract(text, published="2023-10-09")}
