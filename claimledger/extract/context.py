"""What a document is about: its parties, its war, and whom an unnamed enemy is."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .registry import Conflict, Mention, Registry


def disambiguate(registry: Registry, mentions: list[Mention]) -> list[Mention]:
    """Give each alias shared by several parties ("Health Ministry", "general staff", "junta") the
    reading of the organ the document names in full elsewhere, else of the party it names most."""
    readings = [registry.candidates(m.text) for m in mentions]
    weight: Counter[str] = Counter()
    for m, cands in zip(mentions, readings):
        parties = {c.party for c in cands if c.party}
        if len(parties) == 1:
            weight[parties.pop()] += 1
            if m.kind == "place" and m.party:
                for p in registry.parties_at_home_in(m.party):
                    weight[p] += 1
    war = _main_war(registry, weight)
    named = {c.name for cands in readings if len({c.party for c in cands if c.party}) == 1 for c in cands
             if c.kind == "organ"}
    out = []
    for m, cands in zip(mentions, readings):
        same_kind = [c for c in cands if c.party and (c.kind == m.kind or c.kind != "place")]
        if len({c.party for c in same_kind}) > 1:
            # "the General Staff" is the one the document names in full ("General Staff of
            # Ukraine's Armed Forces"), else the reading of the side the document names most
            _, best = max(enumerate(same_kind), key=lambda ic: (ic[1].name in named, ic[1].party in war,
                                                              weight[ic[1].party or ""], -ic[0]))
            m = Mention(m.start, m.end, m.text, best.kind, best.party, best.name, best.role, best.place)
        out.append(m)
    return out


def _main_war(registry: Registry, weight: Counter[str]) -> set[str]:
    """The sides of the war both of whose sides the document names most."""
    scored = [(weight[c.sides[0]] * weight[c.sides[1]], set(c.sides)) for c in registry.conflicts]
    best = max(scored, key=lambda t: t[0], default=(0, set()))
    return best[1] if best[0] > 0 else set()


@dataclass
class DocumentContext:
    """Registry mentions of the whole document and what follows from them."""

    registry: Registry
    mentions: list[Mention]
    published: date | None
    party_weight: Counter[str] = field(default_factory=Counter)
    _wars: dict[tuple[str | None, ...], Conflict | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for m in self.mentions:
            for p in self._parties_of(m):
                self.party_weight[p] += 1

    def _parties_of(self, m: Mention) -> list[str]:
        if m.kind == "place" and m.party:
            return [*self.registry.parties_at_home_in(m.party), m.party]
        return [m.party] if m.party else []

    def conflict_for(self, *parties: str | None) -> Conflict | None:
        """The war the given parties (else the document) are in, chosen by mentions."""
        if parties not in self._wars:  # asked for every claim; the answer is fixed per document
            self._wars[parties] = self._choose_conflict(parties)
        return self._wars[parties]

    def _choose_conflict(self, parties: tuple[str | None, ...]) -> Conflict | None:
        cands = self.registry.conflicts_of(parties) or self.registry.conflicts
        # a war that began after the report is not its war; of two rounds, the latest one begun
        scored = [(self.party_weight[c.sides[0]] * self.party_weight[c.sides[1]],
                   self.party_weight[c.sides[0]] + self.party_weight[c.sides[1]], c.began or "", -i, c)
                  for i, c in enumerate(cands) if not self._after_report(c)]
        if not scored:
            return None
        best = max(scored, key=lambda t: t[:4])
        return best[4] if best[1] > 0 else None

    def _after_report(self, c: Conflict) -> bool:
        return bool(self.published and c.began and date.fromisoformat(c.began) > self.published)

    def enemy_of(self, party: str | None, local: list[Mention] = ()) -> str | None:  # type: ignore[assignment]
        """The enemy of ``party`` here: its only one, else the one its sentence, else the document,
        names most (none when it fights several and the document names none of them)."""
        enemies = self.registry.enemies_of(party)
        if len(enemies) <= 1:
            return enemies[0] if enemies else None
        near = Counter(p for m in local for p in self._parties_of(m))
        if not any(near[e] or self.party_weight[e] for e in enemies):
            return None  # a state at war with several groups, none named here: "terrorists" of no known group
        return max(enemies, key=lambda e: (near[e], self.party_weight[e], -enemies.index(e)))

    def war_start(self, *parties: str | None) -> tuple[date | None, tuple[tuple[tuple[str, ...], str], ...]]:
        c = self.conflict_for(*parties)
        if c is None:
            return None, ()
        return (date.fromisoformat(c.began) if c.began else None), c.events
