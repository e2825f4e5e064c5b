"""Extraction of every attributed claim in a document: the library entry points.

Pass 1 reads each sentence (candidates, reporting clauses, quotations); pass 2 settles each
candidate's claimant, side, period and place with what the whole document says; then claims
repeated in the document are merged and breakdowns linked to their totals.
"""
from __future__ import annotations

import logging
import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Iterable, Iterator

from ..errors import ClaimLedgerError, ExtractionError
from ..models import Claim, Document, Evidence, ExtractionResult, replace_surrogates
from .attribution import Attribution, AttributionFinder, Discourse
from .claims import MAX_COUNTS, Candidate, CandidateFinder
from .context import DocumentContext, disambiguate
from .learn.features import claimant_features, distinct_side_options, draft_features, side_features, side_options
from .learn.model import DecisionModel, load_model
from .lexicon import Lexicon, default_lexicon
from .merge import link_breakdowns, merge_duplicates
from .periods import TimeRef, find_times
from .places import locate
from .registry import Mention, Registry, load_registry
from .sentences import Sentence, quote_spans, split_sentences
from .subjects import find_actor, resolve_subject_party

# A clause raising a running total after a count: ", bringing the toll to", "raising the total to"
_WAR_AGE = re.compile(r"\benters\s+its\s+\w+\s+(?:day|week|month|year)\b", re.I)  # "as the war enters its 100th day"
_TOTAL_CLAUSE = re.compile(r"\b(?:bringing|brings|brought|raising|raises|pushing|pushes|taking\s+(?:the|its|their))\b", re.I)
# A wire dateline opening a paragraph: "KYIV, March 4 (Reuters) -", "MOSCOW (Sputnik) -", "GAZA CITY, Nov 13 (RHC)--"
_DATELINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Za-z'’.-]*(?:[ \t]+[A-Z][A-Za-z'’.-]*){0,3}(?:,[^()\n]{1,40})?[ \t]*"
                       r"\([^()\n]{1,40}\)[ \t]*(?:[-–—]{1,2}|:)")
log = logging.getLogger(__name__)
_LOSSES = {"killed", "wounded", "casualties", "captured", "missing", "equipment_destroyed",
           "aircraft_downed", "buildings_destroyed"}
_BARE = {"others", "wounded", "injured", "injuries", "dead", "deaths", "killed"}  # take the side of the claim before
_REPORTING_ROLES = {"health": "reported", "media": "reported", "UN": "reported", "NGO": "reported",
                    "analyst": "estimated"}


@dataclass
class _SentenceInfo:
    sentence: Sentence
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    candidates: list[Candidate]
    attributions: list[Attribution]
    at: int = 0  # where it is in the document's list of sentences read (copies past MAX_COPIES are not)
    statement_date: date | None = None
    paragraph_speaker: Attribution | bool | None = None  # memo of _paragraph_speaker: False for none
    # memos of what every draft of the sentence asks again (a sentence may hold 40 figures)
    memo: dict[object, object] = field(default_factory=dict)

    def total_clause_after(self, pos: int) -> int | None:
        """Where the first "bringing/raising the toll" clause after ``pos`` starts, if any."""
        starts = self.memo.get("total_clauses")
        if starts is None:
            starts = self.memo["total_clauses"] = [m.start() for m in _TOTAL_CLAUSE.finditer(self.sentence.text)]
        i = bisect_left(starts, pos)  # type: ignore[arg-type]
        return starts[i] if i < len(starts) else None  # type: ignore[index]

    def finds(self, rx: re.Pattern[str], end: int | None = None) -> bool:
        """Whether ``rx`` occurs in the sentence (up to ``end``), asked once per pattern and end."""
        key = (rx.pattern, end)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = rx.search(self.sentence.text, 0, len(self.sentence.text) if end is None else end) is not None
        return found  # type: ignore[return-value]


@dataclass
class _Draft:
    """A claim being assembled, before merging."""

    cand: Candidate
    att: Attribution
    how: str
    subject_party: str = "unknown"
    side_how: str = ""
    time: TimeRef | None = None
    place_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    modality: str = "claimed"
    part_of: int | None = None
    notes: list[str] = field(default_factory=list)
    confidence: float | None = None  # the decision model's probability that the claim is right


@dataclass(frozen=True, slots=True)
class Budget:
    """What extracting one document may cost. Time grows with the text, so only a huge or
    hostile document reaches a limit; then the rest of it is not read and the document carries
    a warning that says where reading stopped (a partial result is never silent)."""

    seconds: float = 60.0
    figures: int = 500  # figures read (each may become a claim); a long war report has a few hundred


#: How many verbatim copies of one sentence a document's reading takes in (see _Meter.is_copy_too_many).
MAX_COPIES = 3


class _Meter:
    """Spending of one document's :class:`Budget`."""

    def __init__(self, budget: Budget, length: int) -> None:
        self.budget, self.length = budget, length
        self.started = time.perf_counter()
        self.figures = 0
        self.warning: str | None = None
        self.crowded: list[int] = []  # offsets of sentences with more figures than are read
        self.unread = 0
        self.copies: Counter[str] = Counter()  # how often each sentence's exact text was met
        self.skipped_copies: list[int] = []  # offsets of the copies not read

    def is_copy_too_many(self, s: Sentence) -> bool:
        """A sentence met verbatim more than :data:`MAX_COPIES` times: boilerplate or a
        flood, not reporting. Its first copies are read; the rest would only add the same claims
        again (they merge into the first), at the cost of reading them."""
        self.copies[s.text] += 1
        if self.copies[s.text] <= MAX_COPIES:
            return False
        self.skipped_copies.append(s.start)
        return True

    def unread_figures(self, n: int, at: int) -> None:
        if n:
            self.crowded.append(at)
            self.unread += n

    def warnings(self) -> tuple[str, ...]:
        out = [self.warning] if self.warning else []
        if self.crowded:
            out.append(f"{self.unread:,} figures not read in {len(self.crowded):,} sentences holding more than "
                       f"{MAX_COUNTS} (a table or a list?), the first at character {self.crowded[0]:,}")
        if self.skipped_copies:
            out.append(f"{len(self.skipped_copies):,} sentences not read: copies of a sentence met more than "
                       f"{MAX_COPIES} times, the first at character {self.skipped_copies[0]:,}")
        return tuple(out)

    def exhausted(self, at: int) -> bool:
        """While reading sentences: True once a limit is reached; the first time, it records a
        warning naming offset ``at``, where reading stops."""
        if self.warning is not None:
            return True
        if self.figures >= self.budget.figures:
            return self._stop(at, f"{self.budget.figures:,} figures read")
        return self.out_of_time(at)

    def out_of_time(self, at: int) -> bool:
        """While settling claims: True if time runs out before offset ``at`` (once reading has
        stopped early, what it read is settled: the candidate limit bounds that work)."""
        if self.warning is None and time.perf_counter() - self.started >= self.budget.seconds:
            return self._stop(at, f"{self.budget.seconds:g} s")
        return False

    def _stop(self, at: int, limit: str) -> bool:
        self.warning = (f"extraction budget reached ({limit}): the text from character {at:,} "
                        f"of {self.length:,} on was not read for claims")
        return True


class Extractor:
    """Extracts claims from documents with one registry and lexicon (build once, reuse)."""

    def __init__(self, registry: Registry | None = None, lexicon: Lexicon | None = None,
                 model: DecisionModel | None | str = "shipped", budget: Budget = Budget(),
                 accurate: bool = False) -> None:
        self.budget = budget
        self.registry = registry or load_registry()
        self.lexicon = lexicon or default_lexicon()
        self.model = load_model() if model == "shipped" else model  # type: ignore[assignment]
        people = [n for p in self.registry.parties.values() for n in p["names"] if n[:1].isupper() and n.endswith("s")]
        self.candidates = CandidateFinder(self.lexicon, people_words=people)
        self.attributions = AttributionFinder(self.lexicon, self.registry, accurate=accurate)
        self.belligerents = frozenset(p for p in self.registry.parties if self.registry.kind_of(p) == "belligerent")

    def extract(self, doc: Document) -> list[Claim]:
        """All claims of ``doc``, in order of first evidence."""
        return list(self.extract_result(doc).claims)

    def extract_result(self, doc: Document) -> ExtractionResult:
        """``doc`` with its claims; a budget warning, if a limit was reached, joins its warnings."""
        doc = _without_surrogates(doc)
        meter = _Meter(self.budget, len(doc.text))
        drafts, infos, ctx = self.drafts(doc, meter)
        if self.model is not None:
            self._decide(self.model, drafts, infos, ctx, doc)
        claims = tuple(self._finish(drafts, doc))
        if doc.filed_from is None:
            doc = replace(doc, filed_from=self.filed_from(doc.text))
        warnings = meter.warnings()
        if warnings:
            for w in warnings:
                log.warning("%s: %s", doc.source or doc.doc_id, w)
            doc = replace(doc, warnings=(*doc.warnings, *warnings))
        return ExtractionResult(document=doc, claims=claims)

    def filed_from(self, text: str) -> str | None:
        """The place a wire dateline opening ``text`` names ("KYIV, March 4 (Reuters) -" is Kyiv):
        the registry's name for it, else the dateline's own words."""
        m = _DATELINE.search(text, 0, 400)
        if m is None:
            return None
        words = re.split(r"[,(]", m.group(0), maxsplit=1)[0].strip()
        place = self.registry.place(words)
        if place is not None:
            return place.name
        return words.title() if words.isupper() else words

    def drafts(self, doc: Document, meter: _Meter | None = None
               ) -> tuple[list[_Draft], list[_SentenceInfo], DocumentContext]:
        """The rules' candidate claims of ``doc`` with what they were read from (before any model)."""
        meter = meter or _Meter(self.budget, len(doc.text))
        published = _iso(doc.published)
        read = self._find_candidates(doc.text, meter)
        if not any(cands for _, cands in read):  # no figure of any category: nothing to attribute
            return [], [], DocumentContext(self.registry, [], published)
        mentions = disambiguate(self.registry, self.registry.mentions(doc.text))
        ctx = DocumentContext(self.registry, mentions, published)
        conflict = ctx.conflict_for()
        infos = self._read_sentences(doc.text, read, mentions, list(conflict.sides) if conflict else [])
        return self._draft_claims(infos, ctx, doc, published, meter), infos, ctx

    # -- the learned decision layer -------------------------------------------------------------
    def _decide(self, model: DecisionModel, drafts: list[_Draft], infos: list[_SentenceInfo],
                ctx: DocumentContext, doc: Document) -> None:
        """The model picks who claims each candidate, whose losses it counts and, for a figure with
        no dated time, its period kind; then keeps or drops it. Its calibrated probability becomes
        the claim's confidence. Vague counts are kept (nothing scores them)."""
        by_index = {info.sentence.index: info for info in infos}
        outlet = self._outlet_of(infos, doc)
        for d in drafts:
            if not d.cand.category:
                continue
            info = by_index[d.cand.sentence.index]
            if model.claimant.weights:
                self.choose_claimant(model, d, info, infos, outlet)
            base = draft_features(d, info, self.registry.kind_of)
            if self.choose_side(model, d, info, ctx, base):
                base = draft_features(d, info, self.registry.kind_of)
            # the period kind of a figure the text gives no dated time expression for
            kind = model.period_kind(base) if d.time is None or d.time.period_start is None else None
            if kind is not None and kind != (d.time.kind if d.time else "event"):
                self._set_period_kind(d, kind, ctx)
                base = draft_features(d, info, self.registry.kind_of)
            d.confidence = round(model.confidence(base), 3)
            if d.confidence < model.threshold and d.cand.count.value is not None:
                d.cand.category = None

    # -- pass 1 ---------------------------------------------------------------------------------
    def _find_candidates(self, text: str, meter: _Meter) -> list[tuple[Sentence, list[Candidate]]]:
        """Each sentence read within the budget, with its candidate figures. Most of a general news
        stream has none, and then nothing else is read (names, speakers, quotations)."""
        out: list[tuple[Sentence, list[Candidate]]] = []
        figure_before = False
        for s in split_sentences(text):
            if meter.exhausted(s.start):
                break
            if meter.is_copy_too_many(s):
                continue
            cands = self.candidates.find(s, figure_before=figure_before)
            figure_before = figure_before or bool(cands)
            meter.figures += self.candidates.read
            meter.unread_figures(self.candidates.unread, s.start)
            out.append((s, cands))
        return out

    def _read_sentences(self, text: str, read: list[tuple[Sentence, list[Candidate]]], mentions: list[Mention],
                        sides: list[str]) -> list[_SentenceInfo]:
        quotes = quote_spans(text)
        infos: list[_SentenceInfo] = []
        history = Discourse(self.registry, sides)
        filed = _DATELINE.search(text, 0, 400)
        if filed:  # "MOSCOW (Sputnik) -": where the report was filed, not where anything happened
            mentions = [m for m in mentions if not (filed.start() <= m.start < filed.end())]
        mentions = sorted(mentions, key=lambda m: m.start)
        starts = [m.start for m in mentions]
        quotes.sort()  # quotations never overlap, so their ends are in order too
        quote_starts = [a for a, _ in quotes]
        first_quote = 0  # quotes ending before the sentence are never looked at again
        for s, cands in read:
            lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
            local = [_shift(m, -s.start) for m in mentions[lo:hi]]
            while first_quote < len(quotes) and quotes[first_quote][1] <= s.start:
                first_quote += 1
            q = [(max(a, s.start) - s.start, min(b, s.end) - s.start)
                 for a, b in quotes[first_quote:bisect_left(quote_starts, s.end)] if b > s.start]
            atts = self.attributions.find(s.text, local, q, history, [c.count.start for c in cands])
            history.add_sentence(local, atts)
            infos.append(_SentenceInfo(s, local, q, cands, atts, at=len(infos)))
        return infos

    # -- pass 2 ---------------------------------------------------------------------------------
    def _draft_claims(self, infos: list[_SentenceInfo], ctx: DocumentContext, doc: Document,
                      published: date | None, meter: _Meter) -> list[_Draft]:
        outlet = self._outlet_of(infos, doc)
        statement_dates = self._statement_dates(infos, ctx, published)
        contexts: dict[str, _Draft] = {}
        drafts: list[_Draft] = []
        story = self._story_day(infos, published)
        for i, info in enumerate(infos):
            if meter.out_of_time(info.sentence.start):
                break
            for cand in info.candidates:
                att, how = self._attribute(cand, i, infos, outlet)
                d = _Draft(cand, att, how)
                anchor = statement_dates.get(att.ident) or published
                self._settle_place(d, info, contexts.get(att.ident))
                self._settle_side(d, info, ctx, drafts)
                previous_time = drafts[-1].time if drafts else None
                self._settle_time(d, info, ctx, anchor, contexts.get(att.ident), previous_time, story)
                d.modality = self._modality(d)
                _own_losses_are_deaths(d)
                if att.ident not in contexts and att is not outlet:
                    contexts[att.ident] = d
                drafts.append(d)
                denial = self._denial_of(d, info)
                if denial is not None:
                    drafts.append(denial)
        self._headlines_take_their_source(drafts)
        return drafts

    def _denial_of(self, d: _Draft, info: _SentenceInfo) -> _Draft | None:
        """ "Hezbollah refuted Israel's claim that it had killed 50": Israel's claim, and Hezbollah's
        denial of the same figure (a claim of its own, modality denied)."""
        pos = d.cand.count.start
        denier = next((a for a in reversed(info.attributions) if a.modality == "denied" and a.verb_end <= pos
                       and a.ident != d.att.ident and a.party != d.att.party), None)
        if denier is None or d.att.modality == "denied":
            return None
        twin = _Draft(replace(d.cand), denier, "denial", d.subject_party, d.side_how, d.time, d.place_name,
                      d.lat, d.lon, "denied", None, list(d.notes))
        return twin

    @staticmethod
    def _set_period_kind(d: _Draft, kind: str, ctx: DocumentContext) -> None:
        """The model's period kind; dates the rules found are kept where they fit it."""
        t = d.time
        if kind == "cumulative":
            war_start, _ = ctx.war_start(d.att.party, d.subject_party)
            end = t.period_end if t is not None and t.period_end else ctx.published
            d.time = TimeRef(0, 0, "cumulative", war_start, end)
            d.notes.append("running total (decision model)")
        elif kind == "event":
            day = t.period_end if t is not None else None
            d.time = TimeRef(0, 0, "event", day, day)
        else:
            d.time = TimeRef(0, 0, "period", t.period_start if t is not None and t.kind == "period" else None,
                             t.period_end if t is not None else None)

    @staticmethod
    def speakers(d: _Draft, info: _SentenceInfo, infos: list[_SentenceInfo],
                 outlet: Attribution) -> list[tuple[Attribution, str]]:
        """Who may be claiming a draft: the rules' choice, the sentence's speakers, the paragraph's
        last speaker and the outlet, each with where it was found."""
        out = [(d.att, "rule"), *((a, "sentence") for a in info.attributions)]
        earlier = _paragraph_speaker(infos, info.at)
        if earlier is not None:
            out.append((earlier, "paragraph"))
        out.append((outlet, "outlet"))
        first = {}
        for a, origin in out:  # one option per speaker, where it was first found
            first.setdefault(a.ident, (a, origin))
        return list(first.values())

    def speaker_features(self, d: _Draft, info: _SentenceInfo,
                         options: list[tuple[Attribution, str]]) -> list[dict[str, float]]:
        actor = find_actor(d.cand, info.mentions, [], self.belligerents, self._names_a_thing)
        return [claimant_features(d, info, a, origin, self.registry.kind_of, actor.party if actor else None)
                for a, origin in options]

    def choose_claimant(self, model: DecisionModel, d: _Draft, info: _SentenceInfo,
                        infos: list[_SentenceInfo], outlet: Attribution) -> None:
        """The speaker the claimant model prefers to the rules' one, if any."""
        options = self.speakers(d, info, infos, outlet)
        best, origin = model.prefer(model.claimant, options, self.speaker_features(d, info, options))
        if best.ident != d.att.ident:
            d.att, d.how = best, "model" if origin != "outlet" else "outlet"
            d.modality = self._modality(d)

    def choose_side(self, model: DecisionModel, d: _Draft, info: _SentenceInfo, ctx: DocumentContext,
                    base: dict[str, float]) -> bool:
        """Whose losses, if the side model prefers another option to the rules'; True when it changed."""
        options = distinct_side_options(d, info, ctx, side_options(d, info, ctx, self.registry))
        best = model.prefer(model.side, options, side_features(d, info, ctx, options, base))
        if best == d.subject_party:
            return False
        d.subject_party, d.side_how = best, "model"
        d.modality = self._modality(d)
        return True

    def _outlet_of(self, infos: list[_SentenceInfo], doc: Document) -> Attribution:
        """Who speaks where no one else does: a post's heading ("Russian MoD: ..."), else the outlet."""
        return self._heading_attribution(infos) or self._outlet_attribution(doc)

    def _headlines_take_their_source(self, drafts: list[_Draft]) -> None:
        """A headline or lead figure in the outlet's voice is the claim the body attributes: "RSF
        drone strike kills 57" then "The strike killed 57 people, the army said" is the army's."""
        # figure -> the drafts a speaker is named for, and their sentences (in order)
        attributed: dict[tuple[object, ...], tuple[list[int], list[_Draft]]] = {}
        for e in drafts:
            if e.how != "outlet":
                where, which = attributed.setdefault(_figure_key(e), ([], []))
                where.append(e.cand.sentence.index)
                which.append(e)
        for d in drafts:
            if d.how != "outlet" or d.cand.sentence.paragraph > 1 or d.cand.count.value is None:
                continue
            where, which = attributed.get(_figure_key(d), ([], []))
            at = bisect_right(where, d.cand.sentence.index)
            if at == len(which):
                continue
            source = which[at]
            d.att, d.how = source.att, "headline"
            d.subject_party, d.side_how = source.subject_party, source.side_how
            d.time = source.time or d.time
            d.modality = self._modality(d)

    def _attribute(self, cand: Candidate, i: int, infos: list[_SentenceInfo],
                   outlet: Attribution) -> tuple[Attribution, str]:
        info = infos[i]
        pos = cand.count.start
        quote = next(((a, b) for a, b in info.quotes if a <= pos < b), None)
        if quote:
            att = self._quote_attribution(cand, i, infos)
            if att:
                return att, "quote"
        fwd = [a for a in info.attributions if a.forward and a.verb_end <= pos]
        if fwd:
            return fwd[-1], "sentence"
        back = [a for a in info.attributions if a.verb_start >= cand.count.end]
        if back:
            return back[0], "sentence"
        if info.attributions:
            return info.attributions[-1], "sentence"
        earlier = _paragraph_speaker(infos, i)
        if earlier is not None:
            return earlier, "paragraph"
        return outlet, "outlet"

    def _quote_attribution(self, cand: Candidate, i: int, infos: list[_SentenceInfo]) -> Attribution | None:
        """The speaker of a quotation: the reporting clause right after it ends, or before it opens."""
        abs_pos = infos[i].sentence.start + cand.count.start
        for j in range(i, min(i + 6, len(infos))):
            info = infos[j]
            s0 = info.sentence.start
            closing = [b for a, b in info.quotes if a + s0 <= abs_pos or j > i]
            if not closing:
                continue
            after = [a for a in info.attributions if a.verb_start >= min(closing)]
            if after:
                return after[0]
            if any(b < len(info.sentence.text) - 1 for b in closing):
                break
        for j in range(i, max(i - 6, -1), -1):
            before = [a for a in infos[j].attributions if infos[j].sentence.start + a.verb_end <= abs_pos]
            if before:
                return before[-1]
        return None

    @staticmethod
    def _heading_attribution(infos: list[_SentenceInfo]) -> Attribution | None:
        """A post headed "Russian MoD: results of the week" relays that organ throughout."""
        return next((a for info in infos[:3] for a in info.attributions if a.heading), None)

    def _outlet_attribution(self, doc: Document) -> Attribution:
        name = doc.outlet or "unknown outlet"
        found = self.registry.candidates(name) if doc.outlet else []
        organ = next((m for m in found if m.kind in ("organ", "party")), None)
        party = organ.party if organ and organ.party else "media"
        role = organ.role if organ else "media"
        return Attribution(name, party, role, None, 0, 0, True, explicit=False, key=f"outlet:{name}")

    def _statement_dates(self, infos: list[_SentenceInfo], ctx: DocumentContext,
                         published: date | None) -> dict[str, date]:
        """The date each claimant made its statement, where a sentence says it ("said on Monday")."""
        out: dict[str, date] = {}
        for info in infos:
            if not info.attributions or published is None:
                continue
            for t in find_times(info.sentence.text, published):
                if t.statement and t.period_start and t.period_start <= published:
                    near = min(info.attributions, key=lambda a: abs(a.verb_start - t.start))
                    out.setdefault(near.ident, t.period_start)
                    info.statement_date = t.period_start
        return out

    def _settle_side(self, d: _Draft, info: _SentenceInfo, ctx: DocumentContext, drafts: list[_Draft]) -> None:
        cand = d.cand
        counted = [(c.count.start, c.subject_span[1]) for c in info.candidates if c.subject_span[1]]
        # "Kiev has lost 620 soldiers", "Moscow launched 20 drones": a capital acts for its state
        actor = find_actor(cand, [self.registry.as_state(m) for m in info.mentions], counted, self.belligerents,
                           self._names_a_thing)
        if actor is None and cand.trigger and not cand.passive and _first_person_actor(cand):
            actor = Mention(0, 0, "we", "party", d.att.party, d.att.party)
        previous = self._parent_of(d, info, drafts)
        if cand.elliptic:
            self._resolve_ellipsis(cand, info)
        if cand.breakdown == "total" and cand.category:
            previous = None  # the total names its own noun: "the number of soldiers killed ... to 229"
        if previous is not None and (cand.breakdown in ("of_them", "total") or (
                cand.breakdown == "including" and not cand.category)):
            own = self.lexicon.category_for(previous.cand.noun_classes, cand.trigger_classes) \
                if cand.breakdown == "of_them" and cand.trigger else None
            cand.category = own or previous.cand.category  # "35 rockets ... intercepted fewer than 10 of them"
            cand.subject = cand.subject or previous.cand.subject
            cand.noun_classes = cand.noun_classes or previous.cand.noun_classes
        if cand.breakdown == "including" and previous is not None and _same_kind(cand, previous.cand):
            cand.category = None  # "8 drones, including two suicide drones": a detail, not a claim
        belligerent = self.registry.kind_of(d.att.party) == "belligerent"
        side = resolve_subject_party(cand, mentions=info.mentions, claimant_party=d.att.party,
                                     claimant_belligerent=belligerent, claimant_role=d.att.role,
                                     nationality=d.att.nationality, actor=actor, ctx=ctx,
                                     place_party=self._place_party(d.place_name),
                                     acknowledging=d.att.modality == "acknowledged",
                                     previous=previous.subject_party if previous else None)
        d.subject_party, d.side_how = side.party, side.how
        if cand.breakdown in ("of_them", "including") and previous is not None:
            d.part_of = next(i for i in range(len(drafts) - 1, -1, -1) if drafts[i] is previous)
        if cand.breakdown == "total":
            d.notes.append("running total")

    def _names_a_thing(self, after: str) -> bool:
        """The words after a party name make it a modifier of a thing: "outpost", "sites", "positions"."""
        m = self.candidates.noun_re.match(after.lstrip())
        classes = self.lexicon.noun_class.get(" ".join(m.group(0).lower().split()), set()) if m else set()
        return bool(classes & {"building", "facility", "equipment", "target", "weapon", "territory"})

    def _resolve_ellipsis(self, cand: Candidate, info: _SentenceInfo) -> None:
        """ "killed 5 soldiers and wounded 10", "2,105 tanks were destroyed, while 546 were captured"."""
        before = [c for c in info.candidates if c.count.start < cand.count.start and c.noun_classes]
        if not before:
            return
        prev = before[-1]
        classes = prev.noun_classes
        category = self.lexicon.category_for(classes, cand.trigger_classes) if cand.trigger else None
        if category is None and not cand.trigger and prev.category \
                and _in_breakdown_list(info.sentence.text, prev, cand):
            category = prev.category  # "29 drones were shot down over Ryazan, 27 over Voronezh, 23 over ..."
        if category:
            cand.category, cand.subject, cand.noun_classes = category, prev.subject, set(classes)
            cand.subject_span = (0, 0)

    def _parent_of(self, d: _Draft, info: _SentenceInfo, drafts: list[_Draft]) -> _Draft | None:
        noun = d.cand.subject.split()[-1].lower() if d.cand.subject else ""
        if not (d.cand.breakdown or d.cand.elliptic or noun in _BARE) or not drafts:
            return None
        toll = d.cand.breakdown == "total" and re.search(
            r"\btoll\b", d.cand.sentence.text[max(0, d.cand.count.start - 60):d.cand.count.start], re.I)
        recent = [p for p in _drafts_since(drafts, info.sentence.index - 1)
                  if p.cand.category and p.cand.count.value != d.cand.count.value]
        if toll:  # "raising the toll to 30,534": the death toll, whatever came last
            recent = [p for p in recent if p.cand.category == "killed"] or recent
        return recent[0] if recent else None

    def _settle_time(self, d: _Draft, info: _SentenceInfo, ctx: DocumentContext, anchor: date | None,
                     statement: _Draft | None, previous_time: TimeRef | None = None,
                     story: TimeRef | None = None) -> None:
        war_start, events = ctx.war_start(d.att.party, d.subject_party)
        pos = d.cand.count.start
        # "three soldiers were killed, bringing the toll since October to 229": the clause that
        # brings a running total up dates the total, not the count before it
        cut = len(info.sentence.text)
        if d.cand.breakdown != "total" and any(c.breakdown == "total" for c in info.candidates):
            clause = info.total_clause_after(d.cand.count.end)
            if clause is not None and any(c.breakdown == "total" and c.count.start > clause for c in info.candidates):
                cut = clause
        times = [t for t in find_times(info.sentence.text, anchor, war_start=war_start, events=events)
                 if not t.statement and t.start < cut]
        if d.cand.breakdown == "total":
            times = self._total_clause_times(info.sentence.text, pos, times)
            if not times:
                d.time = self._total_time(d, info, war_start, anchor, previous_time)
                return
        if times:  # the nearest; a bare "total" yields to a dated expression ("So far this year, a total of")
            d.time = min(times, key=lambda t: (t.kind == "cumulative" and t.period_start is None,
                                               abs(t.start - pos) if t.start >= pos else abs(t.end - pos) + 10))
            if d.time.kind == "same":  # "over the same period": the statement's period, else the claim before
                d.time = statement.time if statement is not None and statement.time is not None else previous_time
        elif d.cand.breakdown == "total":
            d.time = self._total_time(d, info, war_start, anchor, previous_time)
        elif statement is not None and statement.time is not None and d.how != "outlet":
            d.time = statement.time
        elif info.finds(self.lexicon.cumulative_re, cut):
            d.time = TimeRef(0, 0, "cumulative", war_start, anchor)
            d.notes.append("running total; start of the war from the registry" if war_start else "running total")
        elif info.finds(_WAR_AGE):
            d.time = TimeRef(0, 0, "cumulative", war_start, anchor)
        elif story is not None:
            d.time = story  # the day of the article's main event ("Five soldiers killed, army says")
        elif info.statement_date is not None:  # "the army said on Sunday that three soldiers were killed"
            d.time = TimeRef(0, 0, "event", info.statement_date, info.statement_date)

    @staticmethod
    def _story_day(infos: list[_SentenceInfo], published: date | None) -> TimeRef | None:
        """The day of the report's main event: the first dated event in its opening paragraphs
        ("... attacked an army post near Dioura on Tuesday"), not a day something was said."""
        for info in infos:
            if info.sentence.paragraph > 3:
                break
            for t in find_times(info.sentence.text, published):
                if t.kind == "event" and t.period_start and not t.statement:
                    return TimeRef(0, 0, "event", t.period_start, t.period_end)
        return None

    @staticmethod
    def _total_clause_times(text: str, pos: int, times: list[TimeRef]) -> list[TimeRef]:
        """A running total takes the times of its own clause ("bringing the total since May to");
        times before the clause date the counts that raised it."""
        clause = [m for m in _TOTAL_CLAUSE.finditer(text, 0, pos)]
        if not clause:
            return times
        start = clause[-1].start()
        return [t for t in times if start <= t.start < pos and not (t.kind == "cumulative" and t.period_start is None)]

    def _total_time(self, d: _Draft, info: _SentenceInfo, war_start: date | None, anchor: date | None,
                    previous_time: TimeRef | None) -> TimeRef:
        """ "bringing the total to N" is a running total; "the toll rose to N" revises the event's toll."""
        before = info.sentence.text[max(0, d.cand.count.start - 140):d.cand.count.start]
        if previous_time is not None and not re.search(r"\b(?:bring\w*|total|tally|since|so\s+far|overall|cumulative)\b",
                                                       before, re.I):
            return previous_time
        return TimeRef(0, 0, "cumulative", war_start, anchor)

    def _place_party(self, name: str | None) -> str | None:
        place = self.registry.place(name) if name else None
        return place.party if place else None

    def _settle_place(self, d: _Draft, info: _SentenceInfo, statement: _Draft | None) -> None:
        place = locate(info.sentence.text, info.mentions, self.registry, d.cand.count.start)
        if place:
            d.place_name, d.lat, d.lon = place.name, place.lat, place.lon
        elif statement is not None and d.how != "outlet":
            d.place_name, d.lat, d.lon = statement.place_name, statement.lat, statement.lon

    def _modality(self, d: _Draft) -> str:
        if d.att.modality in ("denied", "estimated"):
            return d.att.modality
        if d.att.role in _REPORTING_ROLES:
            return _REPORTING_ROLES[d.att.role]
        kind = self.registry.kind_of(d.att.party)
        if kind != "belligerent":
            return "reported"
        if d.att.modality == "acknowledged":
            return "acknowledged"
        own = d.subject_party == d.att.party
        if d.att.role in ("government", "officials") and (own or d.subject_party == "civilians"):
            return "reported"  # a governor's or a ministry's toll of its own people
        if own and d.cand.category in _LOSSES:
            return "acknowledged"
        return "claimed"

    # -- output ---------------------------------------------------------------------------------
    def _finish(self, drafts: list[_Draft], doc: Document) -> list[Claim]:
        claims = [self._to_claim(d, doc) for d in drafts if d.cand.category]
        index = [i for i, d in enumerate(drafts) if d.cand.category]
        remap = {old: new for new, old in enumerate(index)}
        claims = [c if c.part_of is None else _replace(c, part_of=remap.get(c.part_of)) for c in claims]
        claims = merge_duplicates(claims)
        return link_breakdowns(claims)

    def _to_claim(self, d: _Draft, doc: Document) -> Claim:
        c, t = d.cand, d.time
        s = c.sentence
        ev = Evidence(text=s.text, start=s.start, end=s.end)
        return Claim(
            claimant=d.att.claimant, claimant_party=d.att.party, modality=d.modality,
            category=c.category or "other", value=c.count.value, qualifier=c.count.qualifier,
            low=c.count.low, high=c.count.high, subject=c.subject or "", subject_party=d.subject_party,
            period_kind=t.kind if t else "event",
            period_start=t.period_start.isoformat() if t and t.period_start else None,
            period_end=t.period_end.isoformat() if t and t.period_end else None,
            location=d.place_name, latitude=d.lat, longitude=d.lon, evidence=(ev,),
            confidence=d.confidence if d.confidence is not None else _confidence(d), part_of=d.part_of,
            notes="; ".join(d.notes) or None,
            doc_id=doc.doc_id)


def _in_breakdown_list(text: str, prev: Candidate, cand: Candidate) -> bool:
    """The count continues a list of counts of one thing, item by place or unit: ", 27 over ..."."""
    glue = text[prev.subject_span[1] or prev.count.end:cand.count.start]
    return bool(re.search(r"(?:,|;|\band|\bwhile|\bwith)\s*(?:another\s+|a\s+further\s+|up\s+to\s+|over\s+|"
                          r"more\s+than\s+|at\s+least\s+)?$", glue)) and len(glue) < 120


def _without_surrogates(doc: Document) -> Document:
    """A document built by a caller may hold lone surrogates (JSON can escape them); they become
    U+FFFD, same length, so evidence offsets still hold, and the document says how many."""
    text, n = replace_surrogates(doc.text)
    if not n:
        return doc
    note = f"{n} lone surrogate{'s' if n > 1 else ''} (not Unicode text) replaced by U+FFFD"
    return replace(doc, text=text, warnings=(*doc.warnings, note))


def _figure_key(d: _Draft) -> tuple[object, ...]:
    c = d.cand.count
    return c.value, c.low, c.high, d.cand.category


def _drafts_since(drafts: list[_Draft], sentence: int) -> Iterator[_Draft]:
    """The drafts of sentence ``sentence`` and after, latest first (a walk back from the end)."""
    for d in reversed(drafts):
        if d.cand.sentence.index < sentence:
            return
        yield d


def _paragraph_speaker(infos: list[_SentenceInfo], i: int) -> Attribution | None:
    """The last speaker named in the sentences of the paragraph before sentence ``i``."""
    info = infos[i]
    if info.paragraph_speaker is None:
        speaker: Attribution | None = None
        for j in range(i - 1, -1, -1):  # each sentence's answer is kept, so this walks back once
            prev = infos[j]
            if prev.sentence.paragraph != info.sentence.paragraph:
                break
            if prev.attributions:
                speaker = prev.attributions[-1]
                break
            if prev.paragraph_speaker is not None:
                speaker = prev.paragraph_speaker or None
                break
        info.paragraph_speaker = speaker or False
    return info.paragraph_speaker or None


def _own_losses_are_deaths(d: _Draft) -> None:
    """ "Israel has acknowledged losing 219 troops": a side's own people lost are its dead; the
    enemy's people "lost" in a claim ("Ukraine lost up to 650 soldiers") stay killed or wounded."""
    c = d.cand
    if d.modality == "acknowledged" and c.category == "casualties" and "lost" in c.trigger_classes \
            and c.noun_classes & {"person"} and "personnel" not in c.noun_classes:
        c.category = "killed"


def _same_kind(child: Candidate, parent: Candidate) -> bool:
    """A sub-type of a single kind of thing ("two suicide drones" of "8 drones"), not a breakdown of people."""
    if child.noun_classes & {"person", "civilian"} or " and " in parent.subject:
        return False
    return bool(child.subject and parent.subject) and child.subject.split()[-1].lower() == parent.subject.split()[-1].lower()


def _confidence(d: _Draft) -> float:
    score = 0.55
    score += {"sentence": 0.15, "quote": 0.12, "paragraph": 0.05, "outlet": 0.08}.get(d.how, 0)
    score += 0.1 if d.cand.subject and not d.cand.implicit_subject else 0
    score += 0.1 if d.cand.trigger and not d.cand.passive else 0.05 if d.cand.trigger else 0
    score -= 0.15 if d.subject_party == "unknown" else 0
    return round(max(0.05, min(0.99, score)), 2)


def _first_person_actor(c: Candidate) -> bool:
    text = c.sentence.text[max(0, c.trigger_span[0] - 40):c.trigger_span[0]]
    return bool(re.search(r"\b(?:we|our|its|their)\b[^,;]*$", text, re.I))


def _shift(m: Mention, delta: int) -> Mention:
    return Mention(m.start + delta, m.end + delta, m.text, m.kind, m.party, m.name, m.role, m.place)


def _replace(c: Claim, **kw: object) -> Claim:
    return replace(c, **kw)  # type: ignore[arg-type]


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


_DEFAULT: dict[str, Extractor] = {}


def _extractor(registry: Registry | None) -> Extractor:
    return Extractor(registry) if registry is not None else default_extractor()


def default_extractor() -> Extractor:
    """The extractor with the shipped registry, lexicon and model, built once per process."""
    if "x" not in _DEFAULT:
        _DEFAULT["x"] = Extractor()
    return _DEFAULT["x"]


def extract(text: str, *, published: str | None = None, outlet: str | None = None,
            registry: Registry | None = None) -> list[Claim]:
    """Every attributed claim in ``text``.

    Args:
        text: the report (plain text or Markdown as the seeds look).
        published: the report's date (ISO); relative periods stay unresolved without it.
        outlet: who published the report: the claimant of figures stated in its own voice.
        registry: a party registry (default: the shipped one).

    Returns:
        The claims in order of their first evidence.

    Raises:
        DropDocument: ``text`` is empty or holds only markup and metadata.
        ConfigError: ``published`` is not a date.
    """
    from ..ingest import read_text
    ex = _extractor(registry)
    doc = read_text(text, published=published, outlet=outlet, war_starts=ex.registry.war_starts())
    return ex.extract(doc)


def extract_documents(docs: Iterable[Document], *, registry: Registry | None = None,
                      on_error: Callable[[ExtractionError], None] | None = None,
                      extractor: Extractor | None = None) -> Iterator[ExtractionResult]:
    """Extract claims from each document, lazily; a failing document goes to ``on_error``.

    Args:
        docs: documents, e.g. from :func:`claimledger.ingest.iter_documents`.
        registry: a party registry (default: the shipped one).
        on_error: called with an :class:`ExtractionError` for a document that fails (default: raise).
        extractor: an extractor built by the caller (another decision model, or none); overrides ``registry``.
    """
    ex = extractor or _extractor(registry)
    for doc in docs:
        try:
            yield ex.extract_result(doc)
        except ClaimLedgerError:
            raise
        except Exception as exc:  # a bug on one document must not end the batch
            err = ExtractionError(doc.doc_id, f"{type(exc).__name__}: {exc}")
            if on_error is None:
                raise err from exc
            log.exception("extraction failed on %s", doc.doc_id)
            on_error(err)


def extract_batch(docs: list[Document], registry_files: tuple[str, ...] = ()) -> list[ExtractionResult]:
    """Pure batch function for worker processes and Dask partitions."""
    registry = load_registry(*registry_files) if registry_files else None
    return list(extract_documents(docs, registry=registry))
