"""Staff accounts: one-time passwords that must be changed, disabling and resetting that end every session
and token, window clerks tied to a township, and an audit row with before and after for each change."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from service.attempts import counters
from service.auth import lockout
from service.auth.models import ApiToken, AuditRecord, StaffUser
from service.auth.passwords import one_time_password, problems
from service.county import staff
from service.errors import Conflict, Forbidden, InvalidInput
from service.extensions import db
from tests.conftest import login

NEW_PASSWORD = "Huaihe-river-2027"


@pytest.fixture
def county_id(county):
    from service.intake.models import County

    return db.session.scalar(select(County.id).where(County.code == "340621"))


def admin_actor():
    from service.auth.services import actor_of

    return actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one())


def test_a_new_account_gets_a_one_time_password_that_opens_only_the_password_change(client, county_id):
    result = staff.add_staff(county_id, "wangfang", "window", "王芳", "孙疃镇")
    otp = result["one_time_password"]
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", otp)
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == "wangfang")).one()
    assert user.must_change_password and otp not in user.password_hash
    profile = client.post("/api/v1/auth/login", json={"username": "wangfang", "password": otp}).json
    assert profile["must_change_password"] is True
    refused = client.get("/api/v1/applications")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "password_change_required"
    assert "/api/v1/auth/password" in refused.json["error"]["message"]
    assert client.post("/api/v1/auth/tokens", json={"name": "x"}).json["error"]["code"] == "password_change_required"

    same = client.post("/api/v1/auth/password", json={"current_password": otp, "new_password": otp})
    assert same.status_code == 422 and "一次性密码" in same.json["error"]["fields"]["new_password"][0]
    changed = client.post("/api/v1/auth/password", json={"current_password": otp, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200 and changed.json["must_change_password"] is False
    assert client.get("/api/v1/applications").status_code == 200  # the same session goes on
    assert client.post("/api/v1/auth/login", json={"username": "wangfang", "password": otp}).status_code == 401


def test_the_new_password_must_follow_the_rules_and_every_reason_is_given(client, county_id):
    otp = staff.add_staff(county_id, "wangfang", "county", "王芳")["one_time_password"]
    login(client, "wangfang", otp)
    for weak, reason in (("Short-1a", "至少 10 位"), ("alllowercase1234", "三类"), ("Wangfang-2027x", "用户名"),
                         ("Demo2026-Strong!", "演示密码"), ("Abc@123456", "弱密码")):
        answer = client.post("/api/v1/auth/password", json={"current_password": otp, "new_password": weak})
        assert answer.status_code == 422, weak
        assert any(reason in m for m in answer.json["error"]["fields"]["new_password"]), (weak, answer.json)
    wrong = client.post("/api/v1/auth/password", json={"current_password": "nope", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "current_password" in wrong.json["error"]["fields"]
    outcomes = db.session.scalars(select(AuditRecord.outcome).where(AuditRecord.event == "change_password")).all()
    assert outcomes == ["bad_password"]


def test_the_minimum_length_is_configurable(app):
    assert problems("Ab1-Ab1-Ab1", "x", minimum=12) == ["至少 12 位（现有 11 位）"]
    assert problems("Ab1-Ab1-Ab1", "x", minimum=10) == []
    assert problems(one_time_password(), "x", minimum=10) == []


def test_window_accounts_need_a_township_and_county_wide_roles_must_not_have_one(county_id):
    with pytest.raises(InvalidInput) as missing:
        staff.add_staff(county_id, "win1", "window", "王芳")
    assert "必须指定所属乡镇" in missing.value.fields["township"][0]
    with pytest.raises(InvalidInput) as extra:
        staff.add_staff(county_id, "cty1", "county", "陈刚", "孙疃镇")
    assert "面向全县" in extra.value.fields["township"][0]
    with pytest.raises(InvalidInput) as unknown:
        staff.add_staff(county_id, "win2", "window", "王芳", "不存在镇")
    assert "没有乡镇" in unknown.value.fields["township"][0]
    by_code = staff.add_staff(county_id, "win3", "window", "王芳", "340621104")
    assert by_code["township"] == "临涣镇"


def test_user_names_are_checked_and_look_alikes_refused(county_id):
    for bad in ("ab", "-admin", "王芳", "a b c", "x" * 41):
        with pytest.raises(InvalidInput):
            staff.add_staff(county_id, bad, "county", "陈刚")
    with pytest.raises(InvalidInput) as taken:
        staff.add_staff(county_id, "Admin", "county", "陈刚")
    assert "已被使用" in taken.value.fields["username"][0]
    with pytest.raises(InvalidInput) as role:
        staff.add_staff(county_id, "boss", "root", "陈刚")
    assert "operator" in role.value.fields["role"][0]


def test_disabling_ends_sessions_and_tokens_and_enabling_lets_the_account_back(app, client, county_id):
    login(client, "hotline")
    token = client.post("/api/v1/auth/tokens", json={"name": "呼叫中心"}).json["token"]
    staff.disable_staff(county_id, "hotline", by=admin_actor(), remote_addr="10.0.0.9")
    assert client.get("/api/v1/auth/me").status_code == 401
    assert app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "hotline", "password": "demo2026"}).status_code == 401
    staff.enable_staff(county_id, "hotline", by=admin_actor())
    login(client, "hotline")
    assert app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    rows = db.session.scalars(select(AuditRecord).where(AuditRecord.event.in_(("staff_disable", "staff_enable")))
                              .order_by(AuditRecord.id)).all()
    assert [(r.event, r.details["before"], r.details["after"], r.remote_addr) for r in rows] == [
        ("staff_disable", {"active": True}, {"active": False}, "10.0.0.9"),
        ("staff_enable", {"active": False}, {"active": True}, None)]
    assert rows[0].staff_id == admin_actor().id


def test_the_last_administrator_and_ones_own_account_cannot_be_disabled(county_id):
    with pytest.raises(Conflict) as last:
        staff.disable_staff(county_id, "admin")
    assert "最后一个" in last.value.message
    staff.add_staff(county_id, "admin2", "admin", "副管理员")
    with pytest.raises(Conflict):
        staff.disable_staff(county_id, "admin", by=admin_actor())
    staff.disable_staff(county_id, "admin")  # from the shell, now that another admin exists
    assert not db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one().active


def test_a_reset_gives_a_new_one_time_password_unlocks_and_ends_everything(app, client, county_id):
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == "suntuan")).one()
    login(client, "suntuan")
    client.post("/api/v1/auth/tokens", json={"name": "平板"})
    for _ in range(5):
        app.test_client().post("/api/v1/auth/login", json={"username": "suntuan", "password": "wrong"})
    counters().hit("login:lock:suntuan", dt.timedelta(minutes=15))  # as wrong passwords from many addresses do
    assert lockout.is_locked(user.username)
    result = staff.reset_password(county_id, "suntuan", by=admin_actor())
    assert result["tokens_revoked"] == 1 and result["one_time_password"]
    assert client.get("/api/v1/auth/me").status_code == 401  # the old session ended
    assert db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).all() == []
    fresh = app.test_client()
    assert fresh.post("/api/v1/auth/login", json={"username": "suntuan", "password": "demo2026"}).status_code == 401
    login(fresh, "suntuan", result["one_time_password"])  # unlocked
    assert fresh.get("/api/v1/applications").json["error"]["code"] == "password_change_required"
    row = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "staff_reset_password")).one()
    assert row.details == {"before": {"must_change_password": False, "locked": True},
                           "after": {"must_change_password": True, "locked": False, "tokens_revoked": 1}}
    assert result["one_time_password"] not in str(row.details)
    with pytest.raises(Conflict):
        staff.reset_password(county_id, "admin", by=admin_actor())


def test_a_window_clerk_moves_township_and_their_queue_follows(client, county_id):
    login(client, "suntuan")
    assert client.get("/api/v1/auth/me").json["township"] == "孙疃镇"
    staff.set_township(county_id, "suntuan", "韩村镇", by=admin_actor())
    assert client.get("/api/v1/auth/me").json["township"] == "韩村镇"
    row = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "staff_township")).one()
    assert (row.details["before"], row.details["after"]) == ({"township": "孙疃镇"}, {"township": "韩村镇"})
    with pytest.raises(InvalidInput):
        staff.set_township(county_id, "county", "韩村镇")


def test_only_the_countys_administrator_administers(county_id):
    from service.auth.services import actor_of

    clerk = actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == "suntuan")).one())
    for call in (lambda: staff.add_staff(county_id, "x123", "county", "某", by=clerk),
                 lambda: staff.disable_staff(county_id, "hotline", by=clerk),
                 lambda: staff.reset_password(county_id, "hotline", by=clerk)):
        with pytest.raises(Forbidden):
            call()


def test_demo_passwords_cannot_be_given_in_production(app, county_id):
    app.config["SERVICE_ENV"] = "production"
    with pytest.raises(Forbidden):
        staff.add_staff(county_id, "x123", "county", "某", initial_password="demo2026")


def test_the_list_says_who_must_change_is_locked_or_never_logged_in(client, county_id):
    staff.add_staff(county_id, "newbie", "auditor", "新审计员")
    login(client, "county")
    rows = {r["username"]: r for r in staff.list_staff(county_id)}
    assert rows["newbie"]["must_change_password"] and rows["newbie"]["last_login_at"] is None
    assert rows["county"]["last_login_at"] and not rows["county"]["must_change_password"]
    assert rows["suntuan"]["township"] == "孙疃镇" and rows["suntuan"]["role_label"] == "乡镇窗口"
