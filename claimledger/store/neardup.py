"""Near-duplicate documents (wire copies, republished articles) by MinHash over word shingles.

Signatures are computed where the text is (in the extraction workers) and stored as hex;
LSH band hashes go into ``document_bands`` so that candidates are found with an indexed
query instead of an in-memory index that would grow with the corpus.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

NUM_PERM = 64
BANDS = 16                  # 16 bands x 4 rows: pairs at Jaccard 0.8 meet in a band 99.9% of the time
ROWS = NUM_PERM // BANDS
SHINGLE = 5                 # words per shingle
MIN_SHINGLES = 20           # short posts share templates, not copies: leave them alone
THRESHOLD = 0.8             # estimated Jaccard at or above which two texts are one report copied
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE]).encode("utf-8") for i in range(max(0, len(words) - SHINGLE + 1))}


def signature(text: str) -> str | None:
    """Hex MinHash signature of ``text``, or None when it is too short to compare."""
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    template = _template()
    m = type(template)(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
    m.update_batch(list(sh))
    return m.hashvalues.astype(">u4").tobytes().hex()


@lru_cache(maxsize=1)
def _template() -> Any:
    """One MinHash whose permutations every signature reuses (drawing them is half the cost)."""
    from datasketch import MinHash  # numpy and scipy load only when documents are signed
    return MinHash(num_perm=NUM_PERM, seed=1)


def band_hashes(sig: str) -> list[tuple[int, str]]:
    raw = bytes.fromhex(sig)
    width = ROWS * 4
    return [(b, hashlib.blake2b(raw[b * width:(b + 1) * width], digest_size=8).hexdigest())
            for b in range(BANDS)]


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two signatures."""
    import numpy as np
    va = np.frombuffer(bytes.fromhex(a), dtype=">u4")
    vb = np.frombuffer(bytes.fromhex(b), dtype=">u4")
    return float(np.mean(va == vb))


def best_match(sig: str, candidates: Iterable[tuple[str, str]]) -> str | None:
    """The id of the most similar candidate (id, signature) at or above the threshold."""
    best, best_sim = None, THRESHOLD
    for doc_id, other in candidates:
        sim = similarity(sig, other)
        if sim >= best_sim:
            best, best_sim = doc_id, sim
    return best
