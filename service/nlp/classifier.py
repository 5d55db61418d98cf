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
import re
from dataclasses import dataclass, field

from .engine import Engine, current
from .lexicon import INTAKES, INTENTS, OTHER, SCHEMES, Lexicon
from .reading import Reading, read

N_INTAKES = len(INTAKES)
N_INTENTS = len(INTENTS)
URGENT_SLOT = N_INTAKES + N_INTENTS
ZEROS = [0.0] * (URGENT_SLOT + 1)
LETTER = re.compile(r"[^\W\d_]")  # a letter of any script: a message with none is no request
# the learned urgency model reads the hand-written urgency score up to this much
URGENCY_CAP = 3.0
# probability of the learned urgency model from which a message is urgent even when no event rule fired:
# even odds: below them its words were mostly people (男人, 邻居) rather than events, and cross-validation on
# the dev splits lost no urgent message between 0.25 and 0.5 while the false alarms fell
LEARNED_URGENT = 0.5
LEARNED_URGENT_LOGIT = math.log(LEARNED_URGENT / (1 - LEARNED_URGENT))
# an emergency needs a scheme: danger to a child calls for child welfare, any other emergency for 急难型
# temporary relief; someone missing: a child, child welfare, a grown-up none of ours (the police's search,
# told to a person at once), as the dev writers file them
URGENT_BONUS = 3.0
SCHEME_OF_KIND = {"child": INTAKES.index("child_welfare"), "missing": -1}
# a question, a thank-you, a complaint or a progress question is urgent only on very strong evidence of an
# emergency now; an emergency that stays urgent makes the message a request for help
NOT_A_REQUEST_CONFIDENCE = 0.75
STRONG_URGENCY = 2.0
# except a message that is no question about the rules (progress, a complaint, thanks) telling an emergency
# as still going on now (Urgency.present: 今晚没处住, 医院催着交钱)
ASK = INTENTS.index("ask")
# an urgent progress question stays one: the resident chases an application already made (and is flagged)
PROGRESS = INTENTS.index("progress")
URGENT_APPLY = 2.0
# a progress question names a scheme when its hand-written words give it this much evidence (no priors)
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
        return child if named[child] > named[0] else OTHER
    return scheme


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [x / total for x in exps]


def _explain(hits: list[dict[str, float]], learned: list[tuple[str, tuple[float, ...]]],
             learned_rows: dict[str, tuple[float, ...]], offset: int, best: int, second: int) -> tuple[str, ...]:
    """The words that pushed towards `best` more than towards the runner-up, strongest first."""
    ranked = []
    mine, theirs = hits[best], hits[second]
    for word, weight in mine.items():
        net = weight - theirs.get(word, 0.0)
        extra = learned_rows.get(word)
        if extra is not None:
            net += extra[offset + best] - extra[offset + second]
        if net > 0:
            ranked.append((net, word))
    for word, weights in learned:
        if weights[offset + best] < SHOWN or word in mine:  # most learned words weigh little: skip them cheaply
            continue
        net = weights[offset + best] - weights[offset + second] - theirs.get(word, 0.0)
        if net >= SHOWN:
            ranked.append((net, word))
    ranked.sort(reverse=True)
    return tuple(word for _, word in ranked[:SHOWN_MAX])


def _explain_urgent(learned: list[tuple[str, tuple[float, ...]]]) -> tuple[str, ...]:
    ranked = sorted(((w[URGENT_SLOT], word) for word, w in learned if w[URGENT_SLOT] >= SHOWN), reverse=True)
    return tuple(word for _, word in ranked[:SHOWN_MAX])


def decide(reading: Reading, lexicon: Lexicon) -> Decision:
    if not LETTER.search(reading.norm):
        # digits, punctuation or nothing: no request and nothing to route
        return Decision("other", 1.0, 1.0, "temporary_relief", (), False, intent="thanks")
    bias, scale = lexicon.bias, lexicon.scale
    learned = reading.learned
    # the learned weights of the message's words, summed per target (zip and sum run in C)
    totals = [sum(col) for col in zip(*(weights for _, weights in learned), strict=True)] if learned else ZEROS
    intake = [scale[i] * reading.intake[i] + bias[i] + totals[i] for i in range(N_INTAKES)]
    intent = [scale[N_INTAKES + i] * reading.intent[i] + bias[N_INTAKES + i] + totals[N_INTAKES + i]
              for i in range(N_INTENTS)]
    named = reading.named
    words = [scale[i] * named[i] + totals[i] for i in range(N_INTAKES)]

    intent_probs = _softmax(intent)
    intent_best = intent_probs.index(max(intent_probs))  # a tie goes to the earlier intent

    urgency = reading.urgency
    urgent = urgency.urgent
    urgent_words = urgency.words
    if not urgent and lexicon.learned_urgency:
        logit = scale[URGENT_SLOT] * min(urgency.score, URGENCY_CAP) + bias[URGENT_SLOT] + totals[URGENT_SLOT]
        if logit >= LEARNED_URGENT_LOGIT:
            urgent = True
            urgent_words = urgency.words + _explain_urgent(learned)
    if urgent and intent_best != 0:
        urgent = (intent_probs[intent_best] < NOT_A_REQUEST_CONFIDENCE or urgency.score >= STRONG_URGENCY
                  or (urgency.present and intent_best != ASK))
    if urgent:
        if intent_best != PROGRESS:
            intent[0] += URGENT_APPLY
            intent_probs = _softmax(intent)
            intent_best = intent_probs.index(max(intent_probs))
        intake[urgent_scheme(named, urgency.kind)] += URGENT_BONUS
    intent_name = INTENTS[intent_best]

    probs = _softmax(intake)
    # ties go to the earlier intake in INTAKES, so the order there is a deliberate preference
    order = sorted(range(N_INTAKES), key=lambda i: (-probs[i], i))
    best, second = order[0], order[1]
    # a scheme is named by the hand-written words (低保, 救助, 孤儿): learned weights of question words (时候,
    # 公示) lean to the scheme whose questions the corpus has most, and name nothing
    scheme_named = max(named[0], named[1], named[2])
    by_rule = not urgent and (intent_name in ("thanks", "complaint")
                              or (intent_name == "progress" and scheme_named < NAMED))
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
    elif thin and intent_name == "apply":
        # nothing the lexicons know: a request still goes to a scheme, never silently to `other` (the
        # ladder asks the resident which)
        schemes = sorted(range(len(SCHEMES)), key=lambda i: (-probs[i], i))
        best, second = schemes[0], schemes[1]
        confidence = probs[best]
    learned_rows = dict(learned)
    intent_second = max((i for i in range(N_INTENTS) if i != intent_best), key=intent_probs.__getitem__)
    intent_keywords = _explain(reading.intent_hits, learned, learned_rows, N_INTAKES, intent_best, intent_second)
    keywords = _explain(reading.intake_hits, learned, learned_rows, 0, best, second)
    if best == OTHER and intent_name in ("thanks", "complaint", "progress"):
        keywords = intent_keywords + keywords
    return Decision(
        category=INTAKES[best],
        confidence=confidence,
        margin=max(0.0, confidence - probs[second]),
        runner_up=INTAKES[second],
        keywords=tuple(dict.fromkeys(keywords)),
        urgent=urgent,
        urgent_keywords=tuple(dict.fromkeys(urgent_words)) if urgent else (),
        scores={name: round(p, 4) for name, p in zip(INTAKES, probs, strict=True)},
        intent=intent_name,
        intent_confidence=intent_probs[intent_best],
        intent_keywords=intent_keywords,
        urgent_kind=urgency.kind if urgent else "",
        thin=thin,
        candidates=candidates,
    )
