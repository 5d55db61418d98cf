"""The worker's scan nudges a resident who paused mid-form, and the nudge reaches WeChat once."""

import datetime as dt

from sqlalchemy import update

from service.chat.models import Conversation
from service.clock import utcnow
from service.extensions import db
from tests.integration.notify.conftest import make_worker
from tests.wechat_client import WeChat


def test_the_worker_sends_one_nudge_to_a_resident_who_paused(notify_app, fake_wechat):
    chat = WeChat(notify_app.test_client(), notify_app.config["WECHAT_TOKEN"], "o_paused_resident")
    chat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英")
    paused = utcnow() - dt.timedelta(hours=3)
    db.session.execute(update(Conversation).values(updated_at=paused, last_inbound_at=paused))
    db.session.commit()
    ten_am = lambda: dt.datetime(2026, 11, 23, 10, 0)  # noqa: E731
    for _ in range(2):  # two scans, e.g. two workers or a restart: still one message
        worker = make_worker(notify_app, beijing_now=ten_am)
        worker.tick()
        worker.run(until_idle=True, max_seconds=20)
    sends = [r for r in fake_wechat.received if r["endpoint"] == "custom_send"]
    assert len(sends) == 1
    body = sends[0]["json"]
    assert body["touser"] == "o_paused_resident" and "18位身份证号码" in body["text"]["content"]


def test_the_worker_scan_empties_forms_idle_past_a_day(notify_app):
    chat = WeChat(notify_app.test_client(), notify_app.config["WECHAT_TOKEN"], "o_gone_resident")
    chat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英")
    gone = utcnow() - dt.timedelta(hours=25)
    db.session.execute(update(Conversation).values(updated_at=gone, last_inbound_at=gone))
    db.session.commit()
    make_worker(notify_app).tick()
    db.session.expire_all()
    conversation = db.session.get(Conversation, "o_gone_resident")
    assert (conversation.step, conversation.data) == ("lapsed", {})
