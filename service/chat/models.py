"""What the conversation keeps in the database so any worker or node can take the next message."""

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db


class Conversation(db.Model):
    """Where a resident is in the chat: the step, what they have told us so far, and when it lapses."""

    __tablename__ = "wechat_conversations"
    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(30), default="idle")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_inbound_at: Mapped[dt.datetime | None]  # the 48-hour customer-service window starts here
