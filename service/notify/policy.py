"""When to try again after a failed send: pure functions, no I/O.

What a failure means (retry, slow down, fall back to SMS, dead-letter) is the sender adapters' answer
(sender.py, wechat_sender.py, sms_sender.py); this module only spaces out the retries.
"""

from __future__ import annotations

import random
from collections.abc import Callable


def backoff_delay(attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped, with
    "equal jitter": half the step fixed, half random, so retries spread out but never collapse to 0."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    step = min(cap, base * (2 ** min(attempt - 1, 40)))
    return step / 2 + rng() * step / 2


def schedule(max_attempts: int, *, base: float, cap: float) -> list[tuple[float, float]]:
    """The (shortest, longest) wait after each failed attempt before the row is dead-lettered."""
    return [(backoff_delay(n, base=base, cap=cap, rng=lambda: 0.0),
             backoff_delay(n, base=base, cap=cap, rng=lambda: 1.0)) for n in range(1, max_attempts)]
