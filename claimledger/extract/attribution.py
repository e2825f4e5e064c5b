"""Who asserts a figure: reporting verbs, their subjects, quotations and carried attribution."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, normalize
from .names import named_speaker_by_rules
from .registry import Mention, Registry

_CLAIMANT_KINDS = ("organ", "party")
_GROUP_NOUNS = re.compile(
    r"^\s*(?:military|army|armed\s+forces|forces|officials?|sources?|authorities|government|ministry|"
    r"media|press|outlets?|channels?|officers?|spokes(?:man|woman|person)|commanders?|police|"
    r"security\s+sources|military\s+sources|medics|doctors|hospital\s+officials|health\s+officials|"
    r"emergency\s+services|rescuers|civil\s+defen[cs]e|state\s+media|news\s+agency|monitors?|analysts?|"
    r"intelligence|officials\s+said)\b", re.I)
_MEDIA_NOUNS = re.compile(r"^\s*(?:media|press|outlets?|channels?|state\s+media|news\s+agency|television|tv)\b", re.I)
_FIRST_PERSON = re.compile(r"^(?:we|our|us|i)$", re.I)
_OBJECT_BEFORE = re.compile(r"\b(?:at|on|against|toward|towards|into|in|from|of|by)\s+(?:the\s+)?$", re.I)
_RELATIVE_BEFORE = re.compile(r",\s*(?:which|who|whose)\b[^,;.]*,\s*$", re.I)
_NOUN_VERBS = {"report", "reports", "statement", "update", "summary", "communique", "communiqué", "briefing",
               "claim", "claims", "analysis", "assessment", "estimate", "estimates", "figures from", "data from"}
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that|latest|daily|weekly|new|monthly|"
                                r"annual|quarterly|separate|joint|written|recorded|televised)\s+$", re.I)
_COLON_HEAD = re.compile(r"^[^\w]{0,8}([\w][\w .,'’()-]{1,80}?)\s*:\s+\S")
_OFFICIAL = (
    r"(?P<np>(?:\b(?:the|a|local|regional|provincial|district|city|municipal|state|military|health|hospital|medical|"
    r"emergency|rescue|police|security|village|community|civil|government|acting|deputy)\s+){0,3}"
    r"(?:officials?|authorities|administration|prosecutors?|governor|mayor|police|rescuers|medics|doctors|"
    r"sources|residents|witnesses|emergency\s+services?|rescue\s+services?|hospital|morgue|spokesperson))"
    r"(?:\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}))?")
# "local officials said", "regional governor Ruslan Kravchenko said" (before the verb) ...
_OFFICIALS = re.compile(_OFFICIAL + r"\s*,?\s*(?:[a-z]+\s+)?$")
# ... and "according to local officials"
_OFFICIALS_AFTER = re.compile(r"\s*" + _OFFICIAL)


@dataclass(frozen=True, slots=True)
class Attribution:
    """A claimant as resolved for some part of a sentence (offsets relative to the sentence)."""

    claimant: str
    party: str
    role: str
    modality: str | None
    verb_start: int
    verb_end: int
    forward: bool
    explicit: bool = True
    key: str = ""  # the canonical name (organ or party), to tell claimants apart
    nationality: str | None = None  # "Israeli media": the side a non-party claimant belongs to
    heading: bool = False  # "IDF: ..." heads the sentence

    @property
    def ident(self) -> str:
        return self.key or self.claimant


_PRONOUNS = {"it", "they", "he", "she"}
_FREE_RELATIVE = re.compile(r"\bwhat\s+(?:[\w'’-]+\s+){1,3}$", re.I)


class AttributionFinder:
    """Finds reporting clauses in a sentence and resolves their subjects to claimants."""

    def __init__(self, lexicon: Lexicon, registry: Registry, *, accurate: bool = False) -> None:
        self.lex = lexicon
        self.registry = registry
        self.accurate = accurate  # unknown named speakers found by spaCy's parse (slow) instead of rules

    def find(self, text: str, mentions: list[Mention], quotes: list[tuple[int, int]],
             history: "Discourse", counts_at: list[int]) -> list[Attribution]:
        """Reporting clauses of ``text`` outside quotations, each with its claimant.

        Args:
            text: the sentence.
            mentions: registry mentions in the sentence (sentence offsets).
            quotes: quotation spans in sentence offsets.
            history: claimants and organs of earlier sentences (for "he said", "the army added").
            counts_at: sentence offsets of the counts, to tell forward from backward scope.
        """
        blocked = [(m.start(), m.end()) for m in self.lex.not_reporting_re.finditer(text)]
        out: list[Attribution] = []
        head = self._colon_head(text, mentions)
        if head:
            out.append(head)
        for m in self.lex.reporting_re.finditer(text):
            if any(s <= m.start() < e for s, e in blocked) or any(s < m.start() < e for s, e in quotes):
                continue
            if _FREE_RELATIVE.search(text[max(0, m.start() - 40):m.start()]):
                continue  # "strikes on what it claims are Hezbollah targets": names a thing, reports no figure
            if _DETERMINER_BEFORE.search(text[max(0, m.start() - 20):m.start()]) and \
                    normalize(m.group(0)) in _NOUN_VERBS:
                continue  # "the report said": the noun is the anaphor, "said" is the verb
            att = self._resolve(text, m, mentions, history, counts_at)
            if att and not any(a.verb_start <= att.verb_start < a.verb_end for a in out):
                out.append(att)
        return out

    def _resolve(self, text: str, m: re.Match[str], mentions: list[Mention], last: "Discourse",
                 counts_at: list[int]) -> Attribution | None:
        verb = normalize(m.group(0))
        modality = self.lex.reporting_modality.get(verb)
        modality = None if modality == "claimed" else modality
        forward = any(c > m.end() for c in counts_at)
        if verb in ("according to", "citing", "cited", "quoting", "per", "figures from", "data from",
                    "figures released by", "data released by"):
            who = self._after(text, m.end(), mentions, last, window=60, stop_at_comma=True)
        else:
            who = self._before(text, m.start(), mentions, last)
            if who is None and verb not in ("told", "tells", "informed", "briefed"):  # "told Reuters": the listener
                who = self._inverted(text, m.end(), mentions, last)
        if who is None:
            who = self._officials(text, m, mentions)
        if who is None and counts_at and verb not in _NOUN_VERBS:
            who = self._named(text, m.start(), m.end(), mentions, last)
        if who is None:
            return None
        claimant, party, role, explicit, key = who
        nationality = self._nationality(claimant, mentions)
        return Attribution(claimant, party, role, modality, m.start(), m.end(), forward, explicit, key, nationality)

    def _nationality(self, claimant: str, mentions: list[Mention]) -> str | None:
        """ "Israeli media" -> Israel: the side a word of the claimant's name belongs to."""
        for word in claimant.split():
            for m in self.registry.candidates(word):
                if m.kind in ("demonym", "party") and m.party and self.registry.kind_of(m.party) == "belligerent":
                    return m.party
        return None

    def _colon_head(self, text: str, mentions: list[Mention]) -> Attribution | None:
        """ "IDF: ...", "Russian MoD: results of the week": a claimant heading the sentence."""
        m = _COLON_HEAD.match(text)
        if not m:
            return None
        inside = [x for x in mentions if x.start >= m.start(1) and x.end <= m.end(1) and x.kind in _CLAIMANT_KINDS]
        if not inside:
            return None
        claimant, party, role, explicit, key = self._claimant_of(text, inside[0])
        return Attribution(claimant, party, role, None, m.start(1), m.end(), True, explicit, key, heading=True)

    def _before(self, text: str, verb_start: int, mentions: list[Mention],
                last: "Discourse") -> tuple[str, str, str, bool, str] | None:
        relative = _RELATIVE_BEFORE.search(text[max(0, verb_start - 160):verb_start])
        if relative:  # "The group JNIM, which claimed the ambush in a statement, said": skip the clause
            verb_start = max(0, verb_start - 160) + relative.start()
        left = text[max(0, verb_start - 90):verb_start]
        ana = None
        for a in self.lex.anaphora_re.finditer(left):
            ana = a
        near = [self.registry.as_state(x) for x in mentions if x.end <= verb_start and verb_start - x.end <= 90
                and (x.kind in (*_CLAIMANT_KINDS, "demonym") or self.registry.as_state(x) is not x)]
        near = [x for x in near if (x.kind != "demonym" or _GROUP_NOUNS.match(text[x.end:]))
                and not _OBJECT_BEFORE.search(text[max(0, x.start - 12):x.start])]
        best = near[-1] if near else None
        if ana and (best is None or ana.start() + max(0, verb_start - 90) > best.end):
            gap = left[ana.end():]
            if len(gap.split()) <= 3 and not re.search(r"[.;,]|\b[A-Z]", gap):
                # an anaphor next to the verb is the speaker, resolved or not; a pronoun after the
                # clause it closes stands for that clause's subject ("The army lost two soldiers, it said")
                opening = self._sentence_subject(text, mentions, verb_start)
                if opening is not None and ana.group(0).lower() in _PRONOUNS:
                    return self._claimant_of(text, opening)
                return last.resolve(self.lex.anaphora_roles_of(ana.group(0)))
        if best is None:
            return self._surname(text, verb_start, last)
        gap = text[best.end:verb_start]
        if re.search(r"[.;]|\b(?:that|which|who|when|after|while|because|as)\b", gap) and len(gap.split()) > 2:
            return None
        if re.search(r"\d", gap) or self.lex.trigger_re.search(gap):
            return self._surname(text, verb_start, last)  # "X killed 17 ..., medical sources said": X is no speaker
        return self._claimant_of(text, best)

    @staticmethod
    def _sentence_subject(text: str, mentions: list[Mention], verb_start: int) -> Mention | None:
        """A claimant named in the first words of the sentence, before a comma that closes its clause."""
        first = next((x for x in mentions if x.kind in _CLAIMANT_KINDS), None)
        if first is None or first.start >= verb_start or len(text[:first.start].split()) > 2:
            return None
        return first if "," in text[first.end:verb_start] else None

    def _named(self, text: str, verb_start: int, verb_end: int, mentions: list[Mention],
               last: "Discourse") -> tuple[str, str, str, bool, str] | None:
        """A named speaker the registry does not know: found by rules (:mod:`.names`), or by
        spaCy's parse on the accurate path (:mod:`.parse`).

        Kept only when it can be tied to a side: an earlier claimant of the same name, a
        demonym in the name, or a place named in apposition ("the governor of Kursk region").
        """
        if self.accurate:
            from .parse import named_speaker

            found = named_speaker(text, verb_start)
        else:
            found = named_speaker_by_rules(text, verb_start, verb_end)
        if found is None:
            return None
        name, label, start = found
        if label not in ("PERSON", "ORG") or any(x.start < start + len(name) and start < x.end for x in mentions):
            return None
        for word in reversed(name.split()):
            known = last.by_surname(word)
            if known:
                return known
        side = self._nationality(name, mentions) or next(
            (x.party for x in mentions if x.kind == "place" and x.party and start <= x.start < verb_start), None)
        return (name, side, "government", True, name) if side else None

    def _surname(self, text: str, verb_start: int, last: "Discourse") -> tuple[str, str, str, bool, str] | None:
        """ "Buba said": a surname of someone named earlier in the report."""
        m = re.search(r"\b([A-Z][\w'’-]+)\s+(?:also\s+|further\s+|later\s+)?$", text[max(0, verb_start - 40):verb_start])
        return last.by_surname(m.group(1)) if m else None

    def _inverted(self, text: str, pos: int, mentions: list[Mention], last: "Discourse") -> tuple[str, str, str, bool, str] | None:
        """ "..., said the ministry", "..., says Abu Obeida": the speaker right after the verb."""
        gap = re.match(r"\s*(?:the\s+|a\s+)?", text[pos:])
        start = pos + (gap.end() if gap else 0)
        return self._after(text, start, mentions, last, window=3)

    def _after(self, text: str, pos: int, mentions: list[Mention], last: "Discourse",
               *, window: int, stop_at_comma: bool = False) -> tuple[str, str, str, bool, str] | None:
        lead = len(text[pos:]) - len(text[pos:].lstrip())
        ana = self.lex.anaphora_re.match(text, pos + lead)
        if ana and any(ana.start() <= x.start < ana.end() for x in mentions if x.kind in _CLAIMANT_KINDS):
            ana = None  # "the Ukrainian military" is a name, not an anaphor
        if ana:  # "according to the statement": the anaphor comes first
            return last.resolve(self.lex.anaphora_roles_of(ana.group(0)))
        end = pos + window
        comma = text.find(",", pos, end)
        if stop_at_comma and comma != -1:
            end = comma
        for x in mentions:
            if pos <= x.start <= end and x.kind in (*_CLAIMANT_KINDS, "demonym"):
                if x.kind == "demonym" and not _GROUP_NOUNS.match(text[x.end:]):
                    continue
                return self._claimant_of(text, x)
        return None
    def _officials(self, text: str, verb: re.Match[str], mentions: list[Mention]) -> tuple[str, str, str, bool, str] | None:
        """An official named by title: "regional prosecutors say", "governor Ruslan Kravchenko said",
        "according to local officials". Their side is that of the place the sentence names."""
        if normalize(verb.group(0)) == "according to":
            m = _OFFICIALS_AFTER.match(text, verb.end())
        else:
            m = _OFFICIALS.search(text[max(0, verb.start() - 80):verb.start()])
        if not m:
            return None
        name = (m.group("name") or m.group("np")).strip()
        party = next((x.party for x in reversed(mentions) if x.kind == "place" and x.party), None)
        if party is None:  # "local officials said", "residents told reporters", nowhere with a side
            return name, "other", "officials", True, f"{name}@other"
        return name, party, "government", True, f"{name}@{party}"

    def _claimant_of(self, text: str, x: Mention) -> tuple[str, str, str, bool, str]:
        party = x.party or "other"
        if x.kind == "demonym":
            noun = _GROUP_NOUNS.match(text[x.end:])
            name = (x.text + (noun.group(0) if noun else "")).strip()
            if noun and _MEDIA_NOUNS.match(noun.group(0)):
                return name, "media", "media", True, name
            return name, party, "officials", True, name
        if x.kind == "party" and self.registry.kind_of(party) != "belligerent":
            return x.text.strip(), party, party, True, x.name
        return re.sub(r"['’]s$", "", x.text.strip()), party, x.role, True, x.name


#: How many of the latest speakers and organs a document's later words may refer back to.
_RECALL = 200


class Discourse:
    """Claimants and organs named so far in a document, most recent last."""

    def __init__(self, registry: Registry, parties: list[str] = ()) -> None:  # type: ignore[assignment]
        self.registry = registry
        self.parties = parties  # the sides of the document's war, for "the army" named nowhere
        self.claimants: list[Attribution] = []
        self.organs: list[Mention] = []

    def add_sentence(self, mentions: list[Mention], attributions: list[Attribution]) -> None:
        self.organs += [m for m in mentions if m.kind == "organ"]
        self.claimants += attributions
        # a word like "the army" reaches back to recent speakers only: the bound keeps each look-up short
        if len(self.claimants) > 2 * _RECALL:
            del self.claimants[:-_RECALL]
        if len(self.organs) > 2 * _RECALL:
            del self.organs[:-_RECALL]

    def resolve(self, roles: set[str]) -> tuple[str, str, str, bool, str] | None:
        """The latest claimant (else organ) that a word for one of ``roles`` can stand for."""
        widened = roles | {"military"} if "armed_group" in roles else roles  # "the group": armed groups first
        for wanted in (roles, widened):
            for a in reversed(self.claimants):
                if self._fits(a.role, a.party, wanted):
                    return a.claimant, a.party, a.role, False, a.ident
            for m in reversed(self.organs):
                if m.party and self._fits(m.role, m.party, wanted):
                    return m.name, m.party, m.role, False, m.name
        return self._organ_of_sides(roles)

    def _organ_of_sides(self, roles: set[str]) -> tuple[str, str, str, bool, str] | None:
        """ "The army said" in a Gaza report: the one side of the war that has an organ of that role."""
        if "any" in roles:
            return None
        found = []
        for party in self.parties:
            organ = next((o for o in self.registry.parties.get(party, {}).get("organs", [])
                          if o.get("role") in roles), None)
            if organ:
                found.append((organ["name"], party, organ.get("role", "military")))
        if len(found) != 1:
            return None
        name, party, role = found[0]
        return name, party, role, False, name

    def by_surname(self, word: str) -> tuple[str, str, str, bool, str] | None:
        for a in reversed(self.claimants):
            if len(a.claimant.split()) > 1 and a.claimant.split()[-1] == word:
                return a.claimant, a.party, a.role, False, a.ident
        for m in reversed(self.organs):
            if m.party and len(m.text.split()) > 1 and m.text.split()[-1] == word:
                return m.text, m.party, m.role, False, m.name
        return None

    def _fits(self, role: str, party: str, roles: set[str]) -> bool:
        if "any" in roles or role in roles or self.registry.kind_of(party) in roles:
            return True
        # "Israel says ..." then "the army said": a party named as such speaks through any organ
        return role == "party" and self.registry.kind_of(party) == "belligerent" and bool(
            roles & {"military", "government", "armed_group"})
