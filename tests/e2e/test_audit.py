"""The audit trail: written by log-ins, reveals and token changes; read by the auditor and nobody else;
the auditor reads nothing else (等保: audit separate from administration and casework)."""

import re

import pytest

from tests.conftest import login
from tests.e2e.test_api import CALL
from tests.e2e.web.conftest import Browser


def test_the_auditor_reads_the_trail_newest_first_and_filters_it(client, county, app):
    other = app.test_client()
    other.post("/api/v1/auth/login", json={"username": "suntuan", "password": "wrong"})
    login(other, "suntuan")
    login(other, "hotline")
    case_no = other.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    login(other, "suntuan")
    other.post(f"/api/v1/applications/{case_no}/reveal-id")
    login(client, "audit")
    items = client.get("/api/v1/audit").get_json()["items"]
    assert (items[0]["username"], items[0]["event"], items[0]["outcome"]) == ("audit", "login", "granted")
    assert items[1]["event"] == "reveal_id_number" and items[1]["target_id"] == case_no
    assert items[1]["username"] == "suntuan" and items[1]["event_label"] == "查看完整身份信息"
    logins = client.get("/api/v1/audit?event=login&username=suntuan").get_json()["items"]
    assert [i["outcome"] for i in logins] == ["granted", "granted", "bad_password"]  # newest first
    assert logins[-1]["outcome_label"] == "密码错误"
    page = client.get("/api/v1/audit?limit=2").get_json()
    older = client.get(f"/api/v1/audit?limit=2&before_id={page['next_before_id']}").get_json()["items"]
    assert older and older[0]["id"] < page["items"][-1]["id"]


@pytest.mark.parametrize("username", ["admin", "county", "suntuan", "hotline"])
def test_nobody_but_the_auditor_reads_it(client, county, username):
    login(client, username)
    response = client.get("/api/v1/audit")
    assert response.status_code == 403 and "审计员" in response.get_json()["error"]["message"]


def test_the_auditor_sees_no_application_and_takes_no_step(client, county):
    login(client, "hotline")
    case_no = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    login(client, "audit")
    assert client.get("/api/v1/auth/me").get_json()["role"] == "auditor"
    for url in ("/api/v1/applications", f"/api/v1/applications/{case_no}", "/api/v1/townships",
                "/api/v1/notifications", "/api/v1/handoffs"):
        assert client.get(url).status_code == 403, url
    for url in (f"/api/v1/applications/{case_no}/reveal-id", f"/api/v1/applications/{case_no}/claim"):
        assert client.post(url, json={"version": 1}).status_code == 403, url
    assert client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).status_code == 403


def test_the_audit_page_is_the_auditors_home_and_closed_to_others(app, county):
    auditor = Browser(app.test_client())
    auditor.login("audit")
    home = auditor.get("/staff/", follow_redirects=True)
    assert "审计日志" in home.text and '<td data-label="事件">登录</td>' in home.text and "办理队列" not in home.text
    filtered = auditor.get("/staff/audit?event=login&username=audit").text
    events = re.findall(r'<td data-label="事件">([^<]+)</td>', filtered)
    users = re.findall(r'<td data-label="用户">([^ <]+)', filtered)
    assert events == ["登录"] and users == ["audit"]
    assert auditor.get("/staff/audit?event=nonsense&before=-5").status_code == 200
    assert auditor.get("/staff/queue").status_code == 403
    clerk = Browser(app.test_client())
    clerk.login("suntuan")
    assert clerk.get("/staff/audit").status_code == 403
    assert "审计日志" not in clerk.get("/staff/queue").text


def test_every_refused_reveal_is_audited_whatever_refused_it(client, county, app):
    login(client, "hotline")
    case_no = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    attempts = [("hotline", case_no, 403), ("linhuan", case_no, 404), ("suntuan", "26000000000", 404),
                ("audit", case_no, 403), ("suntuan", case_no, 200)]
    for username, number, status in attempts:
        login(client, username)
        assert client.post(f"/api/v1/applications/{number}/reveal-id").status_code == status, username
    login(client, "audit")
    items = client.get("/api/v1/audit?event=reveal_id_number").get_json()["items"]
    assert [(i["username"], i["target_id"], i["outcome"]) for i in reversed(items)] == [
        ("hotline", case_no, "refused"), ("linhuan", case_no, "refused"), ("suntuan", "26000000000", "refused"),
        ("audit", case_no, "refused"), ("suntuan", case_no, "granted")]
