"""/metrics: Prometheus figures for the county's monitoring, refused (404) to everyone else."""

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service import create_app
from service.config import ConfigError
from tests.conftest import BASE_CONFIG
from tests.wechat_client import WeChat


def scrape(client, **kw) -> dict:
    response = client.get("/metrics", **kw)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain" and response.headers["Cache-Control"] == "no-store"
    figures = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            figures[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return figures


def value(figures, name, **labels) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_only_the_allow_list_or_the_token_may_read_it(app, client):
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.status_code == 404 and outsider.json["error"]["code"] == "not_found"
    app.config["METRICS_TOKEN"] = "scrape-token-0123456789"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                      headers={"Authorization": "Bearer scrape-token-0123456789"}).status_code == 200
    for wrong in ("Bearer scrape-token-012345678", "Bearer ", "scrape-token-0123456789"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                          headers={"Authorization": wrong}).status_code == 404
    # behind a proxy nobody declared (PROXY_HOPS=0) every caller looks local: the address proves nothing
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404


def test_behind_a_declared_proxy_the_callers_own_address_decides(database_url, tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1,
                      "METRICS_ALLOW": "10.20.0.0/16, 127.0.0.1"})
    client = app.test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.20.3.4"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    with pytest.raises(ConfigError):
        create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "METRICS_ALLOW": "10.20.0.0/33"})


def test_state_figures_come_from_the_database_at_scrape_time(app, client, county):
    from sqlalchemy import update

    from service.extensions import db
    from service.intake.models import Application
    from service.notify import heartbeat
    from service.notify.models import Notification
    from tests.e2e.web.conftest import open_case

    before = scrape(client)
    assert value(before, "relief_worker_heartbeat_age_seconds") == float("inf")
    assert value(before, "relief_database_up") == 1
    open_case(county, intake="dibao")
    late = open_case(county, intake="temporary_relief", phone="13900001111", name="李桂兰")
    db.session.execute(update(Application).where(Application.case_no == late["case_no"])
                       .values(queue_due=dt.date(2020, 1, 1)))
    db.session.execute(update(Notification).values(created_at=heartbeat.utcnow() - dt.timedelta(minutes=10)))
    db.session.commit()
    heartbeat.Heartbeat("metrics-test").beat(force=True)
    figures = scrape(client)
    assert value(figures, "relief_applications", intake="dibao", status="submitted") == 1
    assert value(figures, "relief_applications", intake="temporary_relief", status="submitted") == 1
    assert value(figures, "relief_applications_overdue") == 1
    assert value(figures, "relief_outbox_notifications", status="pending") == 2  # one 'received' notice each
    assert value(figures, "relief_outbox_notifications", status="dead") == 0
    assert 590 <= value(figures, "relief_outbox_oldest_pending_age_seconds") < 700
    assert 0 <= value(figures, "relief_worker_heartbeat_age_seconds") < 30


def test_latency_is_by_route_template_and_never_carries_a_case_number(app, client, county):
    from tests.conftest import login
    from tests.e2e.web.conftest import open_case

    case_no = open_case(county)["case_no"]
    login(client, "suntuan")
    before = value(scrape(client), "relief_http_request_duration_seconds_count", method="GET",
                   route="/api/v1/applications/<case_no>")
    for _ in range(3):
        assert client.get(f"/api/v1/applications/{case_no}").status_code == 200
    client.get("/no/such/page/13812345678")
    text = client.get("/metrics").get_data(as_text=True)
    figures = scrape(client)
    assert value(figures, "relief_http_request_duration_seconds_count", method="GET",
                 route="/api/v1/applications/<case_no>") == before + 3
    assert value(figures, "relief_http_request_duration_seconds_count", method="GET", route="<unmatched>") >= 1
    assert case_no not in text and "13812345678" not in text


def test_callbacks_and_routing_are_counted_by_type_outcome_and_scheme(app, client, county):
    wechat = WeChat(client, app.config["WECHAT_TOKEN"], openid="o_metrics_resident")
    before = scrape(client)
    assert "低保" in wechat.say("俺家老汉瘫在床上好几年了，想吃低保")
    assert client.post("/wechat?signature=bad&timestamp=1&nonce=2", data=b"<xml/>").status_code == 403
    after = scrape(client)
    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert delta("relief_wechat_callbacks_total", type="text", outcome="answered") == 1
    assert delta("relief_wechat_callbacks_total", type="unverified", outcome="refused") == 1
    assert sum(delta("relief_routing_decisions_total", channel="wechat", scheme="dibao", step=step)
               for step in ("auto", "ask", "human")) == 1
