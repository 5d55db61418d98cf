"""Delivery through the real local fakes: channels, fallback, retries, dead letters, crashes, outages."""

import datetime as dt
from collections import defaultdict

from sqlalchemy import update

from service.clock import utcnow
from service.extensions import db
from service.intake.models import Application
from service.notify import queue
from service.notify.adapters import adapters
from service.notify.channels import Channels
from service.notify.models import DEAD, PENDING, SENDING, SENT, Notification
from tests.integration.notify.conftest import TEMPLATE, accepted_templates, drain, make_worker, rows


def case_of(row) -> str:
    return db.session.get(Application, row.application_id).case_no


def test_a_followers_approval_arrives_as_a_template_message(notify_app, cases, fake_wechat, fake_sms):
    case_no = cases.open(openid="o-follower-0001")
    cases.approve_dibao(case_no)
    drain(notify_app)
    sent = accepted_templates(fake_wechat)
    assert [m["touser"] for m in sent] == ["o-follower-0001"] * 6
    approval = sent[-1]
    assert approval["template_id"] == TEMPLATE
    assert approval["data"]["character_string1"] == {"value": case_no}
    assert approval["data"]["thing3"] == {"value": "每月680元，2026年12月起发放"}
    assert approval["client_msg_id"] == rows()[-1].idempotency_key
    assert fake_sms.sent == []
    assert all(r.status == SENT and r.sent_via == "wechat_template" and r.wechat_msgid for r in rows())


def test_a_hotline_callers_approval_arrives_by_sms(notify_app, cases, fake_wechat, fake_sms):
    case_no = cases.open(phone="13812345678")
    cases.approve_dibao(case_no)
    drain(notify_app)
    assert fake_wechat.calls("template_send") == []
    texts = [m["text"] for m in fake_sms.sent if m["phone"] == "13812345678"]
    assert len(texts) == 6 and all(t.startswith("【濉溪县民政局】") for t in texts)
    assert f"低保申请（案件号{case_no}）：您的申请已批准：每月680元，2026年12月起发放" in texts[-1]
    assert [m["idempotency_key"] for m in fake_sms.sent] == [r.idempotency_key for r in rows()]


def test_unfollowed_wechat_user_with_a_phone_falls_back_to_sms(notify_app, cases, fake_wechat, fake_sms):
    cases.open(openid="o-unfollowed-0001", phone="13812345678")
    fake_wechat.block_user("o-unfollowed-0001", 43004)
    drain(notify_app)
    [row] = rows()
    assert row.status == SENT and row.sent_via == "sms" and row.fallback_reason == "申请人未关注公众号（43004）"
    assert [m["phone"] for m in fake_sms.sent] == ["13812345678"]
    assert [r["status"] for r in fake_wechat.calls("template_send")] == [200]  # tried once, refused


def test_refused_notices_and_a_bad_openid_fall_back_too(notify_app, cases, fake_wechat, fake_sms):
    cases.open(openid="o-refuses-00001", phone="13812340001")
    cases.open(openid="o-bad-openid-001", phone="13812340002")
    fake_wechat.block_user("o-refuses-00001", 43101)
    fake_wechat.block_user("o-bad-openid-001", 40003)
    drain(notify_app)
    assert sorted(m["phone"] for m in fake_sms.sent) == ["13812340001", "13812340002"]
    assert sorted(r.fallback_reason for r in rows()) == sorted(["申请人拒收公众号消息（43101）", "微信用户标识无效（40003）"])


def test_unfollowed_wechat_user_without_a_phone_is_dead_lettered_with_the_reason(notify_app, cases, fake_wechat,
                                                                                  fake_sms):
    cases.open(openid="o-unfollowed-0002", phone=None)
    fake_wechat.block_user("o-unfollowed-0002", 43004)
    drain(notify_app)
    [row] = rows()
    assert row.status == DEAD and row.last_error == "申请人未关注公众号（43004），且没有登记手机号"
    assert fake_sms.received == []


def test_transient_failures_retry_then_dead_letter_at_the_limit(notify_app, cases, fake_sms):
    notify_app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    cases.open(phone="13812345678")
    fake_sms.fail("send", http_status=503, times=10)
    drain(notify_app)
    [row] = rows()
    assert row.status == DEAD and row.attempts == 3
    assert row.last_error.startswith("重试3次仍失败：短信网关暂时不可用（HTTP 503）")
    assert len(fake_sms.received) == 3
    assert len({r["json"]["idempotency_key"] for r in fake_sms.received}) == 1


def test_a_busy_wechat_is_retried_with_back_off_and_the_same_idempotency_key(notify_app, cases, fake_wechat):
    # -1 (busy) backs off and counts as an attempt; 45011 (minute quota) pauses the account, and does not count
    cases.open(openid="o-follower-0002")
    fake_wechat.fail("template_send", -1, times=2)
    fake_wechat.fail("template_send", 45011, times=1)
    drain(notify_app)
    calls = fake_wechat.calls("template_send")
    assert [(r["response"] or {}).get("errcode") for r in calls] == [-1, -1, 45011, 0]
    assert len({r["json"]["client_msg_id"] for r in calls}) == 1
    gaps = [b["time"] - a["time"] for a, b in zip(calls, calls[1:], strict=False)]
    assert gaps[0] >= 0.025 and gaps[1] >= 0.05  # base 0.05 s, doubling, equal jitter
    assert gaps[2] >= notify_app.config["NOTIFY_RATE_PAUSE_SECONDS"]
    assert rows()[0].status == SENT and rows()[0].attempts == 3


def test_a_crash_between_send_and_record_resends_with_the_same_key_once_the_lease_expires(
        notify_app, cases, fake_wechat, monkeypatch):
    cases.open(openid="o-follower-0003")
    db.session.commit()

    class Killed(BaseException):
        pass

    def die(*_args, **_kwargs):
        raise Killed()

    with monkeypatch.context() as patch:
        patch.setattr(queue, "record_sent", die)
        patch.setattr(queue, "record_sent_many", die)  # the worker records a bunch of sends at once
        worker = make_worker(notify_app)
        try:
            with notify_app.app_context():
                worker.run_once()
        except Killed:
            pass
    assert rows()[0].status == SENDING
    assert make_worker(notify_app).run_once() == 0  # the lease still runs: nobody takes it over
    lease = notify_app.config["NOTIFY_LEASE_SECONDS"]
    later = lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=lease + 1)  # noqa: E731
    with notify_app.app_context():
        assert make_worker(notify_app, now=later).run_once() == 1
    calls = accepted_templates(fake_wechat)
    assert len(calls) == 2 and calls[0]["client_msg_id"] == calls[1]["client_msg_id"]  # WeChat shows it once
    row = rows()[0]
    assert row.status == SENT and row.attempts == 2


def test_wechat_down_for_a_stretch_then_back_every_notice_arrives_in_order(notify_app, cases, fake_wechat):
    notify_app.config["NOTIFY_MAX_ATTEMPTS"] = 100
    openids = [f"o-outage-{i:04d}" for i in range(4)]
    for openid in openids:
        case_no = cases.open(openid=openid)
        for action in ("accept", "start_investigation", "start_public_notice"):
            cases.act(case_no, action)
    adapters(notify_app).wechat().access_token()  # a shared token already in the store, as in production
    fake_wechat.fail("*", down=True, duration=1.5)
    drain(notify_app, workers=2)
    expected = defaultdict(list)
    for row in rows():
        expected[row.ordering_key].append(row.idempotency_key)
    assert len(rows()) == 16 and all(r.status == SENT for r in rows())
    got = defaultdict(list)
    for message in accepted_templates(fake_wechat):
        got[message["touser"]].append(message["client_msg_id"])
    assert sorted(map(tuple, got.values())) == sorted(map(tuple, expected.values()))  # once each, in order
    dropped = [r for r in fake_wechat.calls("template_send") if r["status"] is None]
    assert dropped and max(r.attempts for r in rows()) > 1, "the outage was not felt"


def test_outstanding_rows_keep_an_until_idle_worker_waiting_for_their_back_off(notify_app, cases, fake_sms):
    cases.open(phone="13812345678")
    fake_sms.fail("send", http_status=500, times=1)
    drain(notify_app)
    assert rows()[0].status == SENT and len(fake_sms.sent) == 1
    assert queue.unsettled_count() == 0


def test_no_gateway_configured_dead_letters_sms_with_the_reason(notify_app, cases):
    notify_app.config["SMS_GATEWAY_URL"] = ""
    cases.open(phone="13812345678")
    drain(notify_app)
    assert rows()[0].status == DEAD and "SMS_GATEWAY_URL" in rows()[0].last_error


def test_without_a_template_id_followers_get_sms(notify_app, cases, fake_wechat, fake_sms):
    notify_app.config["NOTIFY_TEMPLATE_ID"] = ""
    cases.open(openid="o-follower-0004", phone="13812345678")
    drain(notify_app)
    assert fake_wechat.calls("template_send") == [] and len(fake_sms.sent) == 1
    assert rows()[0].status == SENT and rows()[0].sent_via == "sms"


def test_a_later_notice_waits_for_an_earlier_one_in_back_off(notify_app, cases, fake_sms):
    notify_app.config["NOTIFY_BACKOFF_BASE_SECONDS"] = 60.0
    case_no = cases.open(phone="13812345678")
    cases.act(case_no, "accept")
    fake_sms.fail("send", http_status=503, times=1)
    db.session.commit()
    with notify_app.app_context():
        worker = make_worker(notify_app)
        assert worker.run_once() == 1  # the first notice fails and waits 30-60 s
        assert worker.run_once() == 0  # the acceptance may not overtake it
    assert [r.status for r in rows()] == [PENDING, PENDING]
    db.session.execute(update(Notification).values(next_attempt_at=utcnow()))  # time passes
    drain(notify_app)
    assert ["已收到" in m["text"] for m in fake_sms.sent] == [True, False]
    assert "已受理" in fake_sms.sent[1]["text"]


def test_an_unexpected_error_on_one_row_does_not_stop_the_others(notify_app, cases, fake_sms, monkeypatch):
    notify_app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    cases.open(phone="13800000001")
    cases.open(phone="13800000002")
    real_send = Channels.send

    def flaky(self, job, channel):
        if job.phone == "13800000001":
            raise RuntimeError("bug")
        return real_send(self, job, channel)

    monkeypatch.setattr(Channels, "send", flaky)
    drain(notify_app)
    broken, fine = rows()
    assert fine.status == SENT and [m["phone"] for m in fake_sms.sent] == ["13800000002"]
    assert broken.status == DEAD and broken.last_error == "已尝试2次仍未发出（发送进程中断或内部错误）"
