"""Back-off schedule (what each failed send means is the sender adapters' answer: test_senders.py)."""

import pytest

from service.notify import policy


def test_backoff_doubles_from_the_base_and_stops_at_the_cap():
    low = [policy.backoff_delay(n, base=30, cap=3600, rng=lambda: 0.0) for n in range(1, 10)]
    high = [policy.backoff_delay(n, base=30, cap=3600, rng=lambda: 1.0) for n in range(1, 10)]
    assert high[:5] == [30, 60, 120, 240, 480]
    assert low[:3] == [15, 30, 60]
    assert high[-1] == 3600 and low[-1] == 1800


def test_jitter_spreads_retries_inside_the_step_but_never_to_zero():
    delays = {round(policy.backoff_delay(3, base=10, cap=1000), 3) for _ in range(200)}
    assert len(delays) > 50
    assert all(20 <= d <= 40 for d in delays)


def test_backoff_counts_attempts_from_one_and_survives_huge_counts():
    with pytest.raises(ValueError):
        policy.backoff_delay(0, base=1, cap=10)
    assert policy.backoff_delay(10_000, base=1, cap=10, rng=lambda: 1.0) == 10


def test_schedule_lists_the_waits_before_the_row_is_dead_lettered():
    assert policy.schedule(4, base=30, cap=100) == [(15, 30), (30, 60), (50, 100)]
