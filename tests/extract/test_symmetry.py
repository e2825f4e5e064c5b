"""Symmetry: the same report with the two sides swapped gives the same claims, sides swapped.

For each article, every term of side A (names, demonyms, organs, spokesmen, loaded words,
places) is paired with a term of side B of the same kind, and each pair gets the same role in
a mirrored registry, so that the data treats both sides alike. Swapping every paired term in
the text must then give the claims of the original with ``claimant_party`` and
``subject_party`` swapped: no rule may depend on which side is which.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from claimledger import Extractor, load_registry
from claimledger.extract.registry import Mention, Registry
from claimledger.ingest import read_text

PAIRS = {"a": ("Israel", "Palestinians"), "b": ("Russia", "Ukraine"), "c": ("Sudan SAF", "RSF")}
ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
_LIST = {"party": "names", "demonym": "demonyms", "loaded": "loaded"}


def _pool(registry: Registry, party: str, m: Mention) -> list[str]:
    """Real terms of ``party`` that could stand where ``m`` stands (same kind, same number)."""
    entry = registry.parties[party]
    if m.kind == "organ":
        words = [o["name"] for o in entry["organs"]]
    elif m.kind in _LIST:
        words = list(entry[_LIST[m.kind]])
    else:
        words = sorted({p.name for p in registry.places.values() if p.party == party})
    plural = m.text.endswith("s")
    fitting = [w for w in words if w[:1].isupper() == m.text[:1].isupper() and w.endswith("s") == plural]
    # terms of the same length, so that no window of words or characters tells the two texts apart
    def capitals(t: str) -> tuple[bool, ...]:
        return tuple(word[:1].isupper() for word in t.split())

    return sorted(fitting, key=lambda w: (capitals(w) != capitals(m.text), abs(len(w.split()) - len(m.text.split())),
                                          abs(len(w) - len(m.text))))


def mirror(text: str, a: str, b: str, real: Registry) -> tuple[Registry, dict[str, str]]:
    """A registry where every A/B term of ``text`` and its counterpart play the same part."""
    swaps: dict[str, str] = {}
    surnames: dict[str, str] = {}
    used: set[str] = set()
    parties = {p: {"name": p, "names": [], "demonyms": [], "loaded": [], "organs": [], "capitals": []}
               for p in (a, b)}
    places = []
    for m in real.mentions(text):
        if m.party not in (a, b) or m.text in swaps:
            continue
        other = b if m.party == a else a
        pool = [w for w in _pool(real, other, m) if w not in used and w not in swaps]
        new = pool[0] if pool else "Mirror" + "".join(ch for ch in m.text if ch.isalpha())  # no real counterpart
        used.add(new)
        swaps[m.text], swaps[new] = new, m.text
        old_last, new_last = m.text.split()[-1], new.split()[-1]
        if m.kind == "organ" and " " in m.text and " " in new and old_last[:1].isupper() and new_last[:1].isupper():
            surnames[old_last], surnames[new_last] = new_last, old_last  # "Abdallah said" later
        for term, side in ((m.text, m.party), (new, other)):
            if m.kind == "organ":
                parties[side]["organs"].append({"name": term, "role": m.role})
            elif m.kind in _LIST:
                parties[side][_LIST[m.kind]].append(term)
            elif m.place is not None:
                level = {1: "country", 2: "region", 3: "city", 4: "district"}[m.place.level]
                places.append({"name": term, "level": level, "party": side})
                if real.capital_of(m.place.name) == m.party:  # "Moscow said" <-> "Kyiv said"
                    parties[side]["capitals"].append(term)
    registry = Registry()
    registry.add_data({"parties": list(parties.values()), "places": places,
                       "conflicts": [{"id": "mirror", "sides": [a, b]}],
                       "enemy_terms": real.enemy_terms, "irregular_terms": real.irregular_terms})
    return registry, {**{f"surname:{k}": v for k, v in surnames.items()}, **swaps}


def swap(text: str, swaps: dict[str, str], registry: Registry) -> str:
    surnames = {k[len("surname:"):]: v for k, v in swaps.items() if k.startswith("surname:")}
    rx = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, surnames))) if surnames else None

    def bare(segment: str) -> str:
        return rx.sub(lambda m: surnames[m.group(1)], segment) if rx else segment

    parts, pos = [], 0
    for m in registry.mentions(text):
        if m.text in swaps:
            parts += [bare(text[pos:m.start]), swaps[m.text]]
            pos = m.end
    return "".join(parts) + bare(text[pos:])


def signature(claims, flip: dict[str, str]) -> Counter:
    return Counter((c.category, c.value, c.low, c.high, c.qualifier, c.modality, c.period_kind,
                    c.period_start, c.period_end, flip.get(c.claimant_party, c.claimant_party),
                    flip.get(c.subject_party, c.subject_party)) for c in claims)


@pytest.mark.parametrize("path", sorted(p for p in ARTICLES.glob("*.txt") if p.name[0] in PAIRS),
                         ids=lambda p: p.stem)
def test_swapped_sides_give_swapped_claims(path: Path) -> None:
    real = load_registry()
    a, b = PAIRS[path.name[0]]
    original = read_text(path.read_text("utf-8"), war_starts=real.war_starts())
    registry, swaps = mirror(original.text, a, b, real)
    swapped = read_text(swap(original.text, swaps, registry), published=original.published,
                        outlet=original.outlet)
    extractor = Extractor(registry)
    before = signature(extractor.extract(original), {a: b, b: a})
    after = signature(extractor.extract(swapped), {})
    assert sum(before.values()) >= 3
    assert before == after, (before - after, after - before)


def test_the_swap_changes_the_text() -> None:
    """Guard: the mirror really swaps terms (else the test above could pass vacuously)."""
    real = load_registry()
    text = "The Israeli army said it killed 12 Hamas fighters in Khan Younis on Sunday."
    registry, swaps = mirror(text, "Israel", "Palestinians", real)
    out = swap(text, swaps, registry)
    assert "Israeli army" not in out and "Hamas" not in out and "Khan Younis" not in out
