"""What the WeChat channel keeps in the database so any worker or node can take the next message."""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.intake.models import utcnow


class DeliveredMessage(db.Model):
    """One row per inbound message or event: WeChat retries it up to three times; we handle it once."""

    __tablename__ = "wechat_delivered"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # the answer given the first time, so a retry of a slow message still gets it
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class Conversation(db.Model):
    """Where a resident is in the chat: the step, what they have told us so far, and when it lapses."""

    __tablename__ = "wechat_conversations"
    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(30), default="idle")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_inbound_at: Mapped[dt.datetime | None]  # the 48-hour customer-service window starts here


class Attachment(db.Model):
    """Material a resident sent through the chat (a photo of a certificate, a voice note)."""

    __tablename__ = "application_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Handoff(db.Model):
    """A resident's message the chatbot could not answer, waiting for a person (微信留言).

    One open handoff per resident: later unanswered messages are appended, so staff read one thread.
    """

    __tablename__ = "wechat_handoffs"
    __table_args__ = (Index("ix_wechat_handoffs_county_status", "county_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # asked | unanswered | no_intake
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | answered | closed
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    handled_at: Mapped[dt.datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    notification_id: Mapped[int | None]  # the outbox row that carries the answer
