"""route(text): which scheme a message is about, what the resident wants, whether it is urgent, and why.

Two dimensions and a flag, each with its deciding words:
- the scheme (`category`: temporary_relief, dibao, child_welfare, or other),
- the intent (apply, ask, progress, complaint, thanks),
- urgency (urgency.py: kinds of events and needs, judged in their time frame).

Evidence per class is the hand-written lexicons' (reading.py) plus the weights learned from the dev
corpus (learned.tsv, written by `flask nlp learn`), read as log-odds and turned into probabilities
with a softmax. Thanks and complaints go to `other`; a progress question keeps the scheme it names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .engine import Engine, current
from .lexicon import INTAKES, INTENTS, OTHER, SCHEMES, Lexicon
from .reading import Reading, read

N_INTAKES = len(INTAKES)
N_INTENTS = len(INTENTS)
URGENT_SLOT = N_INTAKES + N_INTENTS
# an emergency needs a scheme: danger to a child calls for child welfare, any other emergency for 急难型
# temporary relief (someone missing: whichever of the two has more evidence)
URGENT_BONUS = 3.0
SCHEME_OF_KIND = {"child": INTAKES.index("child_welfare"), "missing": -1}
# a question, a thank-you, a complaint or a progress question is urgent only on very strong evidence of an
# emergency now; an emergency that stays urgent makes the message a request for help
NOT_A_REQUEST_CONFIDENCE = 0.75
STRONG_URGENCY = 2.0
URGENT_APPLY = 2.0
# a progress question names a scheme when its words give it this much evidence (no priors)
NAMED = 1.0
# the words of a message give less than this to every class: too unfamiliar to route, ask the resident
THIN = 1.5
# a scheme is offered when the resident is asked from this much evidence of its words on
CANDIDATE = 0.5
# a learned word is shown among the deciding words from this net contribution on
SHOWN = 0.5
SHOWN_MAX = 8


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
    intent: str = "apply"
    intent_confidence: float = 1.0
    intent_keywords: tuple[str, ...] = ()
    urgent_kind: str = ""  # the kind of event that made it urgent (urgency.tsv kinds)
    thin: bool = False  # the words were too unfamiliar to tell the scheme: ask the resident
    candidates: tuple[str, ...] = ()  # schemes with evidence, strongest first (what to offer when asking)

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "margin": round(self.margin, 4),
            "runner_up": self.runner_up,
            "keywords": list(self.keywords),
            "intent": self.intent,
            "intent_confidence": round(self.intent_confidence, 4),
            "intent_keywords": list(self.intent_keywords),
            "urgent": self.urgent,
            "urgent_keywords": list(self.urgent_keywords),
            "urgent_kind": self.urgent_kind,
            "thin": self.thin,
            "candidates": list(self.candidates),
        }


def route(text: str) -> Decision:
    """Classify one message (any length, any script): scheme, intent and urgency with their words."""
    return score(current(), text)


def score(engine: Engine, text: str) -> Decision:
    return decide(read(engine, text), engine.lexicon)


def urgent_scheme(named: list[float], kind: str) -> int:
    """The scheme an emergency of this kind calls for (index into INTAKES); named: the hand-written
    evidence per scheme, which decides for someone missing (a child, or a grown-up)."""
    scheme = SCHEME_OF_KIND.get(kind, 0)
    if scheme < 0:
        child = SCHEME_OF_KIND["child"]
        return child if named[child] > named[0] else 0
    return scheme


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [x / total for x in exps]


def _explain(hits: list[dict[str, float]], learned: list[tuple[str, tuple[float, ...]]], offset: int,
             best: int) -> tuple[str, ...]:
    """The words that pushed towards `best` more than towards any other class, strongest first."""
    size = len(hits)
    per_word: dict[str, list[float]] = {}
    for idx, table in enumerate(hits):
        for word, weight in table.items():
            per_word.setdefault(word, [0.0] * size)[idx] += weight
    hand = set(per_word)
    for word, weights in learned:
        row = per_word.setdefault(word, [0.0] * size)
        for idx in range(size):
            row[idx] += weights[offset + idx]
    ranked = []
    for word, row in per_word.items():
        net = row[best] - max(row[i] for i in range(size) if i != best)
        if net > 0 and (word in hand or net >= SHOWN):
            ranked.append((net, word))
    ranked.sort(key=lambda r: -r[0])
    return tuple(word for _, word in ranked[:SHOWN_MAX])


def decide(reading: Reading, lexicon: Lexicon) -> Decision:
    if not any(ch.isalpha() for ch in reading.norm):
        # digits, punctuation or nothing: no request and nothing to route
        return Decision("other", 1.0, 1.0, "temporary_relief", (), False, intent="thanks")
    bias, scale = lexicon.bias, lexicon.scale
    learned = reading.learned
    intake = [scale[i] * reading.intake[i] + bias[i] for i in range(N_INTAKES)]
    intent = [scale[N_INTAKES + i] * reading.intent[i] + bias[N_INTAKES + i] for i in range(N_INTENTS)]
    words = [scale[i] * sum(reading.intake_hits[i].values()) for i in range(N_INTAKES)]
    for _, weights in learned:
        for i in range(N_INTAKES):
            intake[i] += weights[i]
            words[i] += weights[i]
        for i in range(N_INTENTS):
            intent[i] += weights[N_INTAKES + i]

    intent_probs = _softmax(intent)
    intent_best = max(range(N_INTENTS), key=lambda i: (intent_probs[i], -i))

    urgency = reading.urgency
    urgent = urgency.urgent
    if urgent and intent_best != 0:
        urgent = intent_probs[intent_best] < NOT_A_REQUEST_CONFIDENCE or urgency.score >= STRONG_URGENCY
    if urgent:
        intent[0] += URGENT_APPLY
        intent_probs = _softmax(intent)
        intent_best = max(range(N_INTENTS), key=lambda i: (intent_probs[i], -i))
    intent_name = INTENTS[intent_best]
    if urgent:
        intake[urgent_scheme(reading.named, urgency.kind)] += URGENT_BONUS

    probs = _softmax(intake)
    # ties go to the earlier intake in INTAKES, so the order there is a deliberate preference
    order = sorted(range(N_INTAKES), key=lambda i: (-probs[i], i))
    best, second = order[0], order[1]
    named = max(words[: len(SCHEMES)])
    by_rule = not urgent and (intent_name in ("thanks", "complaint") or (intent_name == "progress" and named < NAMED))
    thin = max(words) < THIN and not urgent and not by_rule
    candidates = tuple(INTAKES[i] for i in order if i != OTHER and words[i] >= CANDIDATE)

    confidence = probs[best]
    if by_rule:
        # thanks and complaints are `other` by definition, a progress question naming no scheme too:
        # as sure as the intent is
        best, second = OTHER, order[0] if order[0] != OTHER else order[1]
        confidence = max(probs[OTHER], intent_probs[intent_best])
    elif intent_name == "progress" and best == OTHER:
        # a progress question keeps the scheme it names
        best = max(range(len(SCHEMES)), key=lambda i: (probs[i], -i))
        second = OTHER
    elif thin:
        # nothing the lexicons know: a request still goes to a scheme (the ladder asks which),
        # a question or an inquiry naming none goes to `other`
        schemes = sorted(range(len(SCHEMES)), key=lambda i: (-probs[i], i))
        if intent_name == "apply":
            best, second = schemes[0], schemes[1]
        elif best != OTHER:
            best, second = OTHER, best
        confidence = probs[best]
    keywords = _explain(reading.intake_hits, learned, 0, best)
    if best == OTHER and intent_name in ("thanks", "complaint", "progress"):
        keywords = _explain(reading.intent_hits, learned, N_INTAKES, intent_best) + keywords
    return Decision(
        category=INTAKES[best],
        confidence=confidence,
        margin=max(0.0, confidence - probs[second]),
        runner_up=INTAKES[second],
        keywords=tuple(dict.fromkeys(keywords)),
        urgent=urgent,
        urgent_keywords=urgency.words if urgent else (),
        scores={name: round(p, 4) for name, p in zip(INTAKES, probs, strict=True)},
        intent=intent_name,
        intent_confidence=intent_probs[intent_best],
        intent_keywords=_explain(reading.intent_hits, learned, N_INTAKES, intent_best),
        urgent_kind=urgency.kind if urgent else "",
        thin=thin,
        candidates=candidates,
    )
