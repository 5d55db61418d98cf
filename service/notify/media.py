"""Chat photos fetched from WeChat's media API by the notification worker, never in the callback.

When intake records a chat photo (events.AttachmentRecorded, subscribed at the root) an outbox row of
kind MEDIA_FETCH is written in that transaction; the worker claims it like a notice (lease, back-off,
dead letter), fetches the bytes through the MediaFetcher port (wechat_sender.WeChatMediaFetcher, chosen
at the root) and stores them here. WeChat keeps temporary media only 3 days: an expired or unknown id is
a permanent failure the staff see on the case (图片已过期或无效，请联系居民重新发送), not an endless retry.

Storage: the bytes go to the database (intake.models.AttachmentFile), not the instance folder: the row
and the outbox outcome commit together (no orphan files, no photo without its row), any worker on any
machine can store and any web process serve them, and the database backup holds them. A case has a few
photos of at most MAX_BYTES each, well within what a bytea/BLOB column handles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import update

from service.extensions import db
from service.intake.attachments import MAX_BYTES, image_type
from service.intake.models import FETCH_PENDING, FETCH_STORED, Application, Attachment, AttachmentFile
from service.notify.models import MEDIA_FETCH, SENT, WECHAT_MEDIA, Notification
from service.notify.queue import record_dead, settle_row
from service.unit_of_work import use_case

EXPIRED = "图片已过期或无效，请联系居民重新发送"
NOT_AN_IMAGE = "微信返回的不是JPEG、PNG或GIF图片"


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str  # as WeChat labelled it


class MediaFetcher(Protocol):
    def fetch(self, media_id: str) -> Media:
        """The media's bytes; raises sender.SendFailed (RETRY or DEAD) like a sender port."""


def on_attachment_recorded(event) -> None:
    """events.AttachmentRecorded: a chat photo's fetch joins the outbox, in the attaching transaction."""
    attachment = event.attachment
    if attachment.fetch_status != FETCH_PENDING or not attachment.media_id:
        return
    app = db.session.get(Application, attachment.application_id)
    db.session.add(Notification(
        kind=MEDIA_FETCH, ordering_key=f"m{attachment.id}", county_id=app.county_id, township_id=app.township_id,
        application_id=app.id, channel=WECHAT_MEDIA, text="",
        fields={"attachment_id": attachment.id, "media_id": attachment.media_id},
    ))


def record_stored(job, now: dt.datetime, media: Media) -> bool:
    """The fetched bytes and the row's outcome in one transaction (nothing if the lease was lost)."""
    ctype = image_type(media.content)
    if ctype is None or len(media.content) > MAX_BYTES:
        return record_dead(job, now, error=NOT_AN_IMAGE if ctype is None else "图片超过10MB")
    attachment_id = int(job.fields["attachment_id"])
    with use_case() as uow:
        if not settle_row(job, now, {"status": SENT, "sent_via": WECHAT_MEDIA, "sent_at": now, "last_error": None}):
            return False
        if db.session.get(AttachmentFile, attachment_id) is None:  # a resend after a lost outcome
            db.session.add(AttachmentFile(attachment_id=attachment_id, content_type=ctype, size=len(media.content),
                                          data=media.content, stored_at=now))
        db.session.execute(update(Attachment).where(Attachment.id == attachment_id)
                           .values(fetch_status=FETCH_STORED, fetch_error=None))
        uow.commit()
        return True

