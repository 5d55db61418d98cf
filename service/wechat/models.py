"""What the WeChat protocol keeps in the database: which deliveries were already handled."""

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db


class DeliveredMessage(db.Model):
    """One row per inbound message or event: WeChat retries it up to three times; we handle it once."""

    __tablename__ = "wechat_delivered"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # the answer given the first time, so a retry of a slow message still gets it
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
