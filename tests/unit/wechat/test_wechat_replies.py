"""Passive replies stay well-formed XML whatever the user or the dialogue put in them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import wechat_samples as s

from service.wechat.messages import parse_message
from service.wechat.replies import (
    MAX_TEXT_BYTES,
    SUCCESS,
    Article,
    fit_utf8,
    news_reply,
    success_body,
    text_reply,
)

MSG = parse_message(s.TEXT)


def strict_parse(body: str) -> ET.Element:
    """Expat without any leniency: raises on anything that is not well-formed XML 1.0."""
    return ET.fromstring(body.encode("utf-8"))


def content_of(body: str) -> str:
    return strict_parse(body).findtext("Content")


def test_text_reply_addresses_the_sender_from_the_account():
    root = strict_parse(text_reply(MSG, "您好", now=1700000009))
    assert root.findtext("ToUserName") == s.FROM
    assert root.findtext("FromUserName") == s.TO
    assert root.findtext("CreateTime") == "1700000009"
    assert root.findtext("MsgType") == "text"
    assert root.findtext("Content") == "您好"


@pytest.mark.parametrize(
    "text", ["]]>", "a]]>b]]>c", "]]]]>>", "<![CDATA[x]]>", "</Content></xml><x>", "&amp; & <"]
)
def test_cdata_terminators_and_markup_survive_verbatim(text):
    assert content_of(text_reply(MSG, text)) == text


def test_control_characters_are_stripped_and_whitespace_kept():
    text = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ud800h\ufffei\tj\nk\rl"
    assert content_of(text_reply(MSG, text)) == "abcdefghi\tj\nk\nl"  # the parser normalises \r


def test_emoji_are_kept():
    text = "好的😀👨‍👩‍👧🇨🇳"
    assert content_of(text_reply(MSG, text)) == text


def test_two_thousand_characters_are_cut_to_2048_utf8_bytes_with_an_ellipsis():
    text = "申" * 2000  # 6000 bytes
    content = content_of(text_reply(MSG, text))
    assert len(content.encode("utf-8")) <= MAX_TEXT_BYTES
    assert content.endswith("…") and content[:-1] == "申" * len(content[:-1])
    assert len(content.encode("utf-8")) > MAX_TEXT_BYTES - 6  # cut close to the limit, not far below


def test_cut_never_splits_a_multibyte_character():
    for prefix in range(4):  # shift the boundary across every offset inside a 4-byte emoji
        out = fit_utf8("a" * prefix + "😀" * 600)
        assert len(out.encode("utf-8")) <= MAX_TEXT_BYTES
        assert out.encode("utf-8").decode("utf-8") == out
        assert out.endswith("😀…")


def test_text_at_the_limit_is_untouched():
    text = "a" * MAX_TEXT_BYTES
    assert content_of(text_reply(MSG, text)) == text


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", None])
def test_nothing_to_say_means_success_never_empty_content(text):
    assert text_reply(MSG, text) == SUCCESS == success_body()


def test_news_reply_is_well_formed_and_capped():
    articles = [
        Article(f"标题]]>{i}", "描述\x00", "http://p/x.jpg", "https://example.org") for i in range(10)
    ]
    root = strict_parse(news_reply(MSG, articles))
    assert root.findtext("ArticleCount") == "8"
    items = root.findall("Articles/item")
    assert (
        len(items) == 8
        and items[0].findtext("Title") == "标题]]>0"
        and items[0].findtext("Description") == "描述"
    )
    assert news_reply(MSG, []) == SUCCESS
