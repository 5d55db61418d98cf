"""The database going away: a restart costs no request (pooled connections are pinged before use), and
while it is down every caller gets a 503 in the one error shape, never a 500 or a stack trace."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from service import create_app
from tests.conftest import BASE_CONFIG, login
from tests.e2e.web.conftest import Browser


def test_connections_killed_by_a_database_restart_fail_no_request(county, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("terminating server connections needs PostgreSQL")
    name = f"relief_restart_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", database_url)  # the engine options come from the environment, as in production
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"{database_url}&application_name={name}"})
    client = app.test_client()
    login(client, "hotline")
    for _ in range(3):
        assert client.get("/api/v1/auth/me").status_code == 200
    admin = create_engine(database_url)
    with admin.begin() as conn:  # what a PostgreSQL restart does to every idle connection in the pool
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = :name"), {"name": name}).scalar()
    admin.dispose()
    assert killed >= 1
    statuses = [client.get("/api/v1/auth/me").status_code for _ in range(6)]
    assert statuses == [200] * 6
    with app.app_context():
        from service.extensions import db

        db.engine.dispose()


UNREACHABLE = {"postgres": "postgresql+psycopg://postgres@127.0.0.1:1/relief?connect_timeout=2",
               "sqlite": "sqlite:////nonexistent-directory/relief.db"}


@pytest.mark.parametrize("database", sorted(UNREACHABLE))
def test_a_database_that_is_down_gets_503_in_the_error_shape(database, tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": UNREACHABLE[database]})
    app.instance_path = str(tmp_path)
    client = app.test_client()
    calls = [
        client.get("/healthz"),
        client.post("/api/v1/public/lookup", json={"case_no": "26808663541", "id_last4": "002X"}),
        client.post("/api/v1/auth/login", json={"username": "hotline", "password": "demo2026"}),
        client.get("/api/v1/applications", headers={"Authorization": "Bearer rit_whatever"}),
    ]
    for response in calls:
        body = response.get_json()
        assert response.status_code == 503, (response.request.path, response.status_code, body)
        assert body["error"] == {"status": 503, "code": "database_unavailable", "message": "系统暂时无法连接数据库，请稍后再试"}
        assert body["request_id"] and response.headers["Retry-After"] == "5"
    browser = Browser(app.test_client())  # the log-in form, with its CSRF token, as a browser sends it
    page = browser.post("/staff/login", {"username": "hotline", "password": "demo2026"})
    assert page.status_code == 503 and "系统暂时无法连接数据库" in page.text and page.headers["Retry-After"] == "5"
    with browser.client.session_transaction() as session:  # a clerk already logged in before the outage
        session["staff_id"], session["epoch"] = 1, 0
    page = browser.get("/staff/queue")
    assert page.status_code == 503 and "系统暂时不可用" in page.text
