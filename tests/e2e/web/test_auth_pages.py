"""Log-in, log-out, lock-out, CSRF refusal, session expiry and the Chinese error pages."""

import time

from tests.e2e.web.conftest import Browser


def test_login_page_is_chinese_with_labels_and_a_csrf_token(browser, county):
    page = browser.get("/staff/login")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="zh-CN">' in html and "工作人员登录" in html
    assert '<label for="username">用户名</label>' in html and '<label for="password">密码</label>' in html
    assert 'name="csrf_token"' in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_each_role_lands_on_its_page(app, county):
    for username, target in (("suntuan", "/staff/queue"), ("hotline", "/staff/calls/new"),
                             ("county", "/staff/queue"), ("admin", "/staff/dashboard")):
        browser = Browser(app.test_client())
        browser.get("/staff/login")
        response = browser.post("/staff/login", {"username": username, "password": "demo2026"})
        assert response.status_code == 302 and response.location == target, username
        assert browser.get(target).status_code == 200


def test_wrong_password_rerenders_and_repeated_failures_lock_the_account(browser, county):
    response = browser.post("/staff/login", {"username": "suntuan", "password": "wrong"})
    assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert 'value="suntuan"' in response.text  # the username is kept, the password is not
    for _ in range(4):
        browser.post("/staff/login", {"username": "suntuan", "password": "wrong"})
    locked = browser.post("/staff/login", {"username": "suntuan", "password": "demo2026"})
    assert locked.status_code == 401 and "锁定" in locked.text
    assert browser.get("/staff/queue").status_code == 302  # still not logged in


def test_login_without_the_csrf_token_is_refused(browser, county):
    response = browser.post("/staff/login", {"username": "suntuan", "password": "demo2026"}, csrf=False)
    assert response.status_code == 400 and "页面已过期" in response.text
    assert browser.get("/staff/queue").status_code == 302


def test_anonymous_pages_go_to_login_and_come_back(browser, county):
    response = browser.get("/staff/queue?tab=submitted")
    assert response.status_code == 302 and response.location.startswith("/staff/login?")
    page = browser.get(response.location)
    assert "登录已过期" in page.text
    back = browser.post("/staff/login", {"username": "suntuan", "password": "demo2026",
                                         "next": "/staff/queue?tab=submitted"})
    assert back.location == "/staff/queue?tab=submitted"


def test_login_never_redirects_off_site(browser, county):
    for target in ("https://evil.example/", "//evil.example/staff/", "/api/v1/auth/me"):
        response = browser.post("/staff/login", {"username": "county", "password": "demo2026", "next": target})
        assert response.location == "/staff/queue", target
        browser.post("/staff/logout")


def test_logout_ends_every_session_of_the_account(app, browser, county):
    browser.login("suntuan")
    second = Browser(app.test_client())
    second.login("suntuan")
    assert browser.post("/staff/logout").location == "/staff/login"
    assert browser.get("/staff/queue").status_code == 302
    assert second.get("/staff/queue").status_code == 302  # the epoch moved: older cookies stop working


def test_sessions_expire(app, browser, county):
    app.config["PERMANENT_SESSION_LIFETIME"] = 1
    browser.login("suntuan")
    assert browser.get("/staff/queue").status_code == 200
    time.sleep(2.1)
    response = browser.get("/staff/queue")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_unknown_pages_get_a_chinese_404_and_the_api_keeps_json(browser, county):
    browser.login("suntuan")
    page = browser.get("/staff/no-such-page")
    assert page.status_code == 404 and "未找到" in page.text and page.mimetype == "text/html"
    assert browser.get("/staff/applications/00000000000").status_code == 404
    api = browser.client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.is_json


def test_role_without_the_page_gets_403_page(browser, county):
    browser.login("hotline")
    page = browser.get("/staff/dashboard")
    assert page.status_code == 403 and "无权访问" in page.text


def test_static_assets_are_served_locally(browser, county):
    for name in ("style.css", "call.js"):
        response = browser.get(f"/staff/static/{name}")
        assert response.status_code == 200
    browser.login("suntuan")
    html = browser.get("/staff/queue").text
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_login_attempts_are_also_slowed_per_address(database_url, county):
    from service import create_app
    from tests.conftest import BASE_CONFIG

    limited = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_LOGIN": "3 per minute"})
    from service.extensions import db

    with limited.app_context():
        browser = Browser(limited.test_client())
        for _ in range(3):
            assert browser.post("/staff/login", {"username": "nobody", "password": "x"}).status_code == 401
        slowed = browser.post("/staff/login", {"username": "nobody", "password": "x"})
        assert slowed.status_code == 429 and "尝试次数过多" in slowed.text and slowed.mimetype == "text/html"
        assert browser.get("/staff/login").status_code == 200  # reading the page is not limited
        db.session.remove()
        db.engine.dispose()


def _limited_app(database_url, **extra):
    from service import create_app
    from tests.conftest import BASE_CONFIG

    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                       "RATELIMIT_LOGIN": "2 per minute", **extra})


def _attempts(app, forwarded_for: str, n: int) -> list[int]:
    client = app.test_client()
    return [client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"},
                        headers={"X-Forwarded-For": forwarded_for},
                        environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code for _ in range(n)]


def test_behind_a_proxy_each_caller_has_its_own_login_budget(database_url, county):
    from service.extensions import db

    proxied = _limited_app(database_url, PROXY_HOPS=1)
    with proxied.app_context():
        assert _attempts(proxied, "203.0.113.7", 3) == [401, 401, 429]
        # a clerk at another address, through the same proxy, is not locked out by the guesser
        assert _attempts(proxied, "198.51.100.20", 1) == [401]
        db.session.remove()
        db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_reset_the_budget(database_url, county):
    from service.extensions import db

    direct = _limited_app(database_url)  # PROXY_HOPS=0: X-Forwarded-For is the caller's own claim
    with direct.app_context():
        assert _attempts(direct, "203.0.113.7", 2) == [401, 401]
        assert _attempts(direct, "198.51.100.99", 1) == [429]
        db.session.remove()
        db.engine.dispose()


def test_a_failed_database_write_still_gets_the_chinese_error_page(browser, county, monkeypatch):
    from service.auth.models import StaffUser
    from service.extensions import db
    from service.web import queue_views

    def broken(*_args, **_kwargs):
        db.session.add(StaffUser(username="suntuan", display_name="x", password_hash="x", role="window",
                                 county_id=1))
        db.session.flush()  # a unique username twice: the session is unusable until rolled back

    browser.login("suntuan")
    monkeypatch.setattr(queue_views.queue_data, "tab_counts", broken)
    page = browser.get("/staff/queue")
    assert page.status_code == 500 and "系统繁忙" in page.text and "请求编号" in page.text
