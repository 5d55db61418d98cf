"""One pass over a message: the evidence the hand-written lexicons give, before any decision.

Scheme and intent evidence are additive log-odds per class (lexicon weights); urgency is judged by
urgency.judge. The words learned from the corpus (learned.tsv) are collected beside, so the trainer can
learn them on top of exactly this hand-written evidence and classifier.decide can add them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from . import segment
from .engine import Engine
from .lexicon import EVENT_KINDS, INTAKES, INTENTS, OTHER, SCHEMES, Cue
from .urgency import CLAUSE_BREAKS, SENTENCE_ENDS, WRITTEN_BREAKS, Signal, Urgency, judge

ASK = INTENTS.index("ask")
# evidence `other` has before reading a word: one clear scheme word must outweigh it
OTHER_PRIOR = 2.0
# a message says what it wants unless it thanks, asks, complains or asks after an application
APPLY_PRIOR = 1.0
# a negation cancels a request term up to this many tokens after it ("不是 要 申请 低保")
NEGATION_WINDOW = 3
# evidence for `other` when the resident says they are not asking for a scheme
NEGATED_BONUS = 2.0
# request words ("申请", "帮帮") sharpen an intake that has evidence, but never by more than this
REQUEST_CAP = 2.0
# an emergency told as history is weaker evidence of a need now
PAST_EVENT_FACTOR = 0.5
# an emergency only imagined (万一, 如果) or someone else's (听说, 替他问问) makes the message a question about
# the rules, not a request: ask evidence, named by the marker word
IMAGINED_ASK = 2.0
IMAGINED = frozenset({"hypothetical", "hearsay"})


@dataclass
class Reading:
    norm: str
    intake: list[float]  # hand evidence per INTAKES, priors included
    intent: list[float]  # hand evidence per INTENTS, priors included
    intake_hits: list[dict[str, float]]  # per intake: word -> weight (the words that gave evidence)
    intent_hits: list[dict[str, float]]
    urgency: Urgency
    named: list[float]  # per intake, evidence from words and phrases alone (no prior, no request boost)
    learned: list[tuple[str, tuple[float, ...]]] = field(default_factory=list)  # (token, weights)
    tokens: list[str] = field(default_factory=list)  # every distinct word, when asked for (the trainer)


def read(engine: Engine, text: str, all_tokens: bool = False) -> Reading:
    lex = engine.lexicon
    norm = lex.normalizer(text or "")
    # no HMM: every lexicon term is a dictionary word, and HMM could glue a one-character term (娃, 饿)
    # to its neighbour as a guessed new word
    tokens = segment.lcut(engine.tokenizer, norm)

    intake = [0.0] * len(INTAKES)
    intake[OTHER] = OTHER_PRIOR
    intent = [0.0] * len(INTENTS)
    intent[0] = APPLY_PRIOR
    intake_hits: list[dict[str, float]] = [{} for _ in INTAKES]
    intent_hits: list[dict[str, float]] = [{} for _ in INTENTS]
    request = 0.0
    signals: list[Signal] = []
    event_cues: list[tuple[int, Cue]] = []
    markers: list[tuple[int, str]] = []
    breaks: list[tuple[int, bool]] = []
    learned: list[tuple[str, tuple[float, ...]]] = []
    negated = False
    last_negation = -100
    seen: set[str] = set()
    distinct: dict[str, None] = {}

    cues = lex.cues.get
    learned_only = lex.learned_only.get
    for i, raw in enumerate(tokens):
        if all_tokens and raw not in CLAUSE_BREAKS and not raw.isspace():
            distinct[raw] = None
        weights = learned_only(raw)
        if weights is not None:
            # most words of a message only carry learned weights: the short way
            if raw not in seen:
                seen.add(raw)
                learned.append((raw, weights))
            continue
        cue = cues(raw)
        if cue is None:
            if raw in CLAUSE_BREAKS:
                if raw in WRITTEN_BREAKS:
                    breaks.append((i, raw in SENTENCE_ENDS))
                last_negation = -100
            continue
        if cue.marker:
            markers.append((i, cue.marker))
        if cue.urgency:
            signals.append(Signal(i, cue.kind, cue.urgency, cue.term))
            if cue.kind in EVENT_KINDS:
                event_cues.append((i, cue))
        token = cue.term
        if token in seen:
            continue
        seen.add(token)
        if cue.learned is not None:
            learned.append((token, cue.learned))
        if cue.negation:
            last_negation = i
            continue
        if cue.negatable and i - last_negation <= NEGATION_WINDOW:
            # a negated request term is talked about, not asked for, for the rest of the message
            negated = True
            continue
        request += cue.request
        for idx, weight in cue.entries:
            intake[idx] += weight
            intake_hits[idx][token] = weight
        for idx, weight in cue.intents:
            intent[idx] += weight
            intent_hits[idx][token] = weight

    if lex.pattern_table:
        starts: list[int] = []
        index = lex.pattern_index
        chosen = set(lex.pattern_anywhere)
        if lex.pattern_keys is not None:
            for char in set(lex.pattern_keys.findall(norm)):
                chosen.update(index[char])
        table = lex.pattern_table
        for number in sorted(chosen):
            search, group, idx, weight = table[number]
            match = search(norm)
            if match is None:
                continue
            if group == "urgent":
                starts = starts or _token_starts(tokens)
                signals.append(Signal(bisect_right(starts, match.start()) - 1, EVENT_KINDS[idx], weight, match.group()))
            elif group == "intake":
                intake[idx] += weight
                intake_hits[idx][match.group()] = weight
            else:
                intent[idx] += weight
                intent_hits[idx][match.group()] = weight
        signals.sort()

    named = intake[:]
    named[OTHER] -= OTHER_PRIOR
    urgency = judge(signals, markers, breaks)
    # an emergency told as history is weaker evidence for the scheme it would call for
    counted = set(urgency.words)
    for _, cue in event_cues:
        if cue.term not in counted:
            for idx, weight in cue.entries:
                if idx != OTHER and cue.term in intake_hits[idx]:
                    intake[idx] -= weight * (1 - PAST_EVENT_FACTOR)
    imagined = [i for i, kind in markers if kind in IMAGINED]
    if imagined and any(s.kind in EVENT_KINDS and s.words not in counted for s in signals):
        word = tokens[imagined[0]]
        intent[ASK] += IMAGINED_ASK
        intent_hits[ASK][word] = intent_hits[ASK].get(word, 0.0) + IMAGINED_ASK
    if negated:
        intake[OTHER] += NEGATED_BONUS
    if request:
        boost = min(request, REQUEST_CAP)
        for idx in range(len(SCHEMES)):
            if intake[idx] > 0:
                intake[idx] += boost
    return Reading(norm, intake, intent, intake_hits, intent_hits, urgency, named, learned, list(distinct))


def _token_starts(tokens: list[str]) -> list[int]:
    starts, offset = [], 0
    for token in tokens:
        starts.append(offset)
        offset += len(token)
    return starts
