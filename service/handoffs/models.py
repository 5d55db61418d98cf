"""Messages handed to a person (微信留言)."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db


class Handoff(db.Model):
    """A resident's message the chatbot could not answer, waiting for a person (微信留言).

    One open handoff per resident: later unanswered messages are appended, so staff read one thread.
    """

    __tablename__ = "wechat_handoffs"
    __table_args__ = (Index("ix_wechat_handoffs_county_status", "county_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # asked | unanswered | no_intake | urgent
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | answered | closed
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    handled_at: Mapped[dt.datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    notification_id: Mapped[int | None]  # the outbox row that carries the answer
