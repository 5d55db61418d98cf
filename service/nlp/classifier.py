"""route(text): which intake a resident's message belongs to, how sure we are, and whether it is urgent.

Scoring is additive evidence per intake (lexicon weights, read as log-odds) turned into probabilities
with a softmax. `other` starts with a prior, so a message without evidence for a scheme goes there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .engine import Engine, current
from .lexicon import INTAKES, OTHER, SCHEMES, Cue
from .normalize import normalize

# evidence `other` has before reading a word: one clear scheme word must outweigh it
OTHER_PRIOR = 2.0
# a negation cancels a request term up to this many tokens after it ("不是 要 申请 低保")
NEGATION_WINDOW = 3
# a past marker silences an urgency signal this many tokens either side ("去年 我家 着火", "火灾 那个 上个月")
PAST_WINDOW = 6
# an emergency told as history is weaker evidence of a need now
PAST_EVENT_FACTOR = 0.5
# an emergency needs an intake: it strengthens the scheme with most evidence, or 急难型 temporary relief
URGENT_BONUS = 2.0
# evidence for `other` when the resident says they are not asking for a scheme
NEGATED_BONUS = 2.0
# request words ("申请", "帮帮") sharpen an intake that has evidence, but never by more than this
REQUEST_CAP = 2.0
URGENT_THRESHOLD = 1.0
# tokens that end a clause: negation does not carry across them
CLAUSE_BREAKS = frozenset(",。!?;:,.，。！？；：、 \n")


@dataclass(frozen=True)
class Decision:
    category: str
    confidence: float  # probability of category, 0..1
    margin: float  # confidence minus the runner-up's probability
    runner_up: str
    keywords: tuple[str, ...]  # the words that decided the category, strongest first
    urgent: bool
    urgent_keywords: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)  # probability per intake

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "margin": round(self.margin, 4),
            "runner_up": self.runner_up,
            "keywords": list(self.keywords),
            "urgent": self.urgent,
            "urgent_keywords": list(self.urgent_keywords),
        }


def route(text: str) -> Decision:
    """Classify one message (any length, any script) into an intake with confidence and urgency."""
    return score(current(), text)


def score(engine: Engine, text: str) -> Decision:
    lex = engine.lexicon
    norm = normalize(text or "", lex.t2s)
    # no HMM: every lexicon term is a dictionary word, and HMM could glue a one-character term (娃, 饿)
    # to its neighbour as a guessed new word
    tokens = engine.tokenizer.lcut(norm, HMM=False)

    evidence = [0.0] * len(INTAKES)
    evidence[OTHER] = OTHER_PRIOR
    hits: list[dict[str, float]] = [{} for _ in INTAKES]
    request = 0.0
    urgency = 0.0
    urgent_hits: list[str] = []
    signals: list[tuple[int, Cue]] = []  # urgency tokens with their position, judged after the loop
    past: list[int] = []
    negated = False
    last_negation = -100
    seen: set[str] = set()

    cues = lex.cues
    for i, raw in enumerate(tokens):
        cue = cues.get(raw)
        if cue is None:
            if raw in CLAUSE_BREAKS:
                last_negation = -100
            continue
        token = cue.term
        if token in seen:
            continue
        if cue.negation:
            last_negation = i
            continue
        if cue.past:
            past.append(i)
            continue
        seen.add(token)
        if cue.negatable and i - last_negation <= NEGATION_WINDOW:
            # a negated request term is talked about, not asked for, for the rest of the message
            negated = True
            continue
        if cue.urgency:
            signals.append((i, cue))
        request += cue.request
        for idx, weight in cue.entries:
            evidence[idx] += weight
            hits[idx][token] = weight

    for i, cue in signals:
        if past and any(abs(i - p) <= PAST_WINDOW for p in past):
            for idx, weight in cue.entries:
                if idx != OTHER:
                    evidence[idx] -= weight * (1 - PAST_EVENT_FACTOR)
            continue
        urgency += cue.urgency
        urgent_hits.append(cue.term)

    for search, idx, weight in lex.pattern_table:
        match = search(norm)
        if match is None:
            continue
        if idx < 0:
            urgency += weight
            urgent_hits.append(match.group())
        else:
            evidence[idx] += weight
            hits[idx][match.group()] = weight

    if urgency >= URGENT_THRESHOLD:
        strongest = max(range(len(SCHEMES)), key=lambda idx: (evidence[idx], -idx))
        evidence[strongest] += URGENT_BONUS
    if negated:
        evidence[OTHER] += NEGATED_BONUS
    if request:
        boost = min(request, REQUEST_CAP)
        for idx in range(len(SCHEMES)):
            if evidence[idx] > 0:
                evidence[idx] += boost

    return _decide(evidence, hits, urgency, urgent_hits)


def _decide(
    evidence: list[float], hits: list[dict[str, float]], urgency: float, urgent_hits: list[str]
) -> Decision:
    top = max(evidence)
    exps = [math.exp(e - top) for e in evidence]
    total = sum(exps)
    probs = [x / total for x in exps]
    # ties go to the earlier intake in INTAKES, so the order there is a deliberate preference
    order = sorted(range(len(INTAKES)), key=lambda i: (-probs[i], i))
    best, second = order[0], order[1]
    keywords = sorted(hits[best], key=lambda k: -hits[best][k])
    return Decision(
        category=INTAKES[best],
        confidence=probs[best],
        margin=probs[best] - probs[second],
        runner_up=INTAKES[second],
        keywords=tuple(keywords),
        urgent=urgency >= URGENT_THRESHOLD,
        urgent_keywords=tuple(dict.fromkeys(urgent_hits)),
        scores={name: round(p, 4) for name, p in zip(INTAKES, probs, strict=True)},
    )
