"""Working days on the Chinese official calendar (holidays and make-up workdays)."""

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)



class CalendarFileError(ValueError):
    """The calendar file cannot be used; the message says where and why."""


def parse_calendar(data: object) -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    """{"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-06", ...]}} → dates per year."""
    if not isinstance(data, dict):
        raise CalendarFileError("the file must hold an object keyed by year, e.g. {\"2027\": {...}}")
    years = {}
    for key, entry in data.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4) or not isinstance(entry, dict):
            raise CalendarFileError(f"{key!r}: expected a four-digit year with holidays and workdays")
        year = int(key)
        holidays, workdays = (_dates(year, kind, entry.get(kind, [])) for kind in ("holidays", "workdays"))
        if holidays & workdays:
            raise CalendarFileError(f"{year}: {min(holidays & workdays)} is both a holiday and a workday")
        years[year] = (holidays, workdays)
    return years


def _dates(year: int, kind: str, values: object) -> frozenset[dt.date]:
    if not isinstance(values, list):
        raise CalendarFileError(f"{year}.{kind}: expected a list of dates")
    found = set()
    for value in values:
        try:
            day = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise CalendarFileError(f"{year}.{kind}: {value!r} is not a date like 2027-01-01") from None
        if day.year != year:
            raise CalendarFileError(f"{year}.{kind}: {value} is not in {year}")
        found.add(day)
    return frozenset(found)


class WorkCalendar:
    """Working days: the years a county's calendar file (WORKDAY_CALENDAR_FILE) spells out, else the official
    calendar (the chinesecalendar package), else Monday–Friday with a warning. One per app (create_app keeps
    it in app.extensions); it never changes once built. The State Council publishes next year's arrangement
    each autumn, before a package release carries it: that is what the file is for."""

    def __init__(self, local_years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] | None = None):
        self._local = dict(local_years or {})
        self.is_workday = lru_cache(maxsize=4096)(self._is_workday)

    def coverage(self, year: int) -> str:
        """'local' (the county's file), 'official' (the chinesecalendar package) or 'weekdays' (fallback)."""
        if year in self._local:
            return "local"
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
            return "official"
        except NotImplementedError:
            return "weekdays"

    def _is_workday(self, day: dt.date) -> bool:
        local = self._local.get(day.year)
        if local is not None:
            holidays, workdays = local
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # Neither the package nor the county's file knows this year: fall back to Monday–Friday rather
            # than stopping the service, and say so once per year.
            _warn_uncovered(day.year)
            return day.weekday() < 5

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted); 0 means the same day."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start (how far past a deadline)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign == 1 else (end, start)
        count = 0
        current = low
        while current < high:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return sign * count


OFFICIAL = WorkCalendar()  # no county file: what a test or a tool without an app counts with


@lru_cache(maxsize=64)
def _warn_uncovered(year: int) -> None:
    log.warning("the official holiday arrangement for %(y)s is not known yet: deadlines in %(y)s count "
                "Monday-Friday, ignoring holidays and make-up workdays. When the State Council publishes it "
                "(国务院办公厅关于%(y)s年部分节假日安排的通知, usually in the autumn before), write it into a JSON file "
                '{"%(y)s": {"holidays": ["%(y)s-01-01", ...], "workdays": [...]}}, set WORKDAY_CALENDAR_FILE to '
                "its path and restart; `flask --app service calendar` shows which years are covered",
                {"y": year})
