"""The routing ladder: what a caller does with a Decision (route it, ask the resident, or hand it over).

It decides the scheme's route only; what the resident wants (Decision.intent: apply, ask, progress,
complaint, thanks) is the caller's to act on beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .classifier import Decision
from .lexicon import SCHEMES

Action = Literal["auto", "ask", "human"]


@dataclass(frozen=True)
class Thresholds:
    auto_confidence: float = 0.75
    auto_margin: float = 0.30
    ask_confidence: float = 0.45

    # environment variables the app reads, by field
    KEYS = {
        "auto_confidence": "ROUTE_AUTO_CONFIDENCE",
        "auto_margin": "ROUTE_AUTO_MARGIN",
        "ask_confidence": "ROUTE_ASK_CONFIDENCE",
    }

    def __post_init__(self) -> None:
        for name in self.KEYS:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.ask_confidence > self.auto_confidence:
            raise ValueError("ask_confidence must not be above auto_confidence")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | float]) -> Thresholds:
        """Read ROUTE_AUTO_CONFIDENCE, ROUTE_AUTO_MARGIN, ROUTE_ASK_CONFIDENCE; missing keys keep defaults."""
        values: dict[str, float] = {}
        for name, key in cls.KEYS.items():
            raw = mapping.get(key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"{key} must be a number, got {raw!r}") from None
        return cls(**values)


@dataclass(frozen=True)
class Step:
    action: Action
    choices: tuple[str, ...]  # auto: the intake; ask: the schemes to offer; human: the best guesses
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"action": self.action, "choices": list(self.choices), "reason": self.reason}


def ladder(decision: Decision, thresholds: Thresholds | None = None) -> Step:
    """Auto-route a sure decision, ask the resident when unsure, else a person.

    - A complaint or a report goes to a person; thanks and greetings are answered (`other`).
    - Words too unfamiliar to tell a scheme ask the resident, offering the schemes that have some
      evidence, or all three: never a silent fall to `other`.
    - An urgent message that is not sure enough to auto-route goes to a person at once: someone in
      danger should not be handed a menu.
    - Otherwise: sure enough and clear of the runner-up routes alone, between the thresholds asks between
      the top two, below them goes to a person.
    """
    t = thresholds or Thresholds()
    pair = (decision.category, decision.runner_up)
    if decision.category == "other" and not decision.urgent:
        if decision.intent == "complaint":
            return Step("human", ("other",), "a complaint or a report: for a person")
        if decision.intent == "thanks":
            return Step("auto", ("other",), "thanks or a greeting")
    if decision.thin and not decision.urgent:
        return Step("ask", decision.candidates or SCHEMES, "unfamiliar words: ask the resident which scheme")
    if decision.confidence >= t.auto_confidence and decision.margin >= t.auto_margin:
        return Step("auto", (decision.category,), "confident")
    if decision.urgent:
        return Step("human", pair, "urgent and not confident enough to route alone")
    if decision.confidence >= t.ask_confidence:
        return Step("ask", pair, "two intakes are plausible")
    return Step("human", pair, "too unsure to ask")
