"""Claim candidates in one sentence: a count, the noun it counts, and the word saying what happened.

This is the rules-first fast path: regexes built from the lexicon find, for each count, the
counted noun phrase after it and the nearest trigger (a verb before it, a participle after it,
or a noun that is itself a loss word), and the lexicon's rule table turns the pair into a
category. Whose losses, who claims them, and when, are settled later with document context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon, normalize, phrase_regex
from .tries import trie_alternation
from .numbers import Count, CountFinder
from .sentences import Sentence

_BOUNDARY_WORDS = re.compile(
    r"^(?:in|at|on|during|since|over|after|before|from|to|into|across|near|inside|outside|and|or|but|"
    r"while|who|which|that|were|was|are|is|have|has|had|been|by|with|for|as|including|among|than|"
    r"said|says|the|a|an|this|these|those|their|its|his|her|our|per|each|every|amid|following|"
    r"through|throughout|within|between|under|against|toward|towards|around|about|along|via|if|when)$",
    re.I)
_PASSIVE = re.compile(
    r"^\s*,?\s*(?:(?:who|which|that)\s+)?(?:(?:were|was|have|has|had|are|is|being|been|got|had)\s+)*"
    r"(?:(?:also|reportedly|allegedly|all|later|either|both|subsequently|mostly|since|been|now|then|"
    r"officially|confirmed|in\s+total|so\s+far)\s+)*$", re.I)
_OF_THEM = re.compile(r"^\s*(?:of\s+(?:them|whom|which|those|these)|among\s+them)\b", re.I)
_COUNT_WORD = (r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
               r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a\s+dozen|dozen)")
_OUT_OF = re.compile(rf"^\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?(?:more\s+than\s+|nearly\s+|about\s+|some\s+)?"
                     rf"{_COUNT_WORD}(?:\s+{_COUNT_WORD})*(?=\s)", re.I)
_OUT_OF_BEFORE = re.compile(rf"\b(?:{_COUNT_WORD}|most|all|some|many|half|nearly\s+all|almost\s+all)\s+(?:out\s+)?of\s+"
                            rf"(?:the\s+|all\s+|its\s+|their\s+)?(?:more\s+than\s+|nearly\s+|about\s+|some\s+|over\s+)?$", re.I)
_OF_OWNER = re.compile(r"^\s+of\s+(?:its|their|his|her|our|the|these|those)\s+", re.I)
# "bringing the total to 229", "the toll rose to 31", "put the number of soldiers killed at 229"
_RUNNING_TOTAL = re.compile(
    r"(?:\b(?:total|toll|tally|count|number|figure|losses)\b[^;:]{0,80}?\b(?:to|at|of|reached|reaching|hit|stands?\s+at|"
    r"stood\s+at|is|was|now)|\b(?:rose|risen|rising|raise|raises|climbed|jumped|increased|raised|raising|bringing|brings|"
    r"brought|pushing|pushed|taking|took)\b[^.;:]{0,60}?\bto)\s*(?:some\s+|about\s+|nearly\s+|over\s+|"
    r"more\s+than\s+|at\s+least\s+)?$", re.I)
_ASIDE = re.compile(r"(?:\s+(?:from|in|of|near|at|on|across|inside)\s+[^,;.]{1,50}?(?=,|\s+(?:were|was|have|has|had)\b))?"
                    r"(?:\s*,\s*(?:including|among\s+them|of\s+whom|most\s+of\s+them|mostly|many\s+of\s+them|"
                    r"from|in|near|according\s+to|(?:the\s+)?(?:vast\s+)?(?:majority|most|many|some|all|half)\s+of\s+"
                    r"(?:them|whom))\b[^,;.]{0,80},)?", re.I)
_FOLLOWERS = re.compile(
    r"^(?:yesterday|today|tonight|overnight|earlier|last|more|others|alone|so|altogether|also|had|have|has|"
    r"were|was|are|is|died|fled|remain|remained|still|later|then|now|of|out|in|on|at|during|since|across|"
    r"inside|near|by|before|after|until|while|and|or|but|who|which|that|this|these|those|per|each|all|both|"
    r"more|fewer|less|people|times)$")
_INVARIANT_PLURALS = {"people", "personnel", "police", "staff", "aircraft", "equipment", "artillery", "infantry",
                      "crew", "militia", "men", "women", "children", "ammunition", "weaponry", "manpower", "dead",
                      "killed", "wounded", "injured", "missing", "displaced", "captured", "detained",
                      "military", "fire", "youth", "livestock", "cattle", "fighter",
                      "dozen", "hundred", "thousand", "million", "ordnance", "mortar", "hardware", "materiel",
                      "trophies", "gear", "clergy", "press", "elderly"}
_SELF_TRIGGERING = {"killed", "wounded", "injured", "dead", "deaths", "fatalities", "casualties", "injuries", "killings"}
_PARTICIPLES = {"killed", "wounded", "injured", "dead", "missing", "captured", "detained", "displaced"}
# "of that number, 2,105 tanks", "including 587 children", "among them 12 women"
_BREAKDOWN_BEFORE = re.compile(
    r"(?:\bof\s+(?:that|this|the)\s+(?:number|total|figure|toll)|\bof\s+(?:those|these|them|which|whom)|"
    r"\bamong\s+(?:them|those|whom)|\bincluding|\bincludes|\bincluded)\s*,?\s*$",
    re.I)
_ELLIPSIS_BEFORE = re.compile(r"\b(?:another|a\s+further|an\s+additional|the\s+other|while|whereas|and)\s*$", re.I)
_DEATH_TOLL = re.compile(r"\b(?:death|fatality|casualty\s+death)\s+(?:toll|tally|count)\b", re.I)
_AUXILIARY = re.compile(r"^(?:were|was|are|is|been|being|have\s+been|has\s+been|had\s+been)\s+", re.I)
_PERSON_TRIGGERS = {"killed", "wounded", "casualties", "captured", "missing", "arrested", "displaced"}


# Words a figure with no counted noun or act can still take its category from: a toll on its
# own ("the death toll has reached 2,574"), or a breakdown or total of a figure given before it
# ("of them", "including", "bringing the number to"). The second kind needs that earlier figure,
# so it is only looked for once the document has one: most general prose never gets there.
_TOLL_WORDS = re.compile(r"\b(?:toll|tally|count)\b", re.I)
_CONTINUATION_WORDS = re.compile(r"\b(?:%s)\b" % trie_alternation(
    "them whom which those these total number figure losses rose risen rising raise raises "
    "climbed jumped increased raised raising bringing brings brought pushing pushed taking took including "
    "includes included among".split()), re.I)


def _kept(c: "Candidate") -> bool:
    return bool(c.category or c.breakdown in ("of_them", "total", "including") or c.elliptic)


@dataclass
class Candidate:
    """A count that may be a claim, with what the sentence says about it."""

    sentence: Sentence
    count: Count
    subject: str = ""
    noun_classes: set[str] = field(default_factory=set)
    subject_span: tuple[int, int] = (0, 0)
    trigger: str | None = None
    trigger_classes: set[str] = field(default_factory=set)
    trigger_span: tuple[int, int] = (0, 0)
    passive: bool = False
    category: str | None = None
    breakdown: str | None = None  # "of_them", "including" or "total" (a running total of the claim before)
    implicit_subject: bool = False
    designation: bool = False  # a number naming a model or unit, not counting anything
    elliptic: bool = False  # no noun of its own: "killed 5 soldiers and wounded 10", "546 were captured"

    @property
    def start(self) -> int:
        return self.sentence.start + self.count.start

    @property
    def end(self) -> int:
        return self.sentence.start + self.count.end


#: The most figures read in one sentence. Real sentences hold at most about ten; a run of
#: hundreds is a table or noise, and reading each of them costs as much as a whole report.
MAX_COUNTS = 40


class CandidateFinder:
    """Finds claim candidates in sentences (pure, reusable across documents)."""

    def __init__(self, lexicon: Lexicon, *, people_words: list[str]) -> None:
        self.lex = lexicon
        self._previous_ends: list[int] = []
        self.read = self.unread = 0
        self._list_before: Candidate | None = None
        self._current_nouns: set[str] = set()
        self.counts = CountFinder(lexicon)
        self.noun_re = lexicon.noun_regex(people_words)
        self.people_words = {normalize(w) for w in people_words}
        count_words = trie_alternation(
            "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty "
            "seventy eighty ninety hundred thousand dozen dozens scores several many numerous number few "
            "multiple hundreds thousands series wave waves barrage barrages salvo salvos countless handful "
            "some".split())
        self.prefilter = re.compile(rf"\d|\b(?:{count_words})\b", re.I)
        # acts that name their victims as people ("killed", "detained"): a figure with no counted
        # noun takes its category from these only ("used", "with", "sent" need a noun: "drones")
        person_triggers = [w for cls, words in lexicon.triggers.items() if cls in _PERSON_TRIGGERS for w in words]
        self.person_trigger_re = phrase_regex(person_triggers)
        # One pass for "a counted noun or an act done to people" (the two tries merged): the
        # test most sentences with a number end on.
        self.topical_re = phrase_regex([w for ws in lexicon.nouns.values() for w in ws] + people_words
                                       + person_triggers)

    def find(self, sentence: Sentence, *, figure_before: bool = True) -> list[Candidate]:
        """Candidates of ``sentence`` that have a category, left to right; figures beyond the
        first :data:`MAX_COUNTS` are not read; ``self.read`` and ``self.unread`` say how many were
        read and how many were not. ``figure_before``: an earlier sentence of the document had
        a candidate, which a breakdown or total here may continue."""
        text = sentence.text
        self.read = self.unread = 0
        if not self.prefilter.search(text) or not self._topical(text, figure_before):
            return []
        out: list[Candidate] = []  # the candidates kept so far (a list continues the last of them)
        seen: list[Candidate] = []
        self._previous_ends = []
        self._previous_nouns: list[bool] = []
        counts, self.unread = self.counts.find_first(text, MAX_COUNTS)  # the caller warns about the unread
        self.read = len(counts)
        for count in counts:
            if self.lex.unit_re.match(text[count.end:]):
                continue
            cand = Candidate(sentence, count)
            self._list_before = self._in_list_with(out, text, count.start)
            self._previous_ends.append(0)
            self._attach_noun(cand)
            if cand.designation:
                self._previous_ends.pop()
                continue
            self._attach_trigger(cand)
            self._categorize(cand)
            self._previous_ends[-1] = cand.subject_span[1] or cand.count.end
            self._previous_nouns.append(bool(cand.noun_classes))
            seen.append(cand)
            if _kept(cand):
                out.append(cand)
        self._share_right_triggers(seen)
        return [c for c in seen if _kept(c)]

    def _topical(self, text: str, figure_before: bool) -> bool:
        """The sentence names something counted, an act done to people, a toll, or (after an
        earlier figure) a total or breakdown that figure may belong to; without any of these no
        count in it can get a category (every category rule needs a counted noun, but for the
        acts that imply people); most sentences of general news with a number end here."""
        return bool(self.topical_re.search(text) or _TOLL_WORDS.search(text)
                    or (figure_before and _CONTINUATION_WORDS.search(text)))

    def _share_right_triggers(self, cands: list[Candidate]) -> None:
        """ "Six police officers and five members of the group also died": counts joined by "and"
        share the verb after the last of them."""
        for first, second in zip(reversed(cands[:-1]), reversed(cands[1:])):
            if first.category or not first.noun_classes or not second.trigger or not second.passive:
                continue
            glue = first.sentence.text[first.subject_span[1] or first.count.end:second.count.start]
            if not re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*as\s+well\s+as)\s*", glue):
                continue
            first.trigger, first.trigger_classes, first.passive = second.trigger, set(second.trigger_classes), True
            first.trigger_span = second.trigger_span
            first.category = self.lex.category_for(first.noun_classes, first.trigger_classes)

    # -- the counted noun ------------------------------------------------------------------
    def _attach_noun(self, c: Candidate) -> None:
        text, end = c.sentence.text, c.count.end
        if _OF_THEM.match(text[end:]):
            c.breakdown = "of_them"
            return
        out_of = _OUT_OF.match(text[end:])
        if out_of:  # "98 of 120 drones": count the noun after the total
            end = c.count.end + out_of.end()
        if _OUT_OF_BEFORE.search(text[max(0, c.count.start - 20):c.count.start]):
            c.breakdown = "out_of"  # the 120 of "98 of 120 drones": how many were launched/fired
        if _BREAKDOWN_BEFORE.search(text[max(0, c.count.start - 40):c.count.start]):
            c.breakdown = "including"
        if self._is_running_total(text, c.count.start):
            c.breakdown = "total"
        pos, head = end, None
        owner = _OF_OWNER.match(text[end:]) if not out_of else None
        if owner:  # "two of its paramedics"
            pos = end + owner.end()
        while True:
            m = self.noun_re.search(text, pos, min(len(text), pos + 70))
            if not m or not self._only_modifiers(text[pos:m.start()]):
                break
            if head is not None and normalize(m.group(0)) in _PARTICIPLES:
                break  # "6,200 servicemen killed and wounded": the participle is the trigger
            head, pos = m, m.end()
        if head is None:
            return
        start = end
        if re.match(r"\s+of\s", text[end:]):  # "dozens of soldiers"
            start = end + len(re.match(r"\s+of\s", text[end:]).group(0))  # type: ignore[union-attr]
        if (c.count.value or 0) > 1 and self._singular(head.group(0)):
            c.designation = True  # "a Hermes 450 drone", "Brigade 162 commander": a model or unit number
            return
        c.subject = text[start:head.end()].strip(" “”\"'")
        c.subject_span = (start, head.end())
        c.noun_classes = self._classes_of(head.group(0))

    @staticmethod
    def _singular(noun: str) -> bool:
        word = noun.split()[-1].lower()
        return not word.endswith(("s", "men", "ren")) and word not in _INVARIANT_PLURALS

    def _only_modifiers(self, gap: str) -> bool:
        if re.search(r"[,;:()“”\"!?]|\.(?!\d)|(?<![\w.-])\d[\d,.]*(?![\w])", gap):  # "Kh-59", "81mm" are names
            return False
        words = gap.split()
        if words and words[0].lower() == "of":
            words = words[1:]
        if len(words) <= 5 and "and" in (w.lower() for w in words[1:]):  # "Hamas and Islamic Jihad fighters"
            words = [w for w in words if w.lower() != "and"]
        return len(words) <= 4 and not any(_BOUNDARY_WORDS.match(w) for w in words)

    @staticmethod
    def _is_running_total(text: str, start: int) -> bool:
        return bool(_RUNNING_TOTAL.search(text[max(0, start - 140):start]))

    def _classes_of(self, noun: str) -> set[str]:
        key = normalize(noun)
        classes = set(self.lex.noun_class.get(key, set()))
        if key in self.people_words or key.rstrip("s") in self.people_words:
            classes.add("person")
        return classes

    # -- the trigger ---------------------------------------------------------------------------
    def _attach_trigger(self, c: Candidate) -> None:
        self._current_nouns = c.noun_classes
        text = c.sentence.text
        noun_end = c.subject_span[1] or c.count.end
        noun_word = normalize(text[c.subject_span[0]:c.subject_span[1]].split()[-1]) if c.subject else ""
        if noun_word in _SELF_TRIGGERING:  # "10,099 injured", "500,000 casualties": the noun says it
            self._set_trigger(c, noun_word, c.subject_span, passive=False)
        found = None if self._settled(c) else self._left_adjacent(text, c.count.start, noun_end)
        if found:
            self._set_trigger(c, *found)
        if noun_word in self.lex.trigger_class and not self._settled(c):  # "35 launches", "50 hostages"
            self._set_trigger(c, noun_word, c.subject_span, passive=False)
        for finder in (self._right_passive, self._right_loose, self._left_far):
            if self._settled(c):
                return
            found = finder(text, c.count.start, noun_end)
            if found:
                self._set_trigger(c, *found)
        prev = self._list_before  # "stands at 6,790 tanks, 12,968 armoured vehicles and ..."
        if not self._settled(c) and prev is not None and (prev.trigger or prev.breakdown == "total"):
            if prev.trigger:
                c.trigger, c.trigger_classes, c.trigger_span = prev.trigger, set(prev.trigger_classes), prev.trigger_span
            c.breakdown = c.breakdown or (prev.breakdown if prev.breakdown == "total" else None)

    def _settled(self, c: Candidate) -> bool:
        return bool(c.trigger and self.lex.category_for(c.noun_classes or self._implicit(c), c.trigger_classes))

    def _set_trigger(self, c: Candidate, word: str, span: tuple[int, int], passive: bool) -> None:
        c.trigger, c.trigger_span, c.passive = word, span, passive
        c.trigger_classes = set(self.lex.trigger_class.get(normalize(word), set()))
        bare = _AUXILIARY.sub("", word)  # "were seized" means what "seized" means
        if bare != word:
            c.trigger_classes |= self.lex.trigger_class.get(normalize(bare), set())

    def _implicit(self, c: Candidate) -> set[str]:
        return {"person"} if not c.subject and c.trigger_classes & _PERSON_TRIGGERS else set()

    def _left_adjacent(self, text: str, start: int, _end: int) -> tuple[str, tuple[int, int], bool] | None:
        window_start = max(0, start - 60)
        last = None
        for m in self.lex.trigger_re.finditer(text, window_start, start):
            last = m
        if last is None:
            return None
        gap = text[last.end():start]
        if re.search(r"[;.“”\"]|[:,]\s*\S", gap) or len(gap.split()) > 3:
            return None
        if re.search(r"\b(?:and|or|while|but|whereas)\b", gap, re.I) or self.noun_re.search(gap):
            return None  # "32 civilians had died and 63 were wounded": the verb belongs to the count before
        return last.group(0), (last.start(), last.end()), False

    def _right_passive(self, text: str, _start: int, end: int) -> tuple[str, tuple[int, int], bool] | None:
        aside = _ASIDE.match(text, end)  # "10,675 civilians, including 587 children, have been killed"
        if aside:
            end = aside.end()
        for m in self.lex.trigger_re.finditer(text, end, min(len(text), end + 50)):
            if _PASSIVE.match(text[end:m.start()]):
                return m.group(0), (m.start(), m.end()), True
            break
        return None

    def _right_loose(self, text: str, _start: int, end: int) -> tuple[str, tuple[int, int], bool] | None:
        m = self.lex.trigger_re.search(text, end, min(len(text), end + 60))
        if m and not re.search(r"[,;.:“”\"]", text[end:m.start()]) and len(text[end:m.start()].split()) <= 7:
            return m.group(0), (m.start(), m.end()), True
        return None

    def _left_far(self, text: str, start: int, _end: int) -> tuple[str, tuple[int, int], bool] | None:
        """A trigger earlier in the clause: "destroyed 3 tanks, 5 APCs and 12 guns" (a list)."""
        # a full stop the splitter kept inside the sentence ("neutralized. we have called in
        # 300,000 reservists") still ends the clause a trigger may reach across
        clause = max(text.rfind(";", 0, start), text.rfind(":", 0, start), text.rfind(". ", 0, start), 0, start - 140)
        found = list(self.lex.trigger_re.finditer(text, clause, start))
        if not found:
            return None
        # the nearest trigger that says what happened to this noun ("lost ... in battles with ...,
        # and another 325 soldiers": "lost", not "with"), else the nearest
        nouns = self._current_nouns
        fitting = [m for m in found if nouns and self.lex.category_for(
            nouns, set(self.lex.trigger_class.get(normalize(m.group(0)), set())))]
        last = fitting[-1] if fitting else found[-1]
        gap = text[last.end():start]
        prev_end = max([e for e in self._previous_ends[:-1] if e <= start] or [0])
        glue = text[prev_end:start]
        in_list = prev_end > last.end() and len(glue.split()) <= 10 and re.search(
            r"(?:,|\band|\bas\s+well\s+as|\bplus|\bor|\bwhile|\bwhereas)\s*(?:another|a\s+further|up\s+to)?\s*$",
            glue) is not None
        if not in_list and ("," in gap or len(gap.split()) > 8):
            return None
        return last.group(0), (last.start(), last.end()), False

    # -- the category ----------------------------------------------------------------------------
    def _categorize(self, c: Candidate) -> None:
        nouns = c.noun_classes
        if c.breakdown == "out_of":  # the M of "N of M drones" were launched; of people, a total for context
            if nouns & {"aircraft", "projectile"}:
                c.category, c.trigger_classes = "projectiles", {"launched"}
            return
        if not nouns and self._counts_unknown_noun(c):
            return  # "over 12 regions", "from three directions": a count of something else
        if not nouns and c.breakdown is None and self._out_of_list(c):
            c.elliptic = True  # takes the noun of the count before it in the sentence (pipeline)
            return
        if not nouns and self._person_trigger(c) and c.breakdown not in ("of_them", "total"):
            nouns = {"person"}
            c.implicit_subject = True
            c.subject = "lives" if c.trigger and "lives" in c.trigger.lower() else "people"
            c.noun_classes = nouns
        c.category = self.lex.category_for(nouns, c.trigger_classes) if nouns else None
        if c.breakdown == "total" and not c.category:
            self._categorize_total(c)

    @staticmethod
    def _in_list_with(previous: list[Candidate], text: str, start: int) -> Candidate | None:
        """The candidate this count follows in a list ("6,790 tanks, 12,968 armoured vehicles and ...")."""
        if not previous:
            return None
        prev = previous[-1]
        end = prev.subject_span[1] or prev.count.end
        if end > start:
            return None
        glue = text[end:start]
        return prev if re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*as\s+well\s+as|,?\s*plus)\s*", glue) else None

    def _person_trigger(self, c: Candidate) -> bool:
        """Triggers that can only be about people ("killed", "detained"), not "hit" or "struck"."""
        return bool(c.trigger_classes & _PERSON_TRIGGERS) and not c.trigger_classes & {"destroyed", "attacked", "targeted"}

    def _counts_unknown_noun(self, c: Candidate) -> bool:
        """The word after the count is a noun the lexicon does not know (not a verb, preposition or time word)."""
        m = re.match(r"\s+([a-z][a-z-]+)\b", c.sentence.text[c.count.end:])
        if not m:
            return False
        word = m.group(1)
        return not (_BOUNDARY_WORDS.match(word) or _FOLLOWERS.match(word) or self.lex.trigger_re.fullmatch(word)
                    or word.endswith(("ed", "ing")) or word in self.lex.reporting_modality)

    def _out_of_list(self, c: Candidate) -> bool:
        """A bare count after another count with a noun in the sentence ("... and 9 others" aside)."""
        return any(self._previous_nouns)

    def _categorize_total(self, c: Candidate) -> None:
        """ "brings the number of soldiers killed ... to 229": the noun and trigger come before."""
        text = c.sentence.text
        lo = max(0, c.count.start - 140)
        of = re.search(r"\b(?:number|total|toll|tally|count)\s+of\s+", text[lo:c.count.start], re.I)
        if not of and _DEATH_TOLL.search(text[lo:c.count.start]):
            c.category, c.subject, c.noun_classes = "killed", "people", {"person"}  # "the death toll has reached 2,574"
            c.implicit_subject = True
            return
        if not of:
            return  # "its toll since the start of the ground operation to 229": the claim before says what
        nouns = [n for n in self.noun_re.finditer(text, lo + of.end(), c.count.start)
                 if normalize(n.group(0)) not in _PARTICIPLES][:1]
        trig = list(self.lex.trigger_re.finditer(text, lo, c.count.start))
        if not nouns or not trig:
            return
        classes = self._classes_of(nouns[-1].group(0))
        tclasses = set(self.lex.trigger_class.get(normalize(trig[-1].group(0)), set()))
        category = self.lex.category_for(classes, tclasses)
        if category:
            c.category, c.subject, c.noun_classes = category, nouns[-1].group(0), classes
            c.subject_span = (lo + of.end() if of else nouns[-1].start(), nouns[-1].end())  # "Russian troops"
            c.trigger, c.trigger_classes = trig[-1].group(0), tclasses
            c.trigger_span = (trig[-1].start(), trig[-1].end())
            c.passive = nouns[-1].end() <= trig[-1].start()  # "the number of soldiers killed": a participle
