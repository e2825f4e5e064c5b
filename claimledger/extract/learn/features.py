"""Features of a rule candidate, for the learned decision layer.

The rules propose a draft claim (a count with its noun, trigger, claimant, side and time); these
functions describe it as named features: what the rules found and how, plus a few words around
the count. Nothing here names a party: options for whose losses are described by their
relation to the claimant ("the claimant's own side", "its enemy"), so the model stays symmetric.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline import _Draft, _SentenceInfo
    from ..context import DocumentContext

Features = dict[str, float]
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
_PERFECT = re.compile(r"\b(?:has|have)\s+(?:now\s+|so\s+far\s+|already\s+)?(?:been\s+)?\w+(?:ed|en)\b", re.I)
_SENTENCE_FLAGS = (("total_word", re.compile(r"\b(?:since|so far|to date|total|toll|overall|cumulative)\b", re.I)),
                   ("present_perfect", _PERFECT))
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def _words(text: str) -> list[str]:
    """Lower-cased words, a capitalised word (a name: "Russian", "Hamas") as one token, so that
    no feature names a party and the model stays symmetric."""
    return ["<name>" if w[0].isupper() else w for w in _WORD.findall(text)]


def _magnitude(value: int | None) -> str:
    if value is None:
        return "none"
    if 1900 <= value <= 2100:
        return "yearlike"
    return str(min(7, int(math.log10(max(value, 1)))))


def draft_features(d: "_Draft", info: "_SentenceInfo", kind_of: Any) -> Features:
    """What the rules found for one draft claim, as named binary features (plus a bias)."""
    c, att = d.cand, d.att
    text = info.sentence.text
    f: Features = {"bias": 1.0}

    def on(name: str) -> None:
        f[name] = 1.0

    on(f"cat={c.category}")
    on(f"how={d.how}")
    on(f"side_how={d.side_how.split(':')[0]}")
    on(f"qual={c.count.qualifier}")
    on(f"mag={_magnitude(c.count.value)}")
    on(f"role={att.role}")
    on(f"claimant_kind={kind_of(att.party)}")
    on(f"explicit={att.explicit}")
    on(f"breakdown={c.breakdown}")
    on(f"time={d.time.kind if d.time else 'none'}")
    on(f"modality={d.modality}")
    on(f"side_unknown={d.subject_party == 'unknown'}")
    on(f"side_own={d.subject_party == att.party}")
    on(f"para={min(info.sentence.paragraph, 4)}")
    on(f"cands={min(len(info.candidates), 5)}")
    on(f"atts={min(len(info.attributions), 2)}")
    on(f"digit={c.count.text[:1].isdigit()}")
    if c.trigger:
        on(f"trigger={c.trigger.lower()}")
        on(f"passive={c.passive}")
    else:
        on("no_trigger")
    for cls in sorted(c.noun_classes):
        on(f"noun_class={cls}")
        on(f"noun_class={cls}&cat={c.category}")
    head = _words(c.subject)[-1:] if c.subject else []
    on(f"head={head[0] if head else '-'}")
    on(f"implicit={c.implicit_subject}")
    before = _words(text[max(0, c.count.start - 40):c.count.start])[-2:]
    after = _words(text[c.count.end:c.count.end + 40])[:1]
    for i, w in enumerate(reversed(before)):
        on(f"l{i + 1}={w}")
    if after:
        on(f"r1={after[0]}")
    if any(a <= c.count.start < b for a, b in info.quotes):
        on("in_quote")
    for flag in _sentence_flags(info):
        on(flag)
    if d.time is not None:
        on(f"time_dated={d.time.period_start is not None}")
    return f


def _sentence_flags(info: "_SentenceInfo") -> tuple[str, ...]:
    """Features of the whole sentence, found once for all its figures."""
    flags = info.memo.get("flags")
    if flags is None:
        text = info.sentence.text
        flags = info.memo["flags"] = tuple(name for name, rx in _SENTENCE_FLAGS if rx.search(text))
    return flags  # type: ignore[return-value]


def side_options(d: "_Draft", info: "_SentenceInfo", ctx: "DocumentContext", registry: Any) -> list[str]:
    """Whose losses the count can be: the rules' choice, the claimant's side, its enemies,
    civilians, unknown and every party the sentence names."""
    own = d.att.party
    options = [d.subject_party, own, *registry.enemies_of(own), "civilians", "unknown"]
    options += [m.party for m in info.mentions if m.party]
    return [o for o in dict.fromkeys(options) if o]


def side_features(d: "_Draft", info: "_SentenceInfo", ctx: "DocumentContext", options: list[str],
                  base: Features) -> list[Features]:
    """Each option for whose losses, described by its relation to the claimant and the text."""
    relation, top = _side_context(d, info, ctx)
    return [_side_option(d, info, ctx, o, base, relation(o), o == top) for o in options]


def distinct_side_options(d: "_Draft", info: "_SentenceInfo", ctx: "DocumentContext", options: list[str]) -> list[str]:
    """``options`` less those that would be described exactly as an earlier one: parties the
    sentence does not name are told apart only by their relation to the claimant and their
    weight in the document, so several unnamed enemies score alike and the first would win the
    tie anyway (describing each cost more than the rest of the decision)."""
    relation, top = _side_context(d, info, ctx)
    named = {m.party for m in info.mentions}
    seen: set[tuple[object, ...]] = set()
    out = []
    for o in options:
        if o not in named:
            key = (relation(o), o == top, min(3, ctx.party_weight[o] // 2))
            if key in seen:
                continue
            seen.add(key)
        out.append(o)
    return out


def _side_context(d: "_Draft", info: "_SentenceInfo", ctx: "DocumentContext") -> tuple[Any, str | None]:
    """The relation of any option to the claimant, and the party the document names most."""
    own = d.att.party
    enemy, enemies = ctx.enemy_of(own, info.mentions), ctx.registry.enemies_of(own)
    top = max(ctx.party_weight, key=lambda p: (ctx.party_weight[p], p)) if ctx.party_weight else None
    return (lambda o: _relation(o, d.subject_party, own, enemy, enemies)), top


def _relation(option: str, rule: str, own: str, enemy: str | None, enemies: list[str]) -> str:
    return ("rule" if option == rule else "") + "|" + (
        "own" if option == own else "enemy" if option == enemy else "other_enemy" if option in enemies else
        option if option in ("civilians", "unknown") else "other")


def _side_option(d: "_Draft", info: "_SentenceInfo", ctx: "DocumentContext", option: str, base: Features,
                 rel: str, doc_top: bool) -> Features:
    c = d.cand
    f: Features = {"bias": 1.0, f"rel={rel}": 1.0}
    cat = c.category
    f[f"rel={rel}&cat={cat}"] = 1.0
    f[f"rel={rel}&side_how={d.side_how.split(':')[0]}"] = 1.0
    f[f"rel={rel}&role={d.att.role}"] = 1.0
    for cls in c.noun_classes:
        f[f"rel={rel}&noun_class={cls}"] = 1.0
    head = _words(c.subject)[-1:] if c.subject else ["-"]
    f[f"rel={rel}&head={head[0]}"] = 1.0
    near = [m for m in info.mentions if m.party == option]
    for kind in sorted({m.kind for m in near}):
        f[f"rel={rel}&mentioned_as={kind}"] = 1.0
    if doc_top:
        f[f"rel={rel}&doc_top"] = 1.0
    if near:
        dist = min(abs(m.end - c.count.start) if m.end <= c.count.start else abs(m.start - c.count.end)
                   for m in near)
        f[f"mentioned&dist={min(4, dist // 15)}"] = 1.0
        s0, s1 = c.subject_span
        if s1 and any(s0 - 2 <= m.start < s1 + 1 for m in near):
            f["named_in_subject"] = 1.0
            f[f"named_in_subject&kind={next(m.kind for m in near if s0 - 2 <= m.start < s1 + 1)}"] = 1.0
        if any(m.end <= c.count.start and c.count.start - m.end < 4 for m in near):
            f["adjacent_before"] = 1.0
    else:
        f["not_mentioned"] = 1.0
    f[f"doc_weight={min(3, ctx.party_weight[option] // 2)}"] = 1.0
    if c.trigger and _FIRST_PERSON.search(c.sentence.text[max(0, c.trigger_span[0] - 40):c.trigger_span[0]]):
        f[f"rel={rel}&first_person&cat={cat}"] = 1.0  # "our fighters carried out 57 missions": the speaker's own
    for k in ("modality=acknowledged", "modality=claimed", "modality=reported", "in_quote",
              "passive=True", "passive=False", "no_trigger"):
        if k in base:
            f[f"rel={rel}&{k}"] = 1.0
    return f


def claimant_features(d: "_Draft", info: "_SentenceInfo", option: Any, origin: str, kind_of: Any,
                      actor_party: str | None) -> Features:
    """One candidate speaker for a draft: where it was found and what it is, never who."""
    c = d.cand
    rel = "rule" if option.ident == d.att.ident else origin
    f: Features = {"bias": 1.0, f"opt={rel}": 1.0}
    f[f"opt={rel}&how={d.how}"] = 1.0
    f[f"opt={rel}&role={option.role}"] = 1.0
    f[f"opt={rel}&kind={kind_of(option.party)}"] = 1.0
    f[f"opt={rel}&explicit={option.explicit}"] = 1.0
    if origin == "sentence":
        f[f"opt={rel}&verb_{'before' if option.verb_end <= c.count.start else 'after'}"] = 1.0
    if option.party == d.subject_party:
        f[f"opt={rel}&own_losses"] = 1.0
        f[f"opt={rel}&own_losses&cat={c.category}"] = 1.0
    if actor_party and option.party == actor_party:
        f[f"opt={rel}&is_actor"] = 1.0
    if any(a <= c.count.start < b for a, b in info.quotes):
        f[f"opt={rel}&in_quote"] = 1.0
    if not info.attributions:
        f[f"opt={rel}&no_reporting_verb"] = 1.0
    if option.heading:
        f[f"opt={rel}&heading"] = 1.0
    return f
