"""The stories of issue 10, end to end through signed WeChat callbacks, the use cases and the notification
worker with the local fakes: a stranger with a resident's ID number, a clerk of another township, and a
grown child following both parents' applications. SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from service.errors import Forbidden
from service.extensions import db
from service.intake import opening, services
from service.intake.models import Applicant, Application, Follower
from service.notify.models import Notification
from tests.conftest import login
from tests.integration.notify.conftest import accepted_templates, drain, fast_config
from tests.wechat_client import WeChat

RESIDENT_ID = "11010519491231002X"
RESIDENT, STRANGER, CHILD = "o_resident_zhang", "o_stranger_01", "o_grown_child"
FATHER_ID, MOTHER_ID = "340621194501010014", "340621194803030029"


@pytest.fixture
def notify_app(app, county, fake_wechat, fake_sms):
    app.config.update(fast_config(fake_wechat, fake_sms))
    return app


@pytest.fixture
def wechat(notify_app, client):
    return WeChat(client, notify_app.config["WECHAT_TOKEN"])


def form(words: str, name: str, id_number: str, phone: str, place: str) -> list[str]:
    income = ["不知道"] if "低保" in words else []  # the 低保 pre-screen's question, skipped
    return [words, "1", name, id_number, phone, place, "2", *income, "0"]


def resident_files(county) -> dict:
    """张秀英 of 孙疃镇秦口村 applied for 低保 by phone and follows it on her own WeChat."""
    detail = opening.open_application(county["actors"]["hotline"], {
        "phone": "13812345678", "name": "张秀英", "id_number": RESIDENT_ID,
        "village_id": county["villages"]["秦口村"], "intake": "dibao",
        "description": "老伴瘫痪在床，家里没有收入", "household_size": 2}, channel="hotline")
    return detail


def file_of(id_number: str = RESIDENT_ID) -> Applicant:
    db.session.expire_all()
    from service.intake.applicants import protector

    return db.session.scalars(select(Applicant).where(
        Applicant.id_number_hash == protector().lookup_hash(id_number))).one()


def followers_of(case_no: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Follower.openid).join(Application).where(
        Application.case_no == case_no, Follower.removed_at.is_(None)).order_by(Follower.id)))


def test_a_stranger_with_a_residents_id_number_takes_over_nothing(wechat, county, fake_wechat, notify_app):
    case_no = resident_files(county)["case_no"]
    assert "绑定成功" in wechat.say(f"绑定 {case_no} 002X", openid=RESIDENT)
    before = file_of()
    on_file = (before.name, before.phone, before.village_id)

    # 1. the stranger asks for 低保 with her ID number: refused, and told no case number, status or name
    for line in form("俺家困难想申请低保", "王五", RESIDENT_ID, "13900009999", "临涣镇马场村")[:-1]:
        wechat.say(line, openid=STRANGER)
    refused = wechat.say("0", openid=STRANGER)
    assert "核对" in refused
    refused = wechat.say("1", openid=STRANGER)
    assert "已有一件办理中的低保申请" in refused and "绑定" in refused and "0561-12345" in refused
    assert case_no not in refused and "张" not in refused and "待受理" not in refused
    # ... and the failed submission rewrote nothing
    after = file_of()
    assert (after.name, after.phone, after.village_id) == on_file
    assert db.session.scalar(select(func.count(Application.id))) == 1
    assert followers_of(case_no) == [RESIDENT]

    # 2. a second submission, for another intake, opens its own application and binds nothing of hers
    assert "确定不办了吗" in wechat.say("取消", openid=STRANGER)  # seven answers typed: asked first
    assert "已取消" in wechat.say("1", openid=STRANGER)
    for line in form("家里着火了想申请临时救助", "王五", RESIDENT_ID, "13900009999", "临涣镇马场村"):
        wechat.say(line, openid=STRANGER)
    done = wechat.say("1", openid=STRANGER)
    assert "案件号" in done and case_no not in done
    other = done.split("案件号：")[1][:11]
    after = file_of()
    assert (after.name, after.phone, after.village_id) == on_file  # the file is still hers
    assert followers_of(case_no) == [RESIDENT] and followers_of(other) == [STRANGER]
    new = db.session.scalars(select(Application).where(Application.case_no == other)).one()
    assert (new.contact_name, new.contact_phone) == ("王五", "13900009999")  # kept with the application
    seen = services.detail(county["actors"]["county"], other)
    assert {d["field"] for d in seen["file_differences"]} == {"name", "phone", "village"}  # for the clerk

    # 3. 进度 lists nothing of hers
    progress = wechat.say("进度", openid=STRANGER)
    assert other in progress and case_no not in progress
    assert "张" not in progress

    # 4. later notices about her application go to her, never to the stranger
    services.act(county["actors"]["suntuan"], case_no, "accept", {}, None)
    drain(notify_app)
    about_hers = [m for m in accepted_templates(fake_wechat)
                  if m["data"]["character_string1"]["value"] == case_no]
    assert {m["touser"] for m in about_hers} == {RESIDENT} and len(about_hers) == 1
    assert all(m["touser"] != STRANGER for m in about_hers)
    rows = db.session.scalars(select(Notification).join(Application).where(Application.case_no == case_no))
    assert STRANGER not in {r.to_openid for r in rows}


def test_a_clerk_of_another_township_neither_changes_nor_learns_the_applicant(app, county, client):
    mine = resident_files(county)
    paid = opening.open_application(county["actors"]["hotline"], {
        "phone": "13812345678", "name": "张秀英", "id_number": RESIDENT_ID, "urgent": True,
        "village_id": county["villages"]["秦口村"], "intake": "temporary_relief",
        "description": "家里失火，房子烧了一半"}, channel="hotline")
    services.act(county["actors"]["suntuan"], paid["case_no"], "emergency_aid", {"amount": "487.65"}, None)
    before = file_of()
    on_file = (before.name, before.phone, before.village_id)
    call = {"phone": "13700001234", "name": "张秀", "id_number": RESIDENT_ID, "intake": "dibao",
            "village_id": county["villages"]["马场村"], "description": "想申请低保，家里没有劳动力"}

    login(client, "linhuan")
    refused = client.post("/api/v1/calls", json=call)
    assert refused.status_code == 409
    message = refused.get_json()["error"]["message"]
    assert message.startswith("已有在办申请（其他乡镇）")
    for secret in (mine["case_no"], paid["case_no"], "张秀英", "待受理", "487.65", "孙疃"):
        assert secret not in refused.get_data(as_text=True)

    logged = client.post("/api/v1/calls", json={**call, "intake": "child_welfare",
                                                 "description": "孙子没人管，想申请儿童福利"})
    assert logged.status_code == 201
    body = logged.get_data(as_text=True)
    detail = logged.get_json()
    for secret in (mine["case_no"], paid["case_no"], "张秀英", "487.65", "13812345678", "138****5678", "秦口"):
        assert secret not in body
    assert detail["applicant"]["name"] == "张秀" and detail["file"] is None
    assert {d["field"]: d["on_file"] for d in detail["file_differences"]} == {
        "name": None, "phone": None, "village": None}
    assert [o["label"] for o in detail["other_applications"]] == ["已有在办申请（其他乡镇）"] * 2
    assert not detail["repeat_relief"] and detail["repeat_relief_cases"] == []
    after = file_of()
    assert (after.name, after.phone, after.village_id) == on_file
    with pytest.raises(Forbidden):  # nor may this clerk confirm the difference into another township's file
        services.review_file_difference(county["actors"]["linhuan"], detail["case_no"], "phone", "confirm")

    county_view = services.detail(county["actors"]["county"], detail["case_no"])  # the county sees it whole
    assert {o["case_no"] for o in county_view["other_applications"]} == {mine["case_no"], paid["case_no"]}
    assert county_view["file"]["name"] == "张秀英"
    assert "487.65" in {o["emergency_aid_amount"] for o in county_view["other_applications"]}


def test_one_account_follows_both_parents_applications_through_chat_and_notices(wechat, county, fake_wechat,
                                                                               fake_sms, notify_app):
    for line in form("俺爹瘫在床上好几年了想申请低保", "李长林", FATHER_ID, "13812340001", "孙疃镇秦口村"):
        wechat.say(line, openid=CHILD)
    father = wechat.say("1", openid=CHILD).split("案件号：")[1][:11]
    offer = wechat.say("俺娘也没有收入，也想申请低保", openid=CHILD)
    assert father in offer and "3 为家里另一个人申请" in offer  # the father's is open: apply for her anyway
    replies = [wechat.say(line, openid=CHILD) for line in
               ["3", "王翠英", MOTHER_ID, "13812340001", "孙疃镇秦口村", "2", "不知道", "0"]]
    assert "姓名" in replies[0] and "王翠英" in replies[-1]
    mother = wechat.say("1", openid=CHILD).split("案件号：")[1][:11]
    assert mother != father
    progress = wechat.say("进度", openid=CHILD)
    assert father in progress and mother in progress and "李**" in progress and "王**" in progress
    assert followers_of(father) == [CHILD] and followers_of(mother) == [CHILD]

    for case_no in (father, mother):
        services.act(county["actors"]["suntuan"], case_no, "accept", {}, None)
    drain(notify_app)
    got = [(m["touser"], m["data"]["character_string1"]["value"]) for m in accepted_templates(fake_wechat)]
    for case_no in (father, mother):  # received and accepted, each, on the one account
        assert got.count((CHILD, case_no)) == 2
    assert fake_sms.sent == []


def test_two_followers_refused_by_wechat_send_the_applications_phone_one_sms_per_notice(
        wechat, county, fake_wechat, fake_sms, notify_app):
    case_no = resident_files(county)["case_no"]
    for openid in (RESIDENT, CHILD):
        assert "绑定成功" in wechat.say(f"绑定 {case_no} 002X", openid=openid)
        fake_wechat.block_user(openid, 43004)
    services.act(county["actors"]["suntuan"], case_no, "accept", {}, None)
    drain(notify_app)
    texts = [m["text"] for m in fake_sms.sent if m["phone"] == "13812345678"]
    assert len(texts) == 2 and "已收到" in texts[0] and "已受理" in texts[1]  # not four
    accepted = db.session.scalars(select(Notification).where(Notification.kind == "accepted")).all()
    assert sorted(r.to_openid or "-" for r in accepted) == sorted([RESIDENT, CHILD])
    assert sum(r.last_error == "同一通知已有短信发往这个手机号，不再重复发送" for r in accepted) == 1


def test_staff_remove_a_follower_and_it_hears_no_more(wechat, county, fake_wechat, fake_sms, notify_app, client):
    case_no = resident_files(county)["case_no"]
    for openid in (RESIDENT, STRANGER):
        assert "绑定成功" in wechat.say(f"绑定 {case_no} 002X", openid=openid)
    services.act(county["actors"]["suntuan"], case_no, "accept", {}, None)  # written for both, not yet sent
    login(client, "suntuan")
    page = client.get(f"/api/v1/applications/{case_no}").get_json()
    stranger = next(f for f in page["followers"] if f["account"].startswith("o_st"))
    assert STRANGER not in str(page["followers"])  # masked for staff too
    removed = client.delete(f"/api/v1/applications/{case_no}/followers/{stranger['id']}")
    assert removed.status_code == 200 and removed.get_json()["followers"][1]["removed_at"]
    again = client.delete(f"/api/v1/applications/{case_no}/followers/{stranger['id']}")
    assert again.status_code == 409
    assert followers_of(case_no) == [RESIDENT]
    assert "不正确" in wechat.say(f"绑定 {case_no} 002X", openid=STRANGER)  # a removed account cannot rebind
    services.act(county["actors"]["suntuan"], case_no, "start_investigation", {}, None)
    drain(notify_app)
    got = [(m["touser"], m["data"]["character_string1"]["value"]) for m in accepted_templates(fake_wechat)]
    assert got == [(RESIDENT, case_no)] * 2 and fake_sms.sent[0]["text"].count("已收到") == 1
    cancelled = db.session.scalars(select(Notification).where(Notification.to_openid == STRANGER)).one()
    assert cancelled.status == "dead" and "关注已被工作人员移除" in cancelled.last_error
    retried = client.post(f"/api/v1/notifications/{cancelled.id}/retry")
    assert retried.status_code == 409 and retried.get_json()["error"]["code"] == "not_following"

    # the only follower removed: what it had not been sent yet goes by SMS to the application's phone
    services.act(county["actors"]["suntuan"], case_no, "start_public_notice", {}, None)
    resident_row = page["followers"][0]["id"]
    client.delete(f"/api/v1/applications/{case_no}/followers/{resident_row}")
    drain(notify_app)
    assert "公示" in fake_sms.sent[-1]["text"] and fake_sms.sent[-1]["phone"] == "13812345678"
    assert len(accepted_templates(fake_wechat)) == 2
    from service.auth.models import AuditRecord

    audited = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "remove_follower")).all()
    assert [(a.target_id, a.outcome) for a in audited] == [(f"{case_no}:{stranger['id']}", "granted"),
                                                           (f"{case_no}:{resident_row}", "granted")]
