"""Passive replies to a callback: always well-formed XML, or the plain `success` body."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from .messages import InboundMessage
from .xmlsafe import cdata, strip_illegal_xml_chars

SUCCESS = "success"
MAX_TEXT_BYTES = 2048  # WeChat's limit for a passive text reply, in UTF-8 bytes
ELLIPSIS = "…"
MAX_NEWS_ARTICLES = 8


def success_body() -> str:
    """The body that acknowledges a callback without showing the user anything."""
    return SUCCESS


def fit_utf8(text: str, limit: int = MAX_TEXT_BYTES, ellipsis: str = ELLIPSIS) -> str:
    """Shorten text to at most `limit` UTF-8 bytes at a character boundary, marking the cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len(ellipsis.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut + ellipsis


def _header(msg: InboundMessage, msg_type: str, now: int | None) -> str:
    created = int(time.time()) if now is None else now
    # the reply swaps the addresses: it goes to the sender, from the account
    return (
        f"<ToUserName>{cdata(msg.from_user)}</ToUserName>"
        f"<FromUserName>{cdata(msg.to_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        f"<MsgType>{cdata(msg_type)}</MsgType>"
    )


def text_reply(msg: InboundMessage, content: str, *, now: int | None = None) -> str:
    """A text reply; returns `success` when nothing printable is left, since an empty
    <Content> shows the user a "service unavailable" notice."""
    cleaned = strip_illegal_xml_chars(content or "")
    if not cleaned.strip():
        return SUCCESS
    body = fit_utf8(cleaned)
    return f"<xml>{_header(msg, 'text', now)}<Content>{cdata(body)}</Content></xml>"


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    pic_url: str = ""
    url: str = ""


def news_reply(msg: InboundMessage, articles: Sequence[Article], *, now: int | None = None) -> str:
    """A news (图文) reply; WeChat shows only the first article when answering a user message."""
    chosen = list(articles)[:MAX_NEWS_ARTICLES]
    if not chosen:
        return SUCCESS
    items = "".join(
        f"<item><Title>{cdata(a.title)}</Title><Description>{cdata(a.description)}</Description>"
        f"<PicUrl>{cdata(a.pic_url)}</PicUrl><Url>{cdata(a.url)}</Url></item>"
        for a in chosen
    )
    return (
        f"<xml>{_header(msg, 'news', now)}<ArticleCount>{len(chosen)}</ArticleCount>"
        f"<Articles>{items}</Articles></xml>"
    )
