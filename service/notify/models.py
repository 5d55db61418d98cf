"""The notification outbox, the staff's notification targets and the shared WeChat access token."""

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db

# Row states. pending: due at next_attempt_at; sending: claimed by a worker until lease_until;
# sent: accepted by WeChat / the gateway; delivered: WeChat's TEMPLATESENDJOBFINISH said success;
# dead: given up (last_error says why), until a staff member retries it.
PENDING, SENDING, SENT, DELIVERED, DEAD = "pending", "sending", "sent", "delivered", "dead"
UNSETTLED = (PENDING, SENDING)
_UNSETTLED_SQL = text("status IN ('pending', 'sending')")
STATUSES = (PENDING, SENDING, SENT, DELIVERED, DEAD)

# Channels. "applicant": a notice about an application, to the follower in to_openid (a WeChat template,
# SMS to the application's phone when WeChat refuses), or with no to_openid by SMS to that phone, read when
# sent so a phone given after the change is still used.
APPLICANT, WECHAT_TEMPLATE, WECHAT_CS, SMS = "applicant", "wechat_template", "wechat_cs", "sms"
# not a notice: a chat photo to fetch from WeChat's media API (media.py), with the same retry discipline
WECHAT_MEDIA, MEDIA_FETCH = "wechat_media", "media_fetch"


def new_key() -> str:
    return uuid.uuid4().hex


class Notification(db.Model):
    """One notice to one person, written in the transaction of the change that causes it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # the worker's claim: the unsettled rows in sequence order (partial: sent rows drop out)
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_unsettled", "ordering_key", "id", postgresql_where=_UNSETTLED_SQL,
              sqlite_where=_UNSETTLED_SQL),
        Index("ix_notifications_scope", "county_id", "status", "township_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # rows with the same key are sent one after another, in id order ("a<application id>", …)
    ordering_key: Mapped[str] = mapped_column(String(80))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    # recipients: the follower (applicant rows) or the explicit one (customer service, digests); an applicant
    # row without a phone uses the application's phone when sent
    to_openid: Mapped[str | None] = mapped_column(String(64))
    to_phone: Mapped[str | None] = mapped_column(String(11))
    # what to say: the long plain text (SMS, customer service) and the ≤20-character template fields
    text: Mapped[str] = mapped_column(Text)
    sms_sign: Mapped[str | None] = mapped_column(String(40))  # 【濉溪县民政局】, put before SMS text
    template_id: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # sent with every attempt (template client_msg_id, SMS idempotency_key): a resend after a crash
    # between send and record is recognised as the same notice
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True, default=new_key)
    # the rows of one notice to an application's followers share it: never two SMS to one phone for it
    notice_key: Mapped[str | None] = mapped_column(String(32), index=True)
    # set for notices that must be written at most once (overdue apology per step, daily digest)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    sent_via: Mapped[str | None] = mapped_column(String(16))
    fallback_reason: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(String(255))
    wechat_msgid: Mapped[int | None] = mapped_column(BigInteger, index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StaffNotifyTarget(db.Model):
    """Where a staff member receives the morning digest (staff accounts carry no phone themselves)."""

    __tablename__ = "staff_notify_targets"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(11))
    daily_digest: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WeChatAccessToken(db.Model):
    """The one access token every process shares (one row, id 1); its row is also the refresh lock."""

    __tablename__ = "wechat_access_token"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float, default=0.0)
    refreshed_at: Mapped[dt.datetime | None]
