"""Claims repeated within one document become one; sub-totals are linked to their totals."""
from __future__ import annotations

from dataclasses import replace

from ..models import Claim, Evidence

_FAMILY = {"killed": "harm", "casualties": "harm"}
#: How many claims after a total may be its parts: a breakdown follows its total closely, and the
#: bound keeps linking linear in the number of claims.
_PARTS_WINDOW = 40


def _key(c: Claim) -> tuple[object, ...]:
    return (c.claimant_party, c.category, c.value, c.low, c.high, c.subject_party)


def _periods_agree(a: Claim, b: Claim) -> bool:
    if a.period_kind != b.period_kind:
        return False
    return all(x == y or x is None or y is None
               for x, y in ((a.period_start, b.period_start), (a.period_end, b.period_end)))


def merge_duplicates(claims: list[Claim]) -> list[Claim]:
    """Merge claims with the same claimant side, category, figure, side counted and period.

    The merged claim keeps every evidence span; a hedged qualifier ("at least 20") wins over
    a bare figure of the same value (headlines drop hedges). Vague counts are never merged.
    """
    out: list[Claim] = []
    where: dict[int, int] = {}
    by_key: dict[tuple[object, ...], list[int]] = {}  # the merged claims of each key, by index in ``out``
    spans: dict[int, dict[tuple[int, int], Evidence]] = {}  # evidence of merged claims, by span
    for i, c in enumerate(claims):
        target = None
        if c.value is not None or c.qualifier == "range":
            same = by_key.setdefault(_key(c), [])
            target = next((j for j in same if _periods_agree(out[j], c)), None)
        if target is None:
            where[i] = len(out)
            if c.value is not None or c.qualifier == "range":
                by_key[_key(c)].append(len(out))
            out.append(c)
            continue
        where[i] = target
        out[target] = _combine(out[target], c)
        spans.setdefault(target, {(e.start, e.end): e for e in out[target].evidence}).update(
            ((e.start, e.end), e) for e in c.evidence)
    # the evidence of a merged claim is gathered once at the end (re-sorting it at every merge
    # made a figure repeated thousands of times quadratic)
    out = [c if k not in spans else replace(c, evidence=tuple(sorted(spans[k].values(), key=lambda e: e.start)))
           for k, c in enumerate(out)]
    return [c if c.part_of is None else replace(c, part_of=_remap(c.part_of, where, k))
            for k, c in enumerate(out)]


def _remap(old: int, where: dict[int, int], self_index: int) -> int | None:
    new = where.get(old)
    return None if new is None or new == self_index else new


def _combine(a: Claim, b: Claim) -> Claim:
    """The merge of ``a`` and ``b``, but for its evidence (see :func:`merge_duplicates`)."""
    base = b if a.qualifier == "exact" and b.qualifier != "exact" else a
    location = base.location or a.location or b.location
    other = a if base is b else b
    lat, lon = (base.latitude, base.longitude) if base.location else (other.latitude, other.longitude)
    return replace(base, location=location, latitude=lat, longitude=lon,
                   confidence=round(min(0.99, max(a.confidence, b.confidence) + 0.05), 2),
                   part_of=a.part_of if a.part_of is not None else b.part_of,
                   period_start=a.period_start or b.period_start, period_end=a.period_end or b.period_end)


def link_breakdowns(claims: list[Claim]) -> list[Claim]:
    """Mark figures that add up to an earlier total of the same claimant as ``part_of`` it.

    ("more than 60 killed" ... "53 killed at point-blank range", "9 sniped": 62 > 60.)
    """
    out = list(claims)
    for i, total in enumerate(claims):
        if total.value is None or total.part_of is not None or total.qualifier in ("up_to", "fewer_than"):
            continue
        run = _following_parts(out, i)
        k = _fitting_prefix(total, [out[j].value or 0 for j in run])
        for j in run[:k]:
            out[j] = replace(out[j], part_of=i)
    return out


def _following_parts(claims: list[Claim], i: int) -> list[int]:
    total = claims[i]
    fam = _FAMILY.get(total.category, total.category)
    run: list[int] = []
    for j in range(i + 1, min(len(claims), i + 1 + _PARTS_WINDOW)):
        c = claims[j]
        if c.claimant_party != total.claimant_party or c.subject_party != total.subject_party:
            continue
        if _FAMILY.get(c.category, c.category) != fam or c.value is None:
            continue
        if c.value >= total.value or c.part_of is not None:  # type: ignore[operator]
            break
        run.append(j)
    return run


def _fitting_prefix(total: Claim, values: list[int]) -> int:
    t = total.value or 0
    s = 0
    for k, v in enumerate(values, start=1):
        s += v
        if k < 2:
            continue
        if (total.qualifier == "exact" and s == t) or (total.qualifier == "at_least" and t <= s <= t * 1.1) \
                or (total.qualifier == "more_than" and t < s <= t * 1.15) \
                or (total.qualifier == "about" and abs(s - t) <= 0.1 * t):
            return k
        if s > t * 1.15:
            break
    return 0
