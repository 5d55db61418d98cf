"""Send-rate limits the real platforms impose, shared by one worker's sender threads.

One `Throttle` per outside account (the WeChat official account, the SMS gateway): a token bucket of
`rate` sends per second (bursts of up to `burst`), plus a pause the worker sets when the platform
says "too many" (45011 minute quota, 45009 daily quota, 45047 message quota) so that no thread keeps
knocking until the pause is over. Limits are per process: with several workers, each is given its
share of the platform's cap (see README, NOTIFY_WECHAT_RATE).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

OK, PAUSED, LATE, STOPPED = "ok", "paused", "late", "stopped"


class Throttle:
    def __init__(self, rate: float, *, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        """rate sends per second (0 or less: no limit); burst defaults to one second's worth."""
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.burst = max(1, int(burst if burst is not None else rate or 1))
        self.clock = clock
        self._lock = threading.Lock()
        self._next = float("-inf")  # virtual time of the next free slot
        self._paused_until = float("-inf")

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (a longer pause already set is kept)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)

    def paused_for(self) -> float:
        """Seconds left of the current pause, 0 when sends may go."""
        return max(0.0, self._paused_until - self.clock())

    def acquire(self, *, timeout: float, stop: threading.Event | None = None) -> str:
        """Wait for a send slot. OK: send now; PAUSED: the account is paused; LATE: no slot within
        `timeout` seconds (the caller's lease would run short); STOPPED: `stop` was set while waiting."""
        with self._lock:
            now = self.clock()
            if self._paused_until > now:
                return PAUSED
            if timeout < 0:
                return LATE
            if self.interval:
                # a quiet spell earns at most `burst` sends at once, never an unbounded backlog
                slot = max(self._next, now - (self.burst - 1) * self.interval)
                if slot - now > timeout:
                    return LATE
                self._next = slot + self.interval
            else:
                slot = now
        wait = slot - now
        if wait > 0:
            if stop is not None and stop.wait(wait):
                return STOPPED
            if stop is None:
                time.sleep(wait)
        return PAUSED if self.paused_for() > 0 else OK
