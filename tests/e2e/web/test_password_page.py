"""The forced change of a one-time password on the staff pages: before anything else, then the way is open."""

from sqlalchemy import select

from service.auth.models import StaffUser
from service.county import staff
from service.extensions import db
from tests.e2e.web.conftest import Browser

NEW = "Huaihe-river-2027"


def _new_clerk(app):
    from service.intake.models import County

    county_id = db.session.scalar(select(County.id).where(County.code == "340621"))
    return staff.add_staff(county_id, "wangfang", "window", "王芳", "孙疃镇")["one_time_password"]


def test_a_one_time_password_leads_to_the_password_page_before_anything_else(app, browser, county):
    otp = _new_clerk(app)
    browser.get("/staff/login")
    response = browser.post("/staff/login", {"username": "wangfang", "password": otp})
    assert response.status_code == 302
    for page in ("/staff/queue", "/staff/calls/new", "/staff/", "/staff/applications/26000000000"):
        answer = browser.get(page)
        assert answer.status_code == 302 and answer.location == "/staff/password", page
    api = browser.get("/staff/api/classify?text=低保")
    assert api.status_code == 403 and api.json["error"]["code"] == "password_change_required"
    page = browser.get("/staff/password")
    assert "设置您自己的密码" in page.text and "一次性密码" in page.text
    assert "办理队列" not in page.text  # no menu to pages it cannot open yet; 退出 stays
    assert "退出" in page.text


def test_the_form_refuses_a_mismatch_or_a_weak_password_and_keeps_the_account_waiting(app, browser, county):
    otp = _new_clerk(app)
    browser.post("/staff/login", {"username": "wangfang", "password": otp})
    browser.get("/staff/password")  # a log-in starts a new session, with a new form token
    mismatch = browser.post("/staff/password", {"current_password": otp, "new_password": NEW,
                                                "confirm_password": NEW + "x"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
    weak = browser.post("/staff/password", {"current_password": otp, "new_password": "wangfang123",
                                            "confirm_password": "wangfang123"})
    assert weak.status_code == 422 and "不能包含用户名" in weak.text and "三类" in weak.text
    assert 'aria-invalid="true"' in weak.text
    assert browser.get("/staff/queue").location == "/staff/password"


def test_after_the_change_the_clerk_works_and_other_sessions_of_the_account_end(app, browser, county):
    otp = _new_clerk(app)
    other = Browser(app.test_client())
    other.get("/staff/login")
    other.post("/staff/login", {"username": "wangfang", "password": otp})
    browser.get("/staff/login")
    browser.post("/staff/login", {"username": "wangfang", "password": otp})
    browser.get("/staff/password")
    done = browser.post("/staff/password", {"current_password": otp, "new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 302 and done.location == "/staff/queue"
    assert "密码已修改" in browser.get("/staff/queue").text
    assert other.get("/staff/queue").location.startswith("/staff/login")
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == "wangfang")).one()
    assert user.must_change_password is False


def test_anyone_can_change_their_own_password_from_the_header(app, browser, county):
    browser.login("county")
    assert 'href="/staff/password"' in browser.get("/staff/queue").text
    page = browser.get("/staff/password")
    assert page.status_code == 200 and "当前密码" in page.text
    done = browser.post("/staff/password", {"current_password": "demo2026", "new_password": NEW,
                                            "confirm_password": NEW})
    assert done.location == "/staff/queue"
    assert Browser(app.test_client()).post("/staff/login", {"username": "county", "password": NEW}).status_code == 302
