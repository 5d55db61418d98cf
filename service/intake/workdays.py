"""Working days on the Chinese official calendar (holidays and make-up workdays)."""

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The package only knows the years the State Council has published; beyond them fall back to
        # Monday–Friday rather than stopping the service, and say so once per year.
        _warn_uncovered(day.year)
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _warn_uncovered(year: int) -> None:
    log.warning("official calendar for %s unknown; counting Monday-Friday as working days", year)


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted); 0 means the same day."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start (how far past a deadline)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    count = 0
    current = low
    while current < high:
        current += dt.timedelta(days=1)
        if is_workday(current):
            count += 1
    return sign * count
