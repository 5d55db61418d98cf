"""转人工: what the chat hands to a person is kept, staff see it, and their answer reaches the resident."""

import datetime as dt

from sqlalchemy import select, update

from service.chat.models import Conversation
from service.clock import utcnow
from service.extensions import db
from service.handoffs.models import Handoff
from service.notify.models import Notification
from tests.conftest import login

REPORT = "我要举报村里有人骗低保"


def _handoffs():
    db.session.expire_all()
    return db.session.scalars(select(Handoff).order_by(Handoff.id)).all()


def test_asking_for_a_person_keeps_what_the_resident_said(wechat, county):
    wechat.say("俺家老汉瘫在床上好几年了，俺一个人种二亩地，想吃低保")
    assert "已转给工作人员" in wechat.say("人工")
    [handoff] = _handoffs()
    assert (handoff.reason, handoff.status, handoff.openid) == ("asked", "open", wechat.openid)
    assert "老汉瘫在床上" in handoff.text


def test_an_unanswerable_message_opens_one_thread_and_later_ones_join_it(wechat, county):
    assert "已转给工作人员" in wechat.say(REPORT)
    assert "已转给工作人员" in wechat.say("他家有两套房还开着小车")
    [handoff] = _handoffs()
    assert handoff.reason == "unanswered"
    assert REPORT in handoff.text and "两套房" in handoff.text
    # an answerable question is answered, not queued
    assert "办公时间" in wechat.say("办事大厅几点上班")
    assert "几点上班" not in _handoffs()[0].text


def test_none_of_these_hands_the_first_words_to_a_person(wechat, county):
    assert "回复 1 确认" in wechat.say("俺家老汉瘫在床上好几年了，想吃低保")
    assert "都不是" in wechat.say("2")  # not that one: all three intakes and "none of these" (4)
    assert "已转给工作人员" in wechat.say("4")
    [handoff] = _handoffs()
    assert handoff.reason == "no_intake" and "想吃低保" in handoff.text


def test_a_retried_delivery_is_kept_once(wechat, county):
    from service.devtools.simulator import inbound_xml

    xml = inbound_xml(REPORT, wechat.openid)
    assert wechat.post_xml(xml).status_code == 200
    assert wechat.post_xml(xml).status_code == 200
    [handoff] = _handoffs()
    assert handoff.text.count(REPORT) == 1


def test_staff_answer_goes_out_as_a_customer_service_message_once(wechat, county, client):
    wechat.say(REPORT)
    login(client, "hotline")
    listed = client.get("/api/v1/handoffs").json
    assert listed["counts"] == {"open": 1, "answered": 0, "closed": 0}
    item = listed["items"][0]
    assert item["text"] == REPORT and item["window_open"] is True
    assert wechat.openid not in item["resident"]  # masked
    answer = "您好，举报请拨打 12345 或到镇政府纪检办，我们会核查。"
    response = client.post(f"/api/v1/handoffs/{item['id']}/answer", json={"answer": answer})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "answered"
    [row] = db.session.scalars(select(Notification).where(Notification.kind == "cs_text")).all()
    assert (row.to_openid, row.text) == (wechat.openid, answer)
    again = client.post(f"/api/v1/handoffs/{item['id']}/answer", json={"answer": "重复"})
    assert again.status_code == 409 and again.json["error"]["message"] == "这条留言已回复，请刷新"
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.kind == "cs_text")) == 1
    assert client.get("/api/v1/handoffs").json["counts"] == {"open": 0, "answered": 1, "closed": 0}


def test_bad_answers_and_the_wrong_people_are_refused(wechat, county, client):
    wechat.say(REPORT)
    handoff_id = _handoffs()[0].id
    login(client, "suntuan")  # a township window clerk: the account is county-wide
    assert client.get("/api/v1/handoffs").status_code == 403
    login(client, "county")
    empty = client.post(f"/api/v1/handoffs/{handoff_id}/answer", json={"answer": "  "})
    assert empty.status_code == 422 and "answer" in empty.json["error"]["fields"]
    long = client.post(f"/api/v1/handoffs/{handoff_id}/answer", json={"answer": "字" * 601})
    assert long.status_code == 422
    assert client.post("/api/v1/handoffs/999999/answer", json={"answer": "好"}).status_code == 404
    assert client.get("/api/v1/handoffs?status=nonsense").status_code == 422
    assert _handoffs()[0].status == "open"
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.kind == "cs_text")) == 0


def test_after_48_hours_the_answer_needs_a_phone(wechat, county, client):
    wechat.say(REPORT)
    db.session.execute(update(Conversation).values(last_inbound_at=utcnow() - dt.timedelta(hours=49)))
    db.session.commit()
    login(client, "hotline")
    handoff_id = client.get("/api/v1/handoffs").json["items"][0]["id"]
    refused = client.post(f"/api/v1/handoffs/{handoff_id}/answer", json={"answer": "您好"})
    assert refused.status_code == 409 and "48 小时" in refused.json["error"]["message"]
    assert _handoffs()[0].status == "open"


def test_closing_sends_nothing(wechat, county, client):
    wechat.say(REPORT)
    login(client, "hotline")
    handoff_id = _handoffs()[0].id
    assert client.post(f"/api/v1/handoffs/{handoff_id}/close").json["status"] == "closed"
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.kind == "cs_text")) == 0
    # the resident writing again opens a new thread rather than reopening the closed one
    wechat.say("他家有两套房还开着小车")
    assert [h.status for h in _handoffs()] == ["closed", "open"]


def test_staff_see_the_residents_cases_and_masked_phone_beside_the_message(wechat, county, client):
    reply = wechat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", "11010519491231002X",
                                "13812345678", "孙疃镇秦口村", "2", "不知道", "0", "1")[-1]
    case_no = reply.split("案件号：")[1][:11]
    wechat.say("人工")
    wechat.say(REPORT, openid="o_someone_else")
    login(client, "county")
    items = {i["resident"]: i for i in client.get("/api/v1/handoffs").json["items"]}
    mine = next(i for i in items.values() if i["cases"])
    assert mine["cases"] == [{"case_no": case_no, "status_label": "待受理"}]
    assert mine["phone"] != "13812345678" and mine["phone"].startswith("138") and mine["phone"].endswith("5678")
    other = next(i for i in items.values() if not i["cases"])
    assert other["phone"] is None and other["text"] == REPORT


def test_after_48_hours_an_answer_is_accepted_with_the_phone_on_file_for_the_sms_fallback(wechat, county, client):
    wechat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", "11010519491231002X",
                        "13812345678", "孙疃镇秦口村", "2", "不知道", "0", "1")
    wechat.say("人工")
    db.session.execute(update(Conversation).values(last_inbound_at=utcnow() - dt.timedelta(hours=49)))
    db.session.commit()
    login(client, "hotline")
    item = client.get("/api/v1/handoffs").json["items"][0]
    assert item["window_open"] is False and item["phone"] == "138****5678"
    response = client.post(f"/api/v1/handoffs/{item['id']}/answer", json={"answer": "您好，已转给孙疃镇。"})
    assert response.status_code == 200, response.json
    [row] = db.session.scalars(select(Notification).where(Notification.kind == "cs_text")).all()
    assert (row.to_openid, row.to_phone, row.text) == (wechat.openid, "13812345678", "您好，已转给孙疃镇。")


def test_chasing_an_application_in_an_emergency_notes_it_on_the_case_and_puts_it_first_for_staff(wechat, county, client):
    from service.intake.models import Application, ApplicationEvent

    wechat.say(REPORT, openid="o_someone_else")  # an older, ordinary thread
    reply = wechat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", "11010519491231002X",
                                "13812345678", "孙疃镇秦口村", "2", "不知道", "0", "1")[-1]
    case_no = reply.split("案件号：")[1][:11]
    chase = "俺的低保批了没有 老汉今天又犯病住院了 医院催着交钱"
    answer = wechat.say(chase)
    assert answer.startswith("您说的情况很紧急") and f"补充到申请 {case_no}" in answer
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    notes = db.session.scalars(select(ApplicationEvent.note).where(
        ApplicationEvent.application_id == app.id, ApplicationEvent.action == "resident_note")).all()
    assert notes == [chase]
    login(client, "hotline")
    first = client.get("/api/v1/handoffs").json["items"][0]
    assert first["text"] == chase and first["cases"][0]["case_no"] == case_no  # urgent before the older one
    assert first["reason_label"] == "紧急情况，请尽快联系"
