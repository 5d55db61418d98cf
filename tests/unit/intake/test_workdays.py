import datetime as dt

import pytest

from service.intake.workdays import add_workdays, is_workday, workdays_between

D = dt.date


@pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)])
def test_national_day_week_2026_is_a_holiday(day):
    assert not is_workday(day)


def test_make_up_saturday_after_national_day_is_a_workday():
    assert D(2026, 10, 10).weekday() == 5
    assert is_workday(D(2026, 10, 10))
    assert not is_workday(D(2026, 10, 11))


def test_three_working_days_from_the_eve_of_national_day_skip_the_week_and_count_the_saturday():
    # 9-30 (Wed) + 3 WD: 10-8 Thu, 10-9 Fri, 10-10 make-up Sat
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_ordinary_weekend_is_skipped():
    assert add_workdays(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday -> Monday


def test_zero_working_days_is_the_same_day():
    assert add_workdays(D(2026, 11, 21), 0) == D(2026, 11, 21)


def test_workdays_between_is_signed():
    assert workdays_between(D(2026, 11, 20), D(2026, 11, 24)) == 2
    assert workdays_between(D(2026, 11, 24), D(2026, 11, 20)) == -2
    assert workdays_between(D(2026, 11, 24), D(2026, 11, 24)) == 0


def test_a_year_the_calendar_does_not_cover_falls_back_to_weekdays_without_crashing(caplog):
    assert is_workday(D(2031, 3, 3))  # a Monday
    assert not is_workday(D(2031, 3, 8))  # a Saturday
    assert add_workdays(D(2031, 3, 7), 1) == D(2031, 3, 10)
    assert any("2031" in r.getMessage() for r in caplog.records)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_workdays(D(2026, 1, 5), -1)
