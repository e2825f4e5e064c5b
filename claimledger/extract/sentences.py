"""Split a document into paragraphs, sentences and quotations, keeping character offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "sgt", "capt", "cpl", "pvt",
           "adm", "brig", "st", "no", "nos", "vs", "approx", "est", "inc", "ltd", "co", "jr", "sr",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
           "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "rep", "sen", "gov", "fig", "al"}
# Each branch starts by consuming a mark or a digit (what is before it is checked after), so the
# regex engine skips ahead to the next candidate character instead of trying every position.
# A run of end marks is tried once, from its first mark (a run of 20,000 dots tried from each of
# its marks took seconds): a shorter part of the run is followed by a mark, never by a space.
_BOUNDARY = re.compile(r"[.!?](?<![.!?].)[.!?]*[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n"
                       r"|[.!?](?<=[a-z)].)(?=[A-Z])"  # "launches.A short while ago" (message exports)
                       r"|\d(?<=[a-z.]\d)(?=\d?:\d\d(?!\d)\s*[A-Z])")  # "...Gaza13:07Sirens sounding"
_PARA = re.compile(r"\n[ \t]*\n")
_DATELINE = re.compile(
    r"[ \t]*[A-Z][A-Za-z .'’-]{1,40},\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8})"
    r"\s*(?:\([^)\n]{1,30}\))?\s*(?:--|—|–|-)+")
_QUOTE = re.compile(r"“[^”]*(?:”|$)|\"[^\"\n]*(?:\"|$)", re.M)

#: The longest sentence read as one. Real reports' sentences stay under about 700 characters;
#: a longer run (a list with no full stop, a table, noise) is cut into pieces of at most this
#: size, so the work per sentence is bounded and extraction time grows with the text, not its square.
MAX_SENTENCE = 800


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the document: ``text == document[start:end]``."""

    start: int
    end: int
    text: str
    paragraph: int
    index: int


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by blank lines."""
    spans, pos = [], 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into ``text``; whitespace is trimmed from both ends."""
    out: list[Sentence] = []
    for p, (ps, pe) in enumerate(split_paragraphs(text)):
        start = ps
        dateline = _DATELINE.match(text, ps, pe)
        if dateline:  # "KYIV, March 4 (Reuters) -" is not part of the first sentence
            start = dateline.end()
        for m in _BOUNDARY.finditer(text, start, pe):
            mark = m.group(0)
            if mark[0].isdigit():  # a time stamp starts the next sentence: cut before it
                if _is_abbreviation(text, m.start()):
                    continue
                _append(out, text, start, m.start(), p)
                start = m.start()
                continue
            end = m.end() if mark != "\n" else m.start()
            if mark != "\n" and _is_abbreviation(text, m.start()):
                continue
            _append(out, text, start, end, p)
            start = m.end()
        _append(out, text, start, pe, p)
    return out


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, curly or straight, within one paragraph."""
    spans = []
    for ps, pe in split_paragraphs(text):
        for m in _QUOTE.finditer(text, ps, pe):
            if m.end() - m.start() > 12:
                spans.append((m.start(), m.end()))
    return spans


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while end - start > MAX_SENTENCE:
        cut = _cut_point(text, start, start + MAX_SENTENCE)
        _append_one(out, text, start, cut, paragraph)
        start = cut
    _append_one(out, text, start, end, paragraph)


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence before ``limit``: after its last clause mark (", ", "; ")
    in the second half, else its last space there, else at the limit itself."""
    half = start + (limit - start) // 2
    clause = max(text.rfind(", ", half, limit), text.rfind("; ", half, limit))
    if clause > 0:
        return clause + 1
    space = max(text.rfind(" ", half, limit), text.rfind("\n", half, limit))
    return space if space > 0 else limit


def _append_one(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    raw = text[start:end]
    left = raw.lstrip()    # str.strip drops what str.isspace calls white space
    start += len(raw) - len(left)
    sentence = left.rstrip()
    if len(sentence) > 1 and _WORD.search(sentence):
        out.append(Sentence(start, start + len(sentence), sentence, paragraph, len(out)))


_WORD = re.compile(r"\w")
_LAST_WORD = re.compile(r"([A-Za-z.]+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _LAST_WORD.search(text, max(0, dot - 8), dot)
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    return word in _ABBREV or (len(word) == 1 and word.isalpha())
