"""Inbound parsing: every type and event, required fields, hostile XML, dedupe keys."""

from __future__ import annotations

import dataclasses

import pytest
import wechat_samples as s

from service.wechat.errors import BodyTooLarge, ProtocolError, UnsafeXML
from service.wechat.messages import dedupe_key, parse_message


def test_text():
    msg = parse_message(s.TEXT.encode())
    assert (msg.msg_type, msg.content, msg.msg_id) == ("text", "俺娃病了咋办", "24000000000000001")
    assert (msg.to_user, msg.from_user, msg.create_time) == (s.TO, s.FROM, 1700000000)
    assert msg.text == "俺娃病了咋办" and not msg.is_event


def test_image():
    msg = parse_message(s.IMAGE)
    assert (msg.pic_url, msg.media_id) == ("http://mmbiz.qpic.cn/x", "media_img")


def test_voice_with_recognition_is_the_text():
    msg = parse_message(s.VOICE)
    assert (msg.media_id, msg.format, msg.recognition) == ("media_voice", "amr", "我想申请低保")
    assert msg.text == "我想申请低保"


@pytest.mark.parametrize("body, msg_type", [(s.VIDEO, "video"), (s.SHORTVIDEO, "shortvideo")])
def test_video_and_shortvideo(body, msg_type):
    msg = parse_message(body)
    assert (msg.msg_type, msg.media_id, msg.thumb_media_id) == (msg_type, "media_video", "thumb")


def test_location():
    msg = parse_message(s.LOCATION)
    assert (msg.location_x, msg.location_y, msg.scale, msg.label) == (34.7466, 113.6253, 15, "河南省郑州市")


def test_link():
    msg = parse_message(s.LINK)
    assert (msg.title, msg.description, msg.url) == ("政策", "说明", "https://example.org/p")


def test_subscribe_plain_and_from_qr_code():
    plain = parse_message(s.SUBSCRIBE)
    assert (plain.is_event, plain.event, plain.scene) == (True, "subscribe", None)
    qr = parse_message(s.SUBSCRIBE_QR)
    assert (qr.event_key, qr.scene, qr.ticket) == ("qrscene_town_07", "town_07", "TICKET")


def test_scan_unsubscribe_click_view():
    assert parse_message(s.SCAN).scene == "town_07"
    assert parse_message(s.UNSUBSCRIBE).event == "unsubscribe"
    assert parse_message(s.CLICK).event_key == "MENU_APPLY"
    assert parse_message(s.VIEW).event_key == "https://example.org/h5"


def test_location_event():
    msg = parse_message(s.LOCATION_EVENT)
    assert (msg.latitude, msg.longitude, msg.precision) == (23.137466, 113.352425, 119.38504)


def test_template_send_job_finish():
    msg = parse_message(s.TEMPLATE_FINISH)
    assert (msg.event, msg.msg_id, msg.status) == ("TEMPLATESENDJOBFINISH", "200163836", "success")


def test_subscribe_msg_popup_event_lists_every_template():
    items = parse_message(s.POPUP).subscriptions
    assert [(i.template_id, i.status, i.popup_scene) for i in items] == [
        ("TPL-A", "accept", "2"),
        ("TPL-B", "reject", "2"),
    ]


def test_subscribe_msg_change_and_sent_events():
    (change,) = parse_message(s.CHANGE).subscriptions
    assert (change.template_id, change.status) == ("TPL-A", "reject")
    (sent,) = parse_message(s.SENT).subscriptions
    assert (sent.template_id, sent.msg_id, sent.error_code, sent.status) == (
        "TPL-C",
        "1700827132819554304",
        0,
        "success",
    )


def test_unknown_types_and_events_are_kept_not_refused():
    msg = parse_message(s.xml("miniprogrampage", "<MsgId>1</MsgId><Title><![CDATA[t]]></Title>"))
    assert msg.msg_type == "miniprogrampage" and msg.raw["Title"] == "t"
    assert parse_message(s.event("user_info_modified")).event == "user_info_modified"


def test_message_is_frozen_and_repr_hides_content_and_openid():
    msg = parse_message(s.TEXT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.content = "x"  # type: ignore[misc]
    assert "俺娃" not in repr(msg) and s.FROM not in repr(msg)


@pytest.mark.parametrize(
    "body",
    [
        s.TEXT.replace("<MsgId>24000000000000001</MsgId>", ""),
        s.TEXT.replace("<Content><![CDATA[俺娃病了咋办]]></Content>", ""),
        s.TEXT.replace("<CreateTime>1700000000</CreateTime>", ""),
        s.TEXT.replace(f"<FromUserName><![CDATA[{s.FROM}]]></FromUserName>", ""),
        s.TEXT.replace("<CreateTime>1700000000</CreateTime>", "<CreateTime>soon</CreateTime>"),
        s.LOCATION.replace("<Location_X>34.7466</Location_X>", "<Location_X>north</Location_X>"),
        s.event("CLICK").replace("<Event><![CDATA[CLICK]]></Event>", ""),
        s.event("subscribe_msg_popup_event"),
        s.TEXT.replace("<xml>", "<notxml>").replace("</xml>", "</notxml>"),
        s.TEXT.replace("<Content>", "<Content><b>").replace("</Content>", "</b></Content>"),
    ],
)
def test_missing_or_malformed_fields_are_protocol_errors(body):
    with pytest.raises(ProtocolError):
        parse_message(body)


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_text_is_still_a_message_but_a_missing_content_is_not(blank):
    msg = parse_message(s.TEXT.replace("俺娃病了咋办", blank))
    assert msg.msg_type == "text" and msg.content == blank


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"hello", b'{"json": true}', b"<xml><open></xml>", b"\xff\xfe<"]
)
def test_non_xml_is_a_protocol_error(body):
    with pytest.raises(ProtocolError):
        parse_message(body)


XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]><xml><Content>&lol9;</Content></xml>"
)
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd"><xml/>'
PARAMETER_ENTITY = '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]><xml/>'


@pytest.mark.parametrize("body", [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_dtds_and_entities_are_refused(body):
    with pytest.raises(UnsafeXML):
        parse_message(body)


def test_body_size_cap_default_and_configurable():
    padding = "<Padding>" + "x" * (16 * 1024) + "</Padding>"
    big = s.TEXT.replace("</xml>", padding + "</xml>")
    with pytest.raises(BodyTooLarge):
        parse_message(big)
    assert parse_message(big, max_bytes=64 * 1024).content == "俺娃病了咋办"
    with pytest.raises(BodyTooLarge):
        parse_message(s.TEXT, max_bytes=100)


def test_dedupe_key_for_messages_is_sender_plus_msgid():
    a = parse_message(s.TEXT)
    other_user = parse_message(
        s.xml("text", "<Content>x</Content><MsgId>24000000000000001</MsgId>", sender="oOTHER")
    )
    assert dedupe_key(a) == f"msg:{s.FROM}:24000000000000001"
    assert dedupe_key(a) != dedupe_key(other_user)  # MsgId alone has collided across users
    retry = parse_message(s.TEXT.replace("1700000000", "1700000003"))
    assert dedupe_key(retry) == dedupe_key(a)


def test_dedupe_key_for_events_is_sender_time_event_and_key():
    click = parse_message(s.CLICK)
    assert dedupe_key(click) == f"evt:{s.FROM}:1700000000:CLICK:MENU_APPLY"
    assert dedupe_key(parse_message(s.UNSUBSCRIBE)) == f"evt:{s.FROM}:1700000000:unsubscribe"
    other_button = parse_message(s.event("CLICK", "<EventKey>MENU_QUERY</EventKey>"))
    later = parse_message(s.event("CLICK", "<EventKey>MENU_APPLY</EventKey>", create_time=1700000001))
    assert len({dedupe_key(click), dedupe_key(other_button), dedupe_key(later)}) == 3


def test_dedupe_key_keeps_two_template_results_in_one_second_apart():
    first = parse_message(s.TEMPLATE_FINISH)
    second = parse_message(s.TEMPLATE_FINISH.replace("200163836", "200163837"))
    assert dedupe_key(first) != dedupe_key(second)


@pytest.mark.parametrize("controls", ["\x01", "\x00\x1f", "\x0b\x0c\x08"])
def test_control_characters_a_resident_typed_are_dropped_not_refused(controls):
    # XML 1.0 forbids them, WeChat passes them on raw: refusing would make WeChat retry, then fail the user
    body = s.TEXT.replace("俺娃病了咋办", f"俺娃{controls}病了\t咋办")
    assert parse_message(body.encode()).content == "俺娃病了\t咋办"
