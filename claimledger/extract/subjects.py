"""Whose losses a claim counts (``subject_party``), resolved from the text, never from code.

Order of evidence: a party word inside the counted phrase ("Israeli troops", "Zionist
soldiers", "the enemy's soldiers"); a civilian noun; a breakdown of the claim before it; for
attacks and projectiles the side that carried them out; for losses the side that lost them or
the enemy of the side that inflicted them; a generic toll ("people") takes its place's side.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .claims import Candidate
from .context import DocumentContext
from .registry import Mention

_PARTY_KINDS = ("organ", "party", "demonym", "loaded")
_OWN_LOSS = re.compile(r"^(?:lost|losing|lose|loses|has\s+lost|have\s+lost|mourned|mourning|buried|irrecoverable\s+losses|"
                       r"irretrievable\s+losses|suffered|suffering|sustained|incurred|losses)$", re.I)
_OWN_LOSS_BEFORE = re.compile(r"\b(?:lost|losing|lose|loses|suffered|suffering|sustained|incurred)\s+(?:\w+\s+){0,3}$",
                              re.I)
_CIVILIAN_WORD = re.compile(r"\bcivilians?\b|\bnon-combatants?\b", re.I)
_BARE = {"others", "wounded", "injured", "injuries", "dead", "deaths", "killed"}
_LOSSES_OF = re.compile(r"\blosses\s+(?:of|for|among)\s+(?:the\s+)?$", re.I)
_GENERIC = {"people", "persons", "person", "individuals", "lives", "victims", "bodies", "others", "residents",
            "inhabitants", "citizens", "men", "dead", "killed", "wounded", "injured", "casualties",
            "fatalities", "deaths", "injuries", "nationals", "families", "relatives", "martyrs", "martyr"}
_REGULARS = {"soldiers", "soldier", "troops", "servicemen", "serviceman", "service members", "servicemembers",
             "policemen", "policeman", "gendarmes", "conscripts", "reservists"}  # a state's forces, not a group's
_ENEMY_SIDE_CATEGORIES = {"aircraft_downed", "materiel_seized", "equipment_destroyed"}
_TOLL_KEEPERS = {"health", "government"}
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|its|their|his)\b", re.I)


@dataclass(frozen=True, slots=True)
class Side:
    """A party with how it was found, for confidence and notes."""

    party: str
    how: str


def find_actor(c: Candidate, mentions: list[Mention], counted: list[tuple[int, int]] = (),  # type: ignore[assignment]
               belligerents: frozenset[str] = frozenset(),
               names_a_thing: Callable[[str], bool] = lambda _: False) -> Mention | None:
    """The party doing the deed: the party word nearest before an active trigger, or "by X".

    Party words inside a counted phrase (``counted`` spans: "53 Zionist soldiers") are victims,
    not actors; only belligerents (when ``belligerents`` is given) act; a party word that
    names a thing ("the last junta outpost", ``names_a_thing`` of the words after it) is a target.
    """
    text = c.sentence.text
    mentions = [m for m in mentions if (not belligerents or m.party in belligerents or m.kind in ("enemy", "irregular"))
                and not re.search(r"\bof\s+(?:the\s+)?$", text[max(0, m.start - 8):m.start])]
    text = c.sentence.text
    if c.passive:
        agent = re.match(r"^\s*by\s+(?:the\s+)?", text[c.trigger_span[1]:])
        if agent:
            pos = c.trigger_span[1] + agent.end()
            for m in mentions:
                if pos <= m.start <= pos + 30 and m.kind in _PARTY_KINDS:
                    return m
        return None
    if not c.trigger:
        return None
    clause = max([b.end() for b in _CLAUSE_BREAK.finditer(text, 0, c.trigger_span[0])] or [0])
    lo, hi = c.subject_span
    before = [m for m in mentions if m.end <= c.trigger_span[0] and not lo <= m.start < hi
              and m.kind in (*_PARTY_KINDS, "enemy", "irregular") and c.trigger_span[0] - m.end <= 120
              and not any(a <= m.start < b for a, b in counted) and not _is_object(text, m)
              and not names_a_thing(text[m.end:m.end + 40])
              and m.start >= clause]
    return before[-1] if before else None


_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?:and|but|while|whereas|as|after|before)\b|\b(?:while|whereas)\b", re.I)
_OBJECT_BEFORE = re.compile(
    r"\b(?:struck|strikes|hit|hits|targeted|targets|attacked|attacks|bombed|bombs|shelled|shells|raided|raids|"
    r"pounded|pounds|destroyed|at|on|against|toward|towards|into|"
    r"with|from|near|over|in|inside|among|of|upon|by)\s+(?:the\s+|a\s+)?$", re.I)


def _is_object(text: str, m: Mention) -> bool:
    """ "struck Hezbollah sites", "fired at Israeli positions": the party word names a target."""
    return bool(_OBJECT_BEFORE.search(text[max(0, m.start - 16):m.start]))


def resolve_subject_party(c: Candidate, *, mentions: list[Mention], claimant_party: str,
                          claimant_belligerent: bool, actor: Mention | None, ctx: DocumentContext,
                          previous: str | None, claimant_role: str = "military",
                          nationality: str | None = None, place_party: str | None = None,
                          acknowledging: bool = False) -> Side:
    """The side whose people or things ``c`` counts."""
    if actor is not None and actor.kind in ("enemy", "irregular"):  # "Militants fired 27 rockets", says the army
        side = _side_of_term(actor, claimant_party if claimant_belligerent else nationality, claimant_role,
                             mentions, ctx)
        actor = Mention(actor.start, actor.end, actor.text, "party", side, side or "") if side else None
    named = _named_in_subject(c, mentions, claimant_party, actor, ctx, claimant_role)
    if named:
        return named
    noun = c.subject.split()[-1].lower() if c.subject else ""
    if "civilian" in c.noun_classes or _CIVILIAN_WORD.search(c.subject):
        return Side("civilians", "civilian noun")
    if c.breakdown or c.elliptic or noun in _BARE:
        if previous:
            return Side(previous, "breakdown")
    owner = _owner_of_losses(c, mentions)
    if owner:
        return Side(owner, "losses of")
    own = claimant_party if claimant_belligerent else nationality
    actor_party = actor.party if actor else None
    if c.breakdown == "out_of" and c.category == "projectiles":
        # the 40 of "intercepted most of about 40 projectiles": fired by the other side
        interceptor = actor_party or own
        party = _origin_side(c, mentions, interceptor, ctx) or ctx.enemy_of(interceptor, mentions)
        return Side(party, "launched at the interceptor") if party else Side("unknown", "no launcher")
    if c.category in ("attacks", "projectiles"):
        party = actor_party or _origin_side(c, mentions, own, ctx) or own
        return Side(party, "actor") if party else Side("unknown", "no actor")
    own_loss_verb = _OWN_LOSS_BEFORE.search(c.sentence.text[max(0, c.count.start - 40):c.count.start])
    if (c.trigger and _OWN_LOSS.match(c.trigger.strip())) or own_loss_verb:
        party = actor_party or own
        return Side(party, "own loss") if party else Side("unknown", "no owner")
    named_place = _people_in(c, mentions) or next((m.party for m in mentions if m.kind == "place" and m.party), None)
    # "people in Lebanon", "houses in Kharkiv": the side of the place (for a toll, also the
    # place of the statement it belongs to; buildings only where the sentence names it)
    place = named_place if "building" in c.noun_classes else named_place or place_party
    if noun in _GENERIC or "building" in c.noun_classes:
        if place:
            return Side(str(place), "place")
        if c.category == "displaced":
            return Side("civilians", "displaced people")
        if noun in _GENERIC and claimant_role in _TOLL_KEEPERS and claimant_party not in ("media", "UN", "NGO", "other"):
            return Side(claimant_party, "toll of the claimant's side")
    if "building" in c.noun_classes and "facility" not in c.noun_classes:
        return Side("unknown", "building")
    if acknowledging and own and c.category not in _ENEMY_SIDE_CATEGORIES:
        return Side(own, "acknowledged loss")  # "the military announced the deaths of two reservists"
    side = _by_enemy(c, mentions, own, actor_party, ctx)
    if side.party == "unknown" and c.category == "aircraft_downed" and named_place:
        enemy = ctx.enemy_of(named_place, mentions)  # "29 drones were shot down over the Ryazan region"
        if enemy:
            return Side(enemy, "downed over the other side's ground")
    if side.party == "unknown" and noun in _REGULARS:
        state = _the_state_at_war(ctx)
        if state:
            return Side(state, "regular forces of the state at war")
    return side


def _the_state_at_war(ctx: DocumentContext) -> str | None:
    """ "16 soldiers were killed" in a report on a state fighting a non-state group: the state's."""
    war = ctx.conflict_for()
    if war is None:
        return None
    states = [p for p in war.sides if ctx.registry.parties.get(p, {}).get("state")]
    return states[0] if len(states) == 1 else None


def _people_in(c: Candidate, mentions: list[Mention]) -> str | None:
    """ "1,200 people in Israel", "civilians inside Lebanon": the party named right after the counted group."""
    end = c.subject_span[1] or c.count.end
    m = re.match(r"\s+(?:(?:were|have\s+been|had\s+been)\s+\w+\s+)?(?:in|inside|across|throughout)\s+(?:the\s+)?",
                 c.sentence.text[end:end + 40])
    if not m:
        return None
    return next((x.party for x in mentions if x.start == end + m.end() and x.party
                 and x.kind in ("place", "party")), None)


def _origin_side(c: Candidate, mentions: list[Mention], own: str | None, ctx: DocumentContext) -> str | None:
    """ "launches from Lebanon toward Israel": the side whose ground they came from."""
    text = c.sentence.text
    end = c.subject_span[1] or c.count.end
    m = re.search(r"\bfrom\s+(?:the\s+)?", text[end:end + 60])
    if not m:
        return None
    pos = end + m.end()
    place = next((x for x in mentions if x.start == pos and x.party), None)
    if place is None or place.party == own:
        return None
    if place.party in ctx.registry.enemies_of(own):
        return place.party
    grounded = [e for e in ctx.registry.enemies_of(own) if place.party in ctx.registry.homelands(e)]
    return grounded[0] if grounded else None


def _owner_of_losses(c: Candidate, mentions: list[Mention]) -> str | None:
    """ "Losses of the Kyiv regime over the week: up to 6,200 servicemen" names whose losses."""
    text = c.sentence.text
    for m in mentions:
        if m.start < c.count.start and m.party and m.kind in _PARTY_KINDS and _LOSSES_OF.search(text[:m.start]):
            return m.party
    return None


def _by_enemy(c: Candidate, mentions: list[Mention], own: str | None, actor_party: str | None,
              ctx: DocumentContext) -> Side:
    if actor_party:
        enemy = ctx.enemy_of(actor_party, mentions)
        return Side(enemy, "enemy of actor") if enemy else Side("unknown", "actor without enemy")
    if own and c.passive and c.category not in _ENEMY_SIDE_CATEGORIES:
        return Side(own, "own loss (passive)")
    if own:
        enemy = ctx.enemy_of(own, mentions)
        if enemy:
            return Side(enemy, "enemy of claimant")
    return Side("unknown", "unresolved")


def _named_in_subject(c: Candidate, mentions: list[Mention], claimant_party: str,
                      actor: Mention | None, ctx: DocumentContext, claimant_role: str = "") -> Side | None:
    lo, hi = c.subject_span
    text = c.sentence.text
    after = hi or c.count.end  # "23 of the enemy", "12 soldiers of the Russian army"
    # the owner right after "of"/"belonging to" ("12 soldiers of the Russian army"); "from X" is an origin
    of_x = re.match(r"^\s+(?:of|belonging\s+to)\s+(?:the\s+|its\s+|their\s+)?(?:[a-z-]+\s+)?", text[after:])
    hi2 = after + of_x.end() + 1 if of_x else hi
    lo2 = min(c.count.end, lo) if hi else c.count.end  # a running total names its noun before the count
    inside = [m for m in mentions if (lo2 <= m.start < hi2) and m.kind in (*_PARTY_KINDS, "enemy", "irregular")
              and not (c.count.start <= m.start < c.count.end)]
    for m in inside:
        if m.kind in ("enemy", "irregular"):
            base = actor.party if actor and actor.party and m.kind == "enemy" else claimant_party
            side = _side_of_term(m, base, "" if m.kind == "enemy" else claimant_role, mentions, ctx)
            if side:
                return Side(side, f"{m.kind} term '{m.text}'")
            continue
        if m.party:
            return Side(m.party, f"named '{m.text}'")
    return None


def _side_of_term(m: Mention, speaker: str | None, speaker_role: str, mentions: list[Mention],
                  ctx: DocumentContext) -> str | None:
    """ "terrorists" is the speaker's enemy; "militants" is an armed group's own side in its own words."""
    if m.kind == "irregular" and speaker_role == "armed_group":
        return speaker
    return ctx.enemy_of(speaker, mentions)
