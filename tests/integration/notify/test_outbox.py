"""Outbox rows are written in the transaction of the change, say the right thing, and are visible to staff."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from service.errors import InvalidTransition
from service.extensions import db
from service.intake import opening
from service.intake.models import Application
from service.notify import enqueue_cs_text, periodic, record_template_result
from service.notify.models import DEAD, DELIVERED, PENDING, SENT, Notification
from tests.conftest import login
from tests.integration.notify.conftest import NOTICE_OVER, TODAY, drain, rows


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_every_milestone_writes_its_notice_in_order(notify_app, cases):
    case_no = cases.open()
    cases.act(case_no, "accept")
    cases.act(case_no, "request_materials", missing=["户口簿", "家庭经济状况核对授权书", "诊断证明"])
    cases.act(case_no, "receive_materials")
    cases.act(case_no, "start_investigation")
    cases.act(case_no, "start_public_notice")
    cases.after_notice(case_no)
    cases.act(case_no, "approve", who="county", amount="680", first_month="2026-12", today=NOTICE_OVER,
              confirm_missing=True)
    found = rows()
    assert [r.kind for r in found] == [
        "received", "accepted", "materials_needed", "materials_received", "investigation_started",
        "public_notice_started", "county_review", "approved"]
    assert {r.ordering_key for r in found} == {found[0].ordering_key}
    assert all(r.status == PENDING and r.channel == "applicant" for r in found)
    assert "3项材料：户口簿、家庭经济状况核对授权书、诊断证明" in found[2].text
    assert "每月680元，2026年12月起发放" in found[-1].text
    assert found[-1].fields["character_string1"] == case_no and found[-1].template_id == "TPL-PROGRESS"
    assert found[0].sms_sign == "【濉溪县民政局】"


def test_rejection_transfer_referral_and_first_aid_are_told(notify_app, cases):
    rejected = cases.open()
    cases.act(rejected, "reject", reason="家庭人均收入高于本县低保标准")
    moved = cases.open(intake="temporary_relief")
    cases.act(moved, "transfer", to_intake="dibao")
    referred = cases.open(intake="child_welfare")
    cases.act(referred, "refer", department="县人社局劳动保障监察大队", contact="0561-6012345")
    urgent = cases.open(intake="temporary_relief", urgent=True)
    cases.act(urgent, "emergency_aid", amount="500")
    texts = {r.kind: r.text for r in rows() if r.kind != "received"}
    assert "理由：家庭人均收入高于本县低保标准" in texts["rejected"] and "行政复议" in texts["rejected"]
    assert "转为低保申请，由孙疃镇民政窗口继续办理" in texts["transferred"]
    assert "县人社局劳动保障监察大队（0561-6012345）" in texts["referred"]
    assert "已先行发给您救助金500元" in texts["emergency_aid_paid"]


def test_a_refused_change_writes_no_notice(notify_app, cases):
    case_no = cases.open()
    before = count()
    with pytest.raises(InvalidTransition):
        cases.act(case_no, "approve", who="county", amount="680", first_month="2026-12")
    assert count() == before


def test_a_use_case_that_fails_after_the_notice_was_written_leaves_no_notice(notify_app, county, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("presenter failed after the rows were flushed")

    monkeypatch.setattr(opening, "application_detail", boom)
    payload = {"phone": "13812345678", "name": "张秀英", "village_id": county["villages"]["秦口村"],
               "intake": "dibao", "description": "老伴瘫痪在床，家里没有收入"}
    with pytest.raises(RuntimeError):
        opening.open_application(county["actors"]["hotline"], payload, channel="hotline", today=TODAY)
    assert count() == 0
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_overdue_apology_once_per_step(notify_app, cases):
    case_no = cases.open(today=dt.date(2026, 11, 2))  # due to be accepted by 11月5日
    later = dt.date(2026, 11, 23)
    assert periodic.enqueue_overdue_apologies(later) == 1
    assert periodic.enqueue_overdue_apologies(later) == 0
    apology = rows(kind="overdue_apology")[0]
    assert "“决定是否受理”这一步已超过办理期限（原定11月5日前）" in apology.text
    cases.act(case_no, "accept", today=dt.date(2026, 11, 6))  # next step due 11月11日
    assert periodic.enqueue_overdue_apologies(later) == 1
    assert [r.kind for r in rows()] == ["received", "overdue_apology", "accepted", "overdue_apology"]
    assert periodic.enqueue_overdue_apologies(dt.date(2026, 11, 10)) == 0  # the new step is not late yet


def test_cases_already_apologised_for_never_crowd_out_newer_overdue_ones(notify_app, cases):
    for _ in range(6):
        cases.open(today=dt.date(2026, 11, 2))
    later = dt.date(2026, 11, 23)
    # one per scan: each scan must reach a case not yet apologised to, however many came before
    assert [periodic.enqueue_overdue_apologies(later, limit=1) for _ in range(7)] == [1] * 6 + [0]
    assert len(rows(kind="overdue_apology")) == 6


def test_morning_digest_for_window_staff_once_per_working_day(notify_app, cases):
    cases.open(urgent=True, intake="temporary_relief")  # urgent, due the same day, nobody has touched it
    late = cases.open(today=dt.date(2026, 11, 2))
    assert periodic.enqueue_staff_digests(TODAY) == 0  # nobody has a phone for it yet
    periodic.set_staff_target("suntuan", "13700001111")
    periodic.set_staff_target("linhuan", "13700002222")  # 临涣镇 has nothing due: no message
    assert periodic.enqueue_staff_digests(TODAY) == 1
    assert periodic.enqueue_staff_digests(TODAY) == 0
    assert periodic.enqueue_staff_digests(dt.date(2026, 11, 28)) == 0  # a Saturday
    digest = rows(kind="staff_digest")[0]
    assert digest.to_phone == "13700001111" and digest.channel == "sms"
    assert "孙疃镇今日待办：今天到期1件，已超期1件，紧急未处理1件" in digest.text
    assert late in digest.text


def test_staff_digest_goes_out_by_sms(notify_app, cases, fake_sms):
    cases.open(today=dt.date(2026, 11, 2))
    periodic.set_staff_target("suntuan", "13700001111")
    periodic.enqueue_staff_digests(TODAY)
    drain(notify_app)
    texts = {m["phone"]: m["text"] for m in fake_sms.sent}
    assert texts["13700001111"].startswith("【濉溪县民政局】王芳，孙疃镇今日待办")


def test_customer_service_text_goes_through_the_outbox(notify_app, cases, fake_wechat):
    case_no = cases.open(openid="o-chat-user")
    app_id = db.session.scalar(select(Application.id).where(Application.case_no == case_no))
    enqueue_cs_text("o-chat-user", "您好，材料照片已收到。\n工作人员会尽快查看。", application_id=app_id)
    drain(notify_app)
    sent = [r["json"] for r in fake_wechat.calls("custom_send") if r["status"] == 200]
    assert sent == [{"touser": "o-chat-user", "msgtype": "text",
                     "text": {"content": "您好，材料照片已收到。 工作人员会尽快查看。"}}]


def test_templatesendjobfinish_marks_delivery_or_falls_back(notify_app, cases, fake_sms):
    first = cases.open(openid="o-a")
    second = cases.open(openid="o-b")
    drain(notify_app)
    by_case = {db.session.get(Application, r.application_id).case_no: r for r in rows()}
    assert all(r.status == SENT and r.wechat_msgid for r in by_case.values())
    assert record_template_result("o-a", by_case[first].wechat_msgid, "success")
    assert record_template_result("o-b", by_case[second].wechat_msgid, "failed:user block")
    assert not record_template_result("o-a", 999999, "success")
    assert not record_template_result("o-b", by_case[first].wechat_msgid, "success")  # someone else's msgid
    db.session.expire_all()
    assert by_case[first].status == DELIVERED and by_case[first].delivery_status == "success"
    assert by_case[second].status == PENDING and by_case[second].channel == "sms"
    drain(notify_app)
    assert [m["text"] for m in fake_sms.sent if second in m["text"]]


def test_staff_see_their_townships_dead_letters_and_retry_them(notify_app, cases, client, fake_wechat):
    case_no = cases.open(openid="o-unfollowed-user", phone=None)
    fake_wechat.block_user("o-unfollowed-user", 43004)
    drain(notify_app)
    dead = rows(status=DEAD)
    assert len(dead) == 1
    assert dead[0].last_error == "申请人未关注公众号（43004），且没有登记手机号"

    login(client, "linhuan")
    assert client.get("/api/v1/notifications").json["items"] == []  # another township's
    assert client.post(f"/api/v1/notifications/{dead[0].id}/retry").status_code == 403
    client.post("/api/v1/auth/logout")

    login(client, "suntuan")
    listed = client.get("/api/v1/notifications?status=dead").json
    assert listed["counts"]["dead"] == 1
    item = listed["items"][0]
    assert item["case_no"] == case_no and item["kind_label"] == "申请已收到" and "43004" in item["last_error"]
    assert item["recipient"] == "o-un…er"
    fake_wechat.block_user("o-unfollowed-user", None)  # the applicant follows the account again
    again = client.post(f"/api/v1/notifications/{dead[0].id}/retry")
    assert again.status_code == 200 and again.json["status"] == "pending"
    assert client.post(f"/api/v1/notifications/{dead[0].id}/retry").json["error"]["code"] == "not_dead"
    drain(notify_app)
    assert rows()[0].status == SENT and rows()[0].sent_via == "wechat_template"
    assert client.get("/api/v1/notifications?status=bogus").status_code == 422


def test_a_delivery_receipt_posted_to_the_wechat_callback_marks_the_notice_delivered(notify_app, cases, client):
    from service.wechat.callback import signed_request

    cases.open(openid="o-receipt-user-01")
    drain(notify_app)
    row = rows()[0]
    xml = ("<xml><ToUserName><![CDATA[gh_relief_demo]]></ToUserName>"
           "<FromUserName><![CDATA[o-receipt-user-01]]></FromUserName><CreateTime>1700000000</CreateTime>"
           "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"
           f"<MsgID>{row.wechat_msgid}</MsgID><Status><![CDATA[success]]></Status></xml>")
    query, body = signed_request(notify_app.config["WECHAT_TOKEN"], xml)
    response = client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")
    assert response.status_code == 200 and response.get_data(as_text=True) == "success"
    assert rows()[0].status == DELIVERED and rows()[0].delivered_at is not None
