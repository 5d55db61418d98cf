import datetime as dt

from service import clock


def test_beijing_midnight_is_four_pm_utc_the_day_before():
    assert clock.beijing_midnight_utc(dt.date(2026, 12, 1)) == dt.datetime(2026, 11, 30, 16, 0)


def test_a_stored_utc_moment_reads_as_beijing_wall_clock():
    assert clock.to_beijing(dt.datetime(2026, 11, 30, 17, 5)).strftime("%Y-%m-%d %H:%M") == "2026-12-01 01:05"


def test_next_month_rolls_over_the_year():
    assert clock.next_month(dt.date(2026, 11, 23)) == "2026-12"
    assert clock.next_month(dt.date(2026, 12, 31)) == "2027-01"
