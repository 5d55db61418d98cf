"""A photo sent in the chat reaches the case as stored bytes: fetched later by the worker, never in the
callback, whether it came mid-form (kept as pending_media until submit) or after."""

from sqlalchemy import select

from service.devtools.fake_api import sample_png
from service.extensions import db
from service.intake.models import Attachment, AttachmentFile
from tests.integration.chat.test_chat import DIBAO
from tests.integration.notify.conftest import drain, fast_config


def test_a_photo_sent_mid_form_is_attached_at_submit_and_fetched_by_the_worker(app, wechat, county,
                                                                              fake_wechat, fake_sms):
    app.config.update(fast_config(fake_wechat, fake_sms))
    wechat.conversation(*DIBAO[:4])
    assert "一起作为材料" in wechat.say("/image")  # kept in the conversation until the form is sent
    assert db.session.scalars(select(Attachment)).all() == []
    wechat.conversation(*DIBAO[4:])
    assert "案件号" in wechat.say("1")
    assert fake_wechat.calls("media_get") == []  # the callback answered without asking WeChat
    drain(app)
    db.session.expire_all()
    photo = db.session.scalars(select(Attachment)).one()
    assert photo.fetch_status == "stored" and db.session.get(AttachmentFile, photo.id).data == sample_png()
    assert len(fake_wechat.calls("media_get")) == 1
