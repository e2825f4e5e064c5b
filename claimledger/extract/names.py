"""A speaker the registry does not know, found by the shape of the text: a capitalised name
right before the reporting verb, or set off by an apposition ("Mario Ngavho, the president of
Goma's civil society, told EFE"), or right after it ("said Ngavho").

This is the fast default for what spaCy's parser and entity recogniser did (kept as the opt-in
accurate path, :mod:`.parse`): on the real corpus the parse was asked about 168 sentences and
six of its answers were kept, and it cost more than every rule together.
"""
from __future__ import annotations

import re

# One capitalised word of a name: "Ngavho", "U.S.", "Al-Qassam", "O'Brien"
_WORD = r"[A-Z][\w'’.-]*"
# Joined by particles that stay lower case: "Abu Obeida", "Ahmed al-Sharaa", "Ursula von der Leyen"
_PARTICLE = r"(?:(?:al|el|bin|ibn|bint|de|da|di|du|del|van|von|der|le|la)[-\s]+)"
NAME = rf"{_WORD}(?:\s+{_PARTICLE}?{_WORD}){{0,4}}"
# "NAME said", "NAME also said"
_RIGHT_BEFORE = re.compile(rf"(?<![\w'’.-])({NAME})\s+(?:also\s+|further\s+|later\s+|then\s+)?$")
# The title an apposition that says who a speaker is turns on, after at most two modifiers:
# "the president of Goma's civil society", "governor of the Far North Region", "the acting
# governor of Kursk region", "a senior military spokesman for the regional administration"
_TITLES = """president vice-president governor deputy mayor minister secretary spokesman spokeswoman
spokesperson head chief director commander general colonel leader official officer member chairman
chairwoman chair representative coordinator administrator prefect envoy ambassador adviser advisor
researcher analyst doctor nurse founder editor correspondent prosecutor senator lawmaker mp""".split()
# "NAME, the president of Goma's civil society, told"; "NAME, Governor of the Far North Region, told";
# "NAME, the secretary general of the governorate of Tahoua announced"
_APPOSITION = re.compile(rf"(?<![\w'’.-])({NAME})\s*,\s+((?:(?:the|a|an|its|their)\s+)?(?:[a-z][\w-]*\s+){{0,2}}"
                         rf"(?i:{'|'.join(_TITLES)})\b[^,;:“”\"]{{0,100}}?),?\s*$")
_RIGHT_AFTER = re.compile(rf"\s+({NAME})(?![\w'’-])")
# Verbs whose speaker follows them: "according to Bogner", "citing Ngavho"
_SPEAKER_AFTER = re.compile(r"(?:according|citing|quoting|per)\b", re.I)
_LISTENER_AFTER = re.compile(r"(?:told|tells|tell|informed|informs|briefed|briefs)\b", re.I)

# Capitalised words that open sentences or clauses but name no one
_NOT_NAMES = frozenset("""
a an the this that these those it its he she they we i you his her their our my your there here
but and or so yet also however meanwhile moreover still then thus while when after before as if
in on at by for from of with without to into over under since until during earlier later today
yesterday tonight monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
officials sources witnesses residents reports report statement police authorities security
""".split())
_ORG_WORDS = frozenset("""
ministry office agency committee council army forces force command brigades brigade front movement
group institute center centre network observatory organization organisation service services
department directorate staff corps guard government authority commission union federation party
""".split())


def named_speaker_by_rules(sentence: str, verb_start: int, verb_end: int) -> tuple[str, str, int] | None:
    """The name that speaks through the reporting verb at ``verb_start``..``verb_end``.

    Returns:
        (name, "PERSON" or "ORG", start offset of the name), or None.
    """
    window_start = max(0, verb_start - 160)
    left = sentence[window_start:verb_start]
    after_only = _SPEAKER_AFTER.match(sentence, verb_start) is not None
    for pattern in () if after_only else (_APPOSITION, _RIGHT_BEFORE):
        m = pattern.search(left)
        if m:
            found = _trimmed(m.group(1), window_start + m.start(1))
            if found:
                return found
    if _LISTENER_AFTER.match(sentence, verb_start):
        return None  # "told EFE": the name after the verb is who listened
    m = _RIGHT_AFTER.match(sentence, verb_end)
    return _trimmed(m.group(1), m.start(1)) if m else None


def _trimmed(name: str, start: int) -> tuple[str, str, int] | None:
    """``name`` without the capitalised function words that open it ("But Ngavho" -> "Ngavho")."""
    tokens = list(re.finditer(r"\S+", name))
    while tokens and tokens[0].group(0).lower().strip(".") in _NOT_NAMES:
        tokens = tokens[1:]
    if not tokens or (len(tokens) == 1 and len(tokens[0].group(0)) < 3):
        return None
    label = "ORG" if tokens[-1].group(0).lower() in _ORG_WORDS else "PERSON"
    return name[tokens[0].start():], label, start + tokens[0].start()
