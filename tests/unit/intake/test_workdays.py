import datetime as dt

import pytest

from service.intake.workdays import OFFICIAL, WorkCalendar, parse_calendar

is_workday, add_workdays, workdays_between = OFFICIAL.is_workday, OFFICIAL.add_workdays, OFFICIAL.workdays_between

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
    from service.intake import workdays

    workdays._warn_uncovered.cache_clear()  # warned once per process: earlier tests may have used 2031
    fresh = WorkCalendar()  # its own cache: an earlier test may have asked OFFICIAL about 2031
    is_workday, add_workdays = fresh.is_workday, fresh.add_workdays
    assert is_workday(D(2031, 3, 3))  # a Monday
    assert not is_workday(D(2031, 3, 8))  # a Saturday
    assert add_workdays(D(2031, 3, 7), 1) == D(2031, 3, 10)
    assert any("2031" in r.getMessage() for r in caplog.records)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_workdays(D(2026, 1, 5), -1)


# -- a year spelled out by the county's calendar file (WORKDAY_CALENDAR_FILE) ------------------------

LOCAL = {"2031": {"holidays": ["2031-01-01", "2031-01-22", "2031-01-23", "2031-01-24"], "workdays": ["2031-01-26"]}}


@pytest.fixture
def local_calendar():
    return WorkCalendar(parse_calendar(LOCAL))


def test_a_local_year_skips_its_holidays_and_counts_its_make_up_sunday(local_calendar):
    assert not local_calendar.is_workday(D(2031, 1, 22)) and D(2031, 1, 22).weekday() == 2  # a Wednesday off
    assert local_calendar.is_workday(D(2031, 1, 26)) and D(2031, 1, 26).weekday() == 6  # a Sunday worked
    assert not local_calendar.is_workday(D(2031, 1, 25))  # an ordinary Saturday stays off
    # Tue 1-21 + 2 working days: Wed-Fri are holidays, Sat off, the make-up Sunday, then Monday
    assert local_calendar.add_workdays(D(2031, 1, 21), 2) == D(2031, 1, 27)
    assert local_calendar.coverage(2031) == "local" and local_calendar.coverage(2026) == "official"


def test_without_the_file_the_same_year_is_weekdays_again(local_calendar):
    assert local_calendar.coverage(2031) == "local"  # one calendar's file never reaches another
    assert OFFICIAL.is_workday(D(2031, 1, 22)) and OFFICIAL.coverage(2031) == "weekdays"


@pytest.mark.parametrize("data, words", [
    ([], "object keyed by year"),
    ({"31": {}}, "four-digit year"),
    ({"2031": {"holidays": "2031-01-01"}}, "list of dates"),
    ({"2031": {"holidays": ["2031-02-30"]}}, "not a date"),
    ({"2031": {"holidays": ["2030-12-31"]}}, "not in 2031"),
    ({"2031": {"holidays": ["2031-01-26"], "workdays": ["2031-01-26"]}}, "both a holiday and a workday"),
])
def test_a_bad_calendar_file_is_refused_with_the_reason(data, words):
    from service.intake.workdays import CalendarFileError, parse_calendar

    with pytest.raises(CalendarFileError, match=words):
        parse_calendar(data)


def test_the_service_refuses_to_start_with_a_bad_file_and_uses_a_good_one(tmp_path):
    import json

    from service import create_app
    from service.config import ConfigError

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(ConfigError, match="WORKDAY_CALENDAR_FILE"):
        create_app({"WORKDAY_CALENDAR_FILE": str(bad), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    good = tmp_path / "calendar.json"
    good.write_text(json.dumps(LOCAL), "utf-8")
    app = create_app({"WORKDAY_CALENDAR_FILE": str(good), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.extensions["workdays"].coverage(2031) == "local"
    result = app.test_cli_runner().invoke(args=["calendar", "2031", "2026"])
    assert result.exit_code == 0 and "本县日历文件" in result.output
    result = app.test_cli_runner().invoke(args=["calendar", "2032"])
    assert result.exit_code == 1 and "按周一至周五" in result.output


def test_two_apps_in_one_process_keep_their_own_calendars(tmp_path):
    # no process-global calendar: a second app without the file does not change the first one's deadlines
    import json

    from service import create_app
    from service.intake import calendars

    good = tmp_path / "calendar.json"
    good.write_text(json.dumps(LOCAL), "utf-8")
    with_file = create_app({"WORKDAY_CALENDAR_FILE": str(good), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    without = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with with_file.app_context():
        assert calendars.current().add_workdays(D(2031, 1, 21), 2) == D(2031, 1, 27)
    with without.app_context():
        assert calendars.current().add_workdays(D(2031, 1, 21), 2) == D(2031, 1, 23)
    with with_file.app_context():
        assert not calendars.current().is_workday(D(2031, 1, 22))
