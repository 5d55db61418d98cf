"""The per-account send throttle the worker's sender threads share."""

import threading
import time

from service.notify import ratelimit
from service.notify.ratelimit import Throttle


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_slots_are_spaced_at_the_rate_after_the_burst():
    clock = Clock()
    throttle = Throttle(10, burst=3, clock=clock)
    # three at once (the burst), then the fourth would have to wait 0.1 s: more than a 0.05 s budget
    assert [throttle.acquire(timeout=0.05) for _ in range(3)] == [ratelimit.OK] * 3
    assert throttle.acquire(timeout=0.05) == ratelimit.LATE
    clock.t += 0.1
    assert throttle.acquire(timeout=0.05) == ratelimit.OK


def test_a_quiet_spell_earns_no_more_than_the_burst():
    clock = Clock()
    throttle = Throttle(10, burst=2, clock=clock)
    clock.t += 3600
    assert [throttle.acquire(timeout=0) for _ in range(3)] == [ratelimit.OK, ratelimit.OK, ratelimit.LATE]


def test_threads_sharing_a_throttle_are_held_to_its_rate():
    throttle = Throttle(200, burst=1)
    stamps, guard = [], threading.Lock()

    def send():
        for _ in range(10):
            assert throttle.acquire(timeout=5) == ratelimit.OK
            with guard:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(stamps) == 40 and max(stamps) - min(stamps) >= 39 / 200 * 0.95  # 40 slots, 5 ms apart


def test_a_pause_holds_every_send_until_it_ends_and_a_shorter_one_does_not_cut_it():
    clock = Clock()
    throttle = Throttle(0, clock=clock)  # no rate limit: only the pause
    throttle.pause(60)
    throttle.pause(5)
    assert throttle.acquire(timeout=10) == ratelimit.PAUSED and throttle.paused_for() == 60
    clock.t += 60
    assert throttle.paused_for() == 0 and throttle.acquire(timeout=0) == ratelimit.OK


def test_a_sender_waiting_for_its_slot_gives_up_when_the_worker_stops():
    throttle = Throttle(1, burst=1)
    assert throttle.acquire(timeout=1) == ratelimit.OK
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    started = time.monotonic()
    assert throttle.acquire(timeout=5, stop=stop) == ratelimit.STOPPED
    assert time.monotonic() - started < 0.5
