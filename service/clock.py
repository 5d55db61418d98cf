"""The one clock. The database stores naive UTC (utcnow); deadlines and months are counted on Beijing
time whatever the server's zone, and the functions below convert between the two."""

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """Now, as the naive UTC every timestamp column stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def to_beijing(utc_naive: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) moment as Beijing wall-clock time."""
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(BEIJING)


def beijing_midnight_utc(day: dt.date) -> dt.datetime:
    """00:00 of `day` in Beijing, as the naive UTC the database stores (16:00 the day before)."""
    return dt.datetime.combine(day, dt.time(), BEIJING).astimezone(dt.UTC).replace(tzinfo=None)


def next_month(day: dt.date) -> str:
    """'YYYY-MM' of the month after `day`'s (monthly benefits start the month after approval)."""
    return f"{day.year + day.month // 12}-{day.month % 12 + 1:02d}"
