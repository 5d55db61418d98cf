"""A resident who stops half-way through the chat's form gets one nudge with the question they left at."""

import datetime as dt

from sqlalchemy import select, update

from service.chat.models import Conversation
from service.chat.reminders import remind_stalled
from service.clock import utcnow
from service.extensions import db
from service.notify.models import Notification

FIRST_WORDS = "俺家老汉瘫在床上好几年了，想吃低保"


def _pause(hours: float, openid: str) -> dt.datetime:
    """Pretend the resident's last message was `hours` ago."""
    at = utcnow() - dt.timedelta(hours=hours)
    db.session.execute(update(Conversation).where(Conversation.openid == openid)
                       .values(updated_at=at, last_inbound_at=at))
    db.session.commit()
    return at


def _nudges() -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.kind == "cs_text")).all()


def test_a_paused_form_gets_one_nudge_with_the_question_it_stopped_at(wechat, county):
    wechat.conversation(FIRST_WORDS, "1", "张秀英")  # name given, the ID number is next
    _pause(3, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 1
    [nudge] = _nudges()
    assert nudge.to_openid == wechat.openid
    assert "低保申请还没填完" in nudge.text and "18位身份证号码" in nudge.text
    assert remind_stalled(utcnow(), beijing_hour=11) == 0  # once per pause
    # the resident answers the question in the nudge, and the form goes on where it was
    reply = wechat.say("11010519491231002X")
    assert "欢迎回来" in reply and "能联系到您的电话" in reply


def test_a_new_pause_after_answering_gets_its_own_nudge(wechat, county):
    wechat.conversation(FIRST_WORDS, "1", "张秀英")
    _pause(3, wechat.openid)
    remind_stalled(utcnow(), beijing_hour=10)
    wechat.say("11010519491231002X")
    _pause(2.5, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 1
    assert "能联系到您的电话" in _nudges()[-1].text


def test_the_summary_step_is_nudged_to_submit(wechat, county):
    wechat.conversation(FIRST_WORDS, "1", "张秀英", "11010519491231002X", "13812345678", "孙疃镇秦口村", "2", "不知道", "0")
    _pause(4, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 1
    assert "回复 1 提交申请" in _nudges()[0].text


def test_no_nudge_too_soon_too_late_at_night_or_outside_a_form(wechat, county):
    wechat.conversation(FIRST_WORDS, "1", "张秀英")
    _pause(1, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 0  # not yet two hours
    _pause(23.5, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 0  # lapses within the hour anyway
    _pause(3, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=22) == 0  # night: the morning scan sends it
    assert remind_stalled(utcnow(), beijing_hour=7) == 0
    wechat.conversation("取消", "1")  # a name typed: 取消 asks first
    _pause(3, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 0  # nothing half-filled
    wechat.say("你好", openid="o_only_greeted")
    _pause(3, "o_only_greeted")
    assert remind_stalled(utcnow(), beijing_hour=10) == 0
    assert _nudges() == []


def test_the_nudge_can_be_switched_off(app, wechat, county):
    app.config["WECHAT_RESUME_REMINDER_HOURS"] = 0
    wechat.conversation(FIRST_WORDS, "1", "张秀英")
    _pause(3, wechat.openid)
    assert remind_stalled(utcnow(), beijing_hour=10) == 0
