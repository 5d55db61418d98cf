"""What a resident typed into the chat's form: ID numbers encrypted at rest, the whole form gone after 24 hours."""

import datetime as dt
import json

from sqlalchemy import text, update

from service.chat.models import Conversation
from service.chat.retention import forget_lapsed_forms
from service.clock import utcnow
from service.extensions import db

ID = "11010519491231002X"
FORM = ["俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", ID, "13812345678"]


def _stored(openid: str) -> str:
    db.session.expire_all()
    raw = db.session.execute(text("SELECT data FROM wechat_conversations WHERE openid = :o"), {"o": openid}).scalar()
    return raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)


def test_an_id_number_in_a_half_filled_form_is_encrypted_at_rest_and_still_used(wechat, county):
    wechat.conversation(*FORM)
    stored = _stored(wechat.openid)
    assert ID not in stored and "enc:" in stored and "张秀英" in json.loads(stored)["form"]["name"]
    replies = wechat.conversation("孙疃镇秦口村", "2", "不知道", "0")
    assert "002X" in replies[-1] and ID not in replies[-1]  # the summary shows it, masked
    assert "案件号" in wechat.say("1")  # and the application gets the real number
    from service.intake.applicants import protector
    from service.intake.followers import followed

    [application] = followed(wechat.openid)
    assert protector().decrypt(application.applicant.id_number_encrypted) == ID


def test_a_form_idle_past_a_day_is_emptied_and_the_resident_told_it_lapsed(wechat, county, runner):
    wechat.conversation(*FORM)
    wechat.say("你好", openid="o_idle_resident")
    db.session.execute(update(Conversation).values(updated_at=utcnow() - dt.timedelta(hours=25)))
    db.session.commit()
    assert forget_lapsed_forms(utcnow()) == 1  # the idle one has nothing to forget
    assert "张秀英" not in _stored(wechat.openid) and "enc:" not in _stored(wechat.openid)
    assert forget_lapsed_forms(utcnow()) == 0
    assert "已超过24小时" in wechat.say("张秀英")
    wechat.conversation(*FORM[:3])  # the resident starts again and leaves it a day: the CLI empties it
    db.session.execute(update(Conversation).where(Conversation.openid == wechat.openid)
                       .values(updated_at=utcnow() - dt.timedelta(hours=25)))
    db.session.commit()
    assert "emptied 1 lapsed forms" in runner.invoke(args=["housekeeping"]).output


def test_a_form_inside_its_day_is_kept(wechat, county):
    wechat.conversation(*FORM)
    db.session.execute(update(Conversation).values(updated_at=utcnow() - dt.timedelta(hours=23)))
    db.session.commit()
    assert forget_lapsed_forms(utcnow()) == 0
    assert "欢迎回来" in wechat.say("孙疃镇秦口村")


def test_an_unchanged_id_number_keeps_its_ciphertext_from_turn_to_turn(wechat, county):
    wechat.conversation(*FORM)
    first = json.loads(_stored(wechat.openid))["form"]["id_number"]
    wechat.say("孙疃镇秦口村")
    assert json.loads(_stored(wechat.openid))["form"]["id_number"] == first  # not re-encrypted every message
