"""Claim candidates in one sentence: a count, the noun it counts, and the word saying what happened.

This is the rules-first fast path: regexes built from the lexicon find, for each count, the
counted noun phrase after it and the nearest trigger (a verb before it, a participle after it,
or a noun that is itself a loss word), and the lexicon's rule table turns the pair into a
category. Whose losses, who claims them, and when, are settled later with document context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon, normalize
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
_PERSON_TRIGGERS = {"killed", "wounded", "casualties", "captured", "missing", "arrested", "displaced"}


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
    breakdown: str | None = None  # "of_them" or "including"
    implicit_subject: bool = False

    @property
    def start(self) -> int:
        return self.sentence.start + self.count.start

    @property
    def end(self) -> int:
        return self.sentence.start + self.count.end


class CandidateFinder:
    """Finds claim candidates in sentences (pure, reusable across documents)."""

    def __init__(self, lexicon: Lexicon, *, people_words: list[str]) -> None:
        self.lex = lexicon
        self.counts = CountFinder(lexicon)
        self.noun_re = lexicon.noun_regex(people_words)
        self.people_words = {normalize(w) for w in people_words}
        self.prefilter = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                                    r"twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
                                    r"thousand|dozen|dozens|scores|several|many|numerous|number|few|"
                                    r"multiple|hundreds|thousands|series|wave|waves|barrage|barrages|"
                                    r"salvo|salvos|countless|handful|some)\b", re.I)

    def find(self, sentence: Sentence) -> list[Candidate]:
        """Candidates of ``sentence`` that have a category, left to right."""
        text = sentence.text
        if not self.prefilter.search(text):
            return []
        out: list[Candidate] = []
        for count in self.counts.find(text):
            if self.lex.unit_re.match(text[count.end:]):
                continue
            cand = Candidate(sentence, count)
            self._attach_noun(cand)
            self._attach_trigger(cand)
            self._categorize(cand)
            if cand.breakdown == "including" and not cand.noun_classes & {"person", "civilian"}:
                continue  # "8 drones, including two suicide drones": a detail, not a claim
            if cand.category or cand.breakdown == "of_them":
                out.append(cand)
        return out

    # -- the counted noun ------------------------------------------------------------------
    def _attach_noun(self, c: Candidate) -> None:
        text, end = c.sentence.text, c.count.end
        if _OF_THEM.match(text[end:]):
            c.breakdown = "of_them"
            return
        before = text[max(0, c.count.start - 30):c.count.start]
        if self.lex.breakdown_re.search(before) and re.search(r"(?:including|includes|included|among\s+them)\s*$", before, re.I):
            c.breakdown = "including"
        pos, head = end, None
        while True:
            m = self.noun_re.search(text, pos, min(len(text), pos + 70))
            if not m or not self._only_modifiers(text[pos:m.start()]):
                break
            head, pos = m, m.end()
        if head is None:
            return
        start = end
        if re.match(r"\s+of\s", text[end:]):  # "dozens of soldiers"
            start = end + len(re.match(r"\s+of\s", text[end:]).group(0))  # type: ignore[union-attr]
        c.subject = text[start:head.end()].strip(" “”\"'")
        c.subject_span = (start, head.end())
        c.noun_classes = self._classes_of(head.group(0))

    def _only_modifiers(self, gap: str) -> bool:
        if re.search(r"[,;:.()“”\"!?]", gap):
            return False
        words = gap.split()
        if words and words[0].lower() == "of":
            words = words[1:]
        return len(words) <= 4 and not any(_BOUNDARY_WORDS.match(w) for w in words)

    def _classes_of(self, noun: str) -> set[str]:
        key = normalize(noun)
        classes = set(self.lex.noun_class.get(key, set()))
        if key in self.people_words or key.rstrip("s") in self.people_words:
            classes.add("person")
        return classes

    # -- the trigger ---------------------------------------------------------------------------
    def _attach_trigger(self, c: Candidate) -> None:
        text = c.sentence.text
        noun_end = c.subject_span[1] or c.count.end
        noun_word = normalize(text[c.subject_span[0]:c.subject_span[1]].split()[-1]) if c.subject else ""
        if noun_word in self.lex.trigger_class:  # "50 casualties", "35 launches"
            self._set_trigger(c, noun_word, c.subject_span, passive=False)
        for finder in (self._left_adjacent, self._right_passive, self._right_loose, self._left_far):
            if c.trigger and self.lex.category_for(c.noun_classes or self._implicit(c), c.trigger_classes):
                return
            found = finder(text, c.count.start, noun_end)
            if found:
                self._set_trigger(c, *found)

    def _set_trigger(self, c: Candidate, word: str, span: tuple[int, int], passive: bool) -> None:
        c.trigger, c.trigger_span, c.passive = word, span, passive
        c.trigger_classes = set(self.lex.trigger_class.get(normalize(word), set()))

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
        if re.search(r"[;.:“”\"]", gap) or len(gap.split()) > 3:
            return None
        return last.group(0), (last.start(), last.end()), False

    def _right_passive(self, text: str, _start: int, end: int) -> tuple[str, tuple[int, int], bool] | None:
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
        clause = max(text.rfind(";", 0, start), text.rfind(":", 0, start), 0, start - 140)
        last = None
        for m in self.lex.trigger_re.finditer(text, clause, start):
            last = m
        if last is None:
            return None
        return last.group(0), (last.start(), last.end()), False

    # -- the category ----------------------------------------------------------------------------
    def _categorize(self, c: Candidate) -> None:
        nouns = c.noun_classes
        if not nouns and c.trigger_classes & _PERSON_TRIGGERS and c.breakdown != "of_them":
            nouns = {"person"}
            c.implicit_subject = True
            c.subject = "lives" if c.trigger and "lives" in c.trigger.lower() else "people"
            c.noun_classes = nouns
        c.category = self.lex.category_for(nouns, c.trigger_classes) if nouns else None
