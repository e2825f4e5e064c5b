"""The extraction lexicon (data/lexicon.yaml) loaded once into regexes and lookup tables."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import RegistryError
from .tries import trie_alternation
from .registry import YAML_LOADER


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """Any of ``phrases`` on word boundaries, case-insensitive, the longest that fits first.

    The phrases are merged into a trie before compiling ("kill(?:ed|ing|s)?" rather than
    "killed|killing|kills|kill"): the regex engine then tests one branch per character instead
    of every phrase at every position, which is what made lexicon look-ups the slowest step.
    A space in a phrase matches any run of white space.
    """
    return re.compile(rf"(?<![\w-])(?:{trie_alternation(phrases)})(?![\w])", re.I)


@dataclass(frozen=True, slots=True)
class CategoryRule:
    nouns: frozenset[str]
    triggers: frozenset[str]
    category: str


class Lexicon:
    """Word lists and the regexes built from them."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self.qualifiers: dict[str, list[str]] = data["qualifiers"]
            self.vague_counts: list[str] = data["vague_counts"]
            self.nouns: dict[str, list[str]] = data["nouns"]
            self.triggers: dict[str, list[str]] = data["triggers"]
            self.rules = tuple(CategoryRule(frozenset(r["nouns"]), frozenset(r["triggers"]), r["category"])
                               for r in data["category_rules"])
            self.non_count_units: list[str] = [str(u) for u in data["non_count_units"]]
            self.non_count_prefixes: list[str] = [str(p) for p in data["non_count_prefixes"]]
            self.reporting: dict[str, list[str]] = data["reporting"]
            self.not_reporting: list[str] = data["not_reporting"]
            self.anaphora: dict[str, list[str]] = data["anaphora"]
            self.breakdown_markers: list[str] = data["breakdown_markers"]
            self.cumulative_cues: list[str] = data["cumulative_cues"]
        except (KeyError, TypeError) as exc:
            raise RegistryError(f"lexicon is missing or malforms {exc}") from exc
        self.noun_class: dict[str, set[str]] = {}
        for cls, words in self.nouns.items():
            for w in words:
                self.noun_class.setdefault(_norm(w), set()).add(cls)
        self.trigger_class: dict[str, set[str]] = {}
        for cls, words in self.triggers.items():
            for w in words:
                self.trigger_class.setdefault(_norm(w), set()).add(cls)
        self.trigger_re = phrase_regex([w for ws in self.triggers.values() for w in ws])
        self.unit_re = re.compile(
            r"^\s*(?:%s)(?![\w])" % "|".join(re.escape(u) for u in sorted(self.non_count_units, key=len, reverse=True)),
            re.I)
        reporting = [(w, m) for m, ws in self.reporting.items() for w in ws]
        self.reporting_modality = {_norm(w): m for w, m in reporting}
        self.reporting_re = phrase_regex([w for w, _ in reporting])
        self.not_reporting_re = phrase_regex(self.not_reporting)
        # "the update" also matches "the daily update", "the group's latest statement"
        words = [w for ws in self.anaphora.values() for w in ws]
        alts = sorted({w for w in words}, key=len, reverse=True)
        body = "|".join(re.escape(a).replace(r"\ ", r"\s+").replace("the\\s+", r"the\s+(?:[\w-]+\s+){0,2}", 1)
                        if a.startswith("the ") else re.escape(a).replace(r"\ ", r"\s+") for a in alts)
        self.anaphora_re = re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.I)
        self.anaphora_roles: dict[str, set[str]] = {}
        for role, ws in self.anaphora.items():
            for w in ws:
                self.anaphora_roles.setdefault(_norm(w), set()).add(role)
        self.breakdown_re = phrase_regex(self.breakdown_markers)
        self.cumulative_re = phrase_regex(self.cumulative_cues)

    def anaphora_roles_of(self, phrase: str) -> set[str]:
        """Roles a matched anaphor can stand for ("the daily update" -> as "the update")."""
        key = _norm(phrase)
        if key in self.anaphora_roles:
            return self.anaphora_roles[key]
        parts = key.split()
        for skip in (1, 2):
            if len(parts) > skip + 1 and parts[0] == "the":
                found = self.anaphora_roles.get(" ".join([parts[0], *parts[1 + skip:]]))
                if found:
                    return found
        return {"any"}

    def noun_regex(self, extra_people: list[str]) -> re.Pattern[str]:
        """Counted-noun regex, with party names used as plural people ("Palestinians")."""
        words = [w for ws in self.nouns.values() for w in ws] + extra_people
        return phrase_regex(words)

    def category_for(self, noun_classes: set[str], trigger_classes: set[str]) -> str | None:
        """The category of the first rule matching a noun class and a trigger class."""
        for rule in self.rules:
            if rule.nouns & noun_classes and ("any" in rule.triggers or rule.triggers & trigger_classes):
                return rule.category
        return None


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def normalize(phrase: str) -> str:
    """Lower case with single spaces: the key of every lexicon table."""
    return _norm(phrase)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = resources.files("claimledger.extract").joinpath("data/lexicon.yaml").read_text("utf-8")
    return Lexicon(yaml.load(text, Loader=YAML_LOADER))
