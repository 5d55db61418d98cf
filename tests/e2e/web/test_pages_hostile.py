"""Every /staff/ page and form, fed queries and form fields no browser would send: never a 500."""

import re

import pytest
from sqlalchemy import select

from service.extensions import db
from service.intake.models import Application
from tests.e2e.web.conftest import Browser, open_case

QUERIES = ["", "?tab=zzz", "?month=2026-99", "?township_id=abc", "?before=-1", "?cursor=%ff", "?q=" + "x" * 500,
           "?intake=zzz&urgent=2", "?township_id=2147483648", "?before=2147483648", "?cursor=9" + "9" * 40,
           "?q=%00", "?q=%ED%A0%80", "?q=１３８１２３４５６７８", "?month=9999-01"]
FORMS = [{}, {"version": "x"}, {"version": "99999999999999999999999"},
         {"amount": "abc", "version": "1", "first_month": "2026-13"}, {"answer": "\x00" * 10},
         {"phone": "1" * 500, "name": "<script>", "village_id": "abc", "description": "", "household_size": "-5"},
         {"phone": "13812345678", "name": "张三", "village_id": "2147483648", "description": "家里困难想申请",
          "household_size": "2147483648", "version": "2147483648", "amount": "9" * 40, "intake": "dibao"},
         {"name": "张\x00三", "answer": "\x00", "reason": "好\x00"}]


def _urls(app, case_no):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "static" in rule.rule or "_anything" in rule.rule:
            continue
        url = (rule.rule.replace("<case_no>", case_no).replace("<action>", "approve")
               .replace("<any(csv, xlsx):fmt>", "csv"))
        url = re.sub(r"<[^>]+>", "1", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not url.endswith("/logout"):
                yield method, url


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
@pytest.mark.parametrize("username", ["suntuan", "county", "hotline", "audit"])
def test_no_page_or_form_answers_hostile_input_with_a_500(app, county, username):
    case_no = open_case(county)["case_no"]
    browser = Browser(app.test_client())
    browser.login(username)
    checked = 0
    for method, url in _urls(app, case_no):
        attempts = [browser.get(url + q) for q in QUERIES] if method == "GET" else [browser.post(url, f) for f in FORMS]
        for response in attempts:
            assert response.status_code < 500, (username, method, url, response.status_code)
            checked += 1
    assert checked > 100
    db.session.expire_all()
    app_row = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    # {"version": "1"} is a valid claim for a caseworker, so that one step may have happened; nothing else
    claimed = [e.action for e in app_row.events] == ["submit", "claim"]
    assert [e.action for e in app_row.events] in (["submit"], ["submit", "claim"]) and app_row.status == "submitted"
    assert (app_row.version, app_row.assigned_to_id is not None) == ((2, True) if claimed else (1, False))
    assert claimed == (username in ("suntuan", "county"))
    home = browser.get("/staff/", follow_redirects=True)  # still logged in: the sweep never lost the session
    assert home.status_code == 200 and "退出" in home.text and "/staff/login" not in home.request.path
