"""What a newcomer meets on the first `make run`s: a warm restart pushes the menu without a 40001, and the
calendar warning for an uncovered year says what to do."""

import datetime as dt
import logging

from service.devtools.fake_api import FakeWeChatAPI


def _push(app, runner, fake):
    app.config["WECHAT_API_BASE_URL"] = fake.base_url
    result = runner.invoke(args=["wechat", "menu", "push"])
    assert result.exit_code == 0, result.output
    return result


def test_a_restarted_fake_still_knows_the_token_the_database_holds(app, runner, county, tmp_path, caplog):
    tokens = tmp_path / "fake_wechat_tokens.json"
    with FakeWeChatAPI(appid=None, secret=None, token_file=tokens) as first:
        _push(app, runner, first)
        assert len(first.calls("token")) == 1
    caplog.set_level(logging.WARNING, logger="service.wechat.api_client")
    with FakeWeChatAPI(appid=None, secret=None, token_file=tokens) as restarted:
        assert "menu pushed: 我要申请" in _push(app, runner, restarted).output
        assert restarted.calls("token") == [] and restarted.calls("menu_create")[0]["status"] == 200
    assert "40001" not in caplog.text
    with FakeWeChatAPI(appid=None, secret=None) as forgetful:  # what `make run` did before: one 40001, a refetch
        _push(app, runner, forgetful)
        assert len(forgetful.calls("token")) == 1
    assert "errcode=40001" in caplog.text


def test_the_warning_for_an_uncovered_year_says_what_to_do(app, caplog):
    from service.intake import workdays

    year = dt.date.today().year + 5  # no package release knows it yet
    workdays._warn_uncovered.cache_clear()
    with caplog.at_level(logging.WARNING, logger="service.intake.workdays"):
        workdays.WorkCalendar().is_workday(dt.date(year, 3, 2))
    message = caplog.records[-1].getMessage()
    assert str(year) in message and "WORKDAY_CALENDAR_FILE" in message and "restart" in message
    assert f'"{year}": {{"holidays"' in message and "flask --app service calendar" in message
