"""Learning word weights from the dev corpus, on top of the hand-written lexicons (learned.tsv).

Two multinomial logistic regressions over the words of a message (jieba tokens, present or not): one for
the scheme, one for the intent. Each starts from the hand-written evidence of reading.read as a fixed
offset, so a learned weight is a correction: large where the hand-written lexicons are wrong or silent,
near zero where they already agree with the corpus, and the hand-written words keep deciding what the
corpus never shows. L2 regularisation keeps single-message words small. The weights are written as a
plain data file (word, target, weight) that the classifier reads like the other lexicons, so every
decision still names its words.

Only dev splits are learned from: a file whose name starts with `test` or `sealed` is refused.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import datafiles as files
from .classifier import URGENCY_CAP, URGENT_BONUS, Decision, decide, urgent_scheme
from .engine import Engine
from .evaluation import Example
from .lexicon import BIAS, DATA_DIR, INTAKES, INTENTS, LEARNED_TARGETS, SCALE, Lexicon
from .reading import Reading, read

HELD_OUT = ("test", "sealed")
SCHEME_INTENTS = (None, "apply", "ask")
# a word must occur in this many training messages to get a weight of its own
MIN_COUNT = 2
# weights smaller than this are left out of the file
WRITE_MIN = 0.02
HEADER = """\
# Word weights learned from the dev corpus by `flask --app service nlp learn` (service/nlp/learn.py):
# corrections on top of the hand-written lexicons, in the same log-odds units. Do not edit by hand:
# change the hand-written files or the corpus and learn again. Format: word<TAB>target<TAB>weight;
# target is an intake, an intent or `urgent`; the word `*` is the bias of each target, `**` the factor on
# the hand-written evidence for it.
"""


@dataclass(frozen=True)
class Settings:
    # chosen by leaving one dev file out: 0.001 generalised better than 0.005 on three of the four files
    l2: float = 0.001
    epochs: int = 30
    rate: float = 0.3
    seed: int = 20261202


class HeldOutSplit(ValueError):
    """Someone asked to learn from a test or sealed split."""


def check_trainable(paths: Iterable[Path]) -> None:
    for path in paths:
        if Path(path).name.startswith(HELD_OUT):
            raise HeldOutSplit(f"{Path(path).name} is held out for measuring: never learn from it")


@dataclass
class Sample:
    reading: Reading
    intake: str
    intent: str | None
    urgent: bool


def samples(engine: Engine, examples: Sequence[Example]) -> list[Sample]:
    """Read every example once with the hand-written lexicons only (engine without learned weights)."""
    return [Sample(read(engine, e.text, all_tokens=True), e.intake, e.intent, e.urgent) for e in examples]


def _is_word(token: str) -> bool:
    # a letter, digit or CJK character in it, and nothing a data file would misread
    return any(ch.isalnum() for ch in token) and not token.startswith("#") and "\t" not in token


def _offsets_intake(reading: Reading) -> list[float]:
    offsets = list(reading.intake)
    if reading.urgency.urgent:
        offsets[urgent_scheme(reading.named, reading.urgency.kind)] += URGENT_BONUS
    return offsets


def _fit(rows: list[tuple[list[str], list[float], int]], size: int, settings: Settings, vocabulary: set[str]
         ) -> tuple[dict[str, list[float]], list[float], list[float]]:
    """Multinomial logistic regression over the words, with the hand-written evidence as a feature whose
    factor per class is learned too (kept near 1), by AdaGrad over shuffled single messages."""
    weights: dict[str, list[float]] = {w: [0.0] * size for w in vocabulary}
    squares: dict[str, list[float]] = {w: [1e-8] * size for w in vocabulary}
    bias, bias_sq = [0.0] * size, [1e-8] * size
    scale, scale_sq = [1.0] * size, [1e-8] * size
    order = list(range(len(rows)))
    rng = random.Random(settings.seed)
    for _ in range(settings.epochs):
        rng.shuffle(order)
        for n in order:
            words, offsets, gold = rows[n]
            present = [w for w in words if w in weights]
            logits = [scale[k] * offsets[k] + bias[k] + sum(weights[w][k] for w in present) for k in range(size)]
            top = max(logits)
            exps = [math.exp(v - top) for v in logits]
            total = sum(exps)
            for k in range(size):
                grad = exps[k] / total - (k == gold)
                bias_sq[k] += grad * grad
                bias[k] -= settings.rate * grad / math.sqrt(bias_sq[k])
                g = grad * offsets[k] + settings.l2 * (scale[k] - 1.0)
                scale_sq[k] += g * g
                scale[k] -= settings.rate * g / math.sqrt(scale_sq[k])
                for w in present:
                    g = grad + settings.l2 * weights[w][k]
                    squares[w][k] += g * g
                    weights[w][k] -= settings.rate * g / math.sqrt(squares[w][k])
    return weights, bias, scale


def stopwords() -> frozenset[str]:
    return frozenset(files.words(DATA_DIR / "stopwords.txt"))


def learn(data: Sequence[Sample], settings: Settings = Settings()) -> dict[str, tuple[float, ...]]:
    """Weights by word, in LEARNED_TARGETS order (urgency is left to the hand-written rules: zero)."""
    counts = Counter(w for s in data for w in s.reading.tokens if _is_word(w))
    vocabulary = {w for w, c in counts.items() if c >= MIN_COUNT}
    scheme_vocabulary = vocabulary - stopwords()
    # the scheme is learned from requests and questions: thanks, complaints and progress questions are
    # routed by rule (classifier.decide), and their words say nothing about a scheme
    intake_rows = [(s.reading.tokens, _offsets_intake(s.reading), INTAKES.index(s.intake))
                   for s in data if s.intent in SCHEME_INTENTS]
    intent_rows = [(s.reading.tokens, list(s.reading.intent), INTENTS.index(s.intent)) for s in data if s.intent]
    # urgency: the hand-written score as a feature, the words as corrections (two classes: not, urgent)
    urgent_rows = [(s.reading.tokens, [0.0, min(s.reading.urgency.score, URGENCY_CAP)], int(s.urgent)) for s in data]
    w_intake, b_intake, s_intake = _fit(intake_rows, len(INTAKES), settings, scheme_vocabulary)
    w_intent, b_intent, s_intent = _fit(intent_rows, len(INTENTS), settings, vocabulary)
    w_urgent, b_urgent, s_urgent = _fit(urgent_rows, 2, settings, scheme_vocabulary)
    table: dict[str, tuple[float, ...]] = {
        BIAS: (*b_intake, *b_intent, b_urgent[1] - b_urgent[0]),
        SCALE: (*s_intake, *s_intent, s_urgent[1]),
    }
    for word in vocabulary:
        a = w_intake.get(word, [0.0] * len(INTAKES))
        b = w_intent.get(word, [0.0] * len(INTENTS))
        u = w_urgent.get(word, [0.0, 0.0])
        table[word] = (*a, *b, u[1] - u[0])
    return table


def apply(reading: Reading, table: dict[str, tuple[float, ...]]) -> Reading:
    """The reading with these learned weights in place of whatever it had."""
    return replace(reading, learned=[(w, table[w]) for w in reading.tokens if w in table and w not in (BIAS, SCALE)])


def with_learned(lexicon: Lexicon, table: dict[str, tuple[float, ...]]) -> Lexicon:
    return replace(lexicon, learned=table)


def predict(data: Sequence[Sample], table: dict[str, tuple[float, ...]], lexicon: Lexicon) -> list[Decision]:
    lex = with_learned(lexicon, {BIAS: table[BIAS], SCALE: table[SCALE]})
    return [decide(apply(s.reading, table), lex) for s in data]


def cross_validate(data: Sequence[Sample], folds: int, lexicon: Lexicon, settings: Settings = Settings(),
                   extra: Sequence[Sample] = ()) -> list[Decision]:
    """Decisions for each sample by a model that never saw it (trained on the other folds plus `extra`)."""
    order = list(range(len(data)))
    random.Random(settings.seed).shuffle(order)
    decisions: list[Decision | None] = [None] * len(data)
    for k in range(folds):
        held = set(order[k::folds])
        train = [data[i] for i in order if i not in held] + list(extra)
        table = learn(train, settings)
        held_list = sorted(held)
        for i, decision in zip(held_list, predict([data[i] for i in held_list], table, lexicon), strict=True):
            decisions[i] = decision
    return [d for d in decisions if d is not None]


def write(table: dict[str, tuple[float, ...]], path: Path) -> int:
    """Write the table as learned.tsv (sorted, rounded); returns the number of lines written."""
    lines = []
    for word in sorted(table):
        for target, value in zip(LEARNED_TARGETS, table[word], strict=True):
            if abs(value) >= WRITE_MIN or word in (BIAS, SCALE):
                lines.append(f"{word}\t{target}\t{value:.3f}")
    Path(path).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
