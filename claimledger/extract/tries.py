"""Many phrases as one regex, merged into a trie (shared by the lexicon, the counts and the registry)."""
from __future__ import annotations

import re


def trie_alternation(phrases: list[str], *, space: str = r"\s+") -> str:
    """A regex matching any of ``phrases`` (lower-cased; compile it with re.I), longest first,
    as a trie: the same matches as "|".join of the phrases longest first, many times faster.
    A space in a phrase becomes ``space``."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        words = phrase.lower().split()
        if not words:
            continue
        node = trie
        for ch in " ".join(words):
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _trie_pattern(trie, space)


_END = ""  # the trie key that marks the end of a phrase (no character is empty)


def _trie_pattern(node: dict[str, dict], space: str) -> str:
    """The regex of a trie node: longer continuations before the phrase that ends here, so the
    engine prefers the longest phrase and backs off to shorter ones as an alternation would."""
    branches = [(space if ch == " " else re.escape(ch)) + _trie_pattern(child, space)
                for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body
