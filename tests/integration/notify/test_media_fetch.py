"""Chat photos fetched from WeChat's media API by the worker (never in the callback), through the fake."""

from sqlalchemy import select

from service.devtools.fake_api import sample_png
from service.extensions import db
from service.intake import resident
from service.intake.models import Attachment, AttachmentFile
from service.notify.models import DEAD, MEDIA_FETCH, SENT
from tests.integration.notify.conftest import drain, rows

OPENID = "o-photo-0001"


def attachment() -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment)).one()


def test_the_worker_fetches_a_chat_photo_and_stores_its_bytes(notify_app, cases, fake_wechat):
    fake_wechat.add_media("MEDIA-OK-1")
    case_no = cases.open(openid=OPENID)
    assert resident.attach(OPENID, "image", "MEDIA-OK-1", "http://mmbiz.example/p.jpg") == case_no
    # recorded in the attaching transaction, fetched only by the worker
    assert attachment().fetch_status == "pending" and fake_wechat.calls("media_get") == []
    assert [r.kind for r in rows(kind=MEDIA_FETCH)] == [MEDIA_FETCH]
    drain(notify_app)
    stored = db.session.get(AttachmentFile, attachment().id)
    assert stored.data == sample_png() and stored.content_type == "image/png" and stored.size == len(sample_png())
    assert attachment().fetch_status == "stored" and rows(kind=MEDIA_FETCH)[0].status == SENT
    assert [c["query"]["media_id"] for c in fake_wechat.calls("media_get")] == ["MEDIA-OK-1"]


def test_a_busy_wechat_is_retried_with_back_off_until_the_photo_arrives(notify_app, cases, fake_wechat):
    fake_wechat.add_media("MEDIA-OK-2")
    fake_wechat.fail("media_get", -1, times=2)
    cases.open(openid=OPENID)
    resident.attach(OPENID, "image", "MEDIA-OK-2", None)
    drain(notify_app)
    assert len(fake_wechat.calls("media_get")) == 3
    assert attachment().fetch_status == "stored" and db.session.get(AttachmentFile, attachment().id) is not None


def test_an_expired_media_id_is_a_visible_failure_not_an_endless_retry(notify_app, cases, fake_wechat):
    cases.open(openid=OPENID)
    resident.attach(OPENID, "image", "MEDIA-EXPIRED", None)
    drain(notify_app)
    assert len(fake_wechat.calls("media_get")) == 1  # 40007 is final: asked once
    row = rows(kind=MEDIA_FETCH)[0]
    assert row.status == DEAD and "图片已过期或无效，请联系居民重新发送" in row.last_error
    assert attachment().fetch_status == "failed" and "请联系居民重新发送" in attachment().fetch_error
    assert db.session.get(AttachmentFile, attachment().id) is None


def test_something_that_is_not_an_image_is_never_stored(notify_app, cases, fake_wechat):
    fake_wechat.add_media("MEDIA-HTML", b"<html><script>alert(1)</script></html>", "image/png")
    cases.open(openid=OPENID)
    resident.attach(OPENID, "image", "MEDIA-HTML", None)
    drain(notify_app)
    assert attachment().fetch_status == "failed" and db.session.get(AttachmentFile, attachment().id) is None


def test_a_photo_fetch_never_falls_back_to_sms_or_waits_behind_the_notices(notify_app, cases, fake_wechat, fake_sms):
    fake_wechat.add_media("MEDIA-OK-3")
    case_no = cases.open(openid=OPENID, phone="13812345678")
    cases.act(case_no, "accept")
    resident.attach(OPENID, "image", "MEDIA-OK-3", None)
    drain(notify_app)
    assert attachment().fetch_status == "stored"
    assert all(r.status == SENT for r in rows())
    assert fake_sms.sent == []
