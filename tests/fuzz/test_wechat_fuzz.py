"""Hypothesis over the WeChat callback: correctly signed bodies WeChat would never send (any field, any value,
fields missing, doubled or nested, garbage), and residents typing anything in any order through the whole
dialogue. Never a 5xx; a 200 is `success` or a well-formed reply to that resident; nothing logged as an error."""

import itertools
import logging
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.devtools.simulator import inbound_xml
from service.wechat.xmlsafe import cdata, parse_xml

SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "MsgID", "Content", "Recognition",
          "MediaId", "PicUrl", "Format", "Location_X", "Location_Y", "Scale", "Label", "Event", "EventKey",
          "Ticket", "Status", "Latitude", "Longitude", "Precision", "Title", "Url", "SubscribeMsgPopupEvent"]
MSG_TYPES = ["text", "image", "voice", "video", "shortvideo", "location", "link", "event", "file", "", "TEXT"]
EVENTS = ["subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "TEMPLATESENDJOBFINISH",
          "subscribe_msg_popup_event", "subscribe_msg_sent_event", "MASSSENDJOBFINISH", "nope"]
# what the hand-written sweeps found, so every run starts from them, then whatever hypothesis makes up
HOSTILE_NUMBERS = ["9" * 40, "9" * 250, "nan", "inf", "-inf", "1e308", "-0", "１２３", "-1", "2147483648",
                   "18446744073709551616", "0x1F", "", " 7 "]
NUMBERS = st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers(-2**70, 2**70).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(str))
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
VALUES = st.one_of(TEXT, NUMBERS, st.sampled_from(MSG_TYPES + EVENTS),
                   st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=80))


def _element(name: str, value: str) -> str:
    return f"<{name}>{cdata(value)}</{name}>"


OPENIDS = st.one_of(st.sampled_from(["o_fuzz_a", "o_fuzz_b", "o" * 64, "o" * 65, "o_'--", "用户", " "]), VALUES)
_serial = itertools.count(1_732_345_678)
VALID = {  # a well-formed message of each type, that the fuzzing then spoils one or two fields of
    "text": {"MsgId": "6054768590064713728", "Content": "想申请低保"},
    "image": {"MsgId": "6054768590064713729", "MediaId": "m1", "PicUrl": "http://127.0.0.1/p.jpg"},
    "voice": {"MsgId": "6054768590064713730", "MediaId": "m2", "Format": "amr", "Recognition": "想申请低保"},
    "location": {"MsgId": "6054768590064713731", "Location_X": "33.70", "Location_Y": "116.55", "Scale": "15",
                 "Label": ""},
    "link": {"MsgId": "6054768590064713732", "Url": "http://127.0.0.1/", "Title": "t", "Description": "d"},
    "event": {"Event": "CLICK", "EventKey": "PROGRESS"},
}


@st.composite
def callback_bodies(draw) -> str:
    """A well-formed message with one or two fields replaced by anything, sometimes one missing, sometimes
    an extra element: deep enough to reach the dialogue, hostile enough to find what breaks it."""
    msg_type = draw(st.sampled_from([*VALID, "file", ""]))
    fields = {"ToUserName": "gh_relief_demo", "FromUserName": draw(st.sampled_from(["o_fuzz_a", "o_fuzz_b"])),
              "CreateTime": str(next(_serial)), "MsgType": msg_type, **VALID.get(msg_type, {})}
    if "MsgId" in fields:  # a new message each time, not WeChat's retry of the last one (answered from dedupe)
        fields["MsgId"] = fields["CreateTime"] + "0000"
    if msg_type == "event":
        fields["Event"] = draw(st.sampled_from(EVENTS))
    names = sorted({*FIELDS, *fields}) + ["FromUserName", "MsgId", "CreateTime", "Location_X", "EventKey"] * 3
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2)):
        fields[name] = draw(OPENIDS if name == "FromUserName" else st.one_of(NUMBERS, VALUES))
    if draw(st.integers(0, 9)) == 0:
        fields.pop(draw(st.sampled_from(sorted(fields))))
    parts = [_element(k, v) for k, v in fields.items()]
    extra = draw(st.sampled_from(["", "", "", "", "<List><TemplateId>t</TemplateId></List>", "<Content><b>x</b></Content>",
                                  "<MsgType>text</MsgType>", "<Unknown>" + "x" * 200 + "</Unknown>"]))
    return "<xml>" + "".join(parts) + extra + "</xml>"


def _body(msg_type: str, **spoiled) -> str:
    fields = {"ToUserName": "gh_relief_demo", "FromUserName": "o_fuzz_a", "CreateTime": "1732345678",
              "MsgType": msg_type, **VALID[msg_type], **spoiled}
    return "<xml>" + "".join(_element(k, v) for k, v in fields.items()) + "</xml>"


# the signed callbacks that gave a 500 before (issue 11): every run starts with them
KNOWN_BAD = [_body("text", FromUserName="o" * 65), _body("text", MsgId="9" * 40),
             _body("location", Location_X="nan"), _body("event", CreateTime="9" * 250),
             _body("text", FromUserName="o" * 65, MsgId="1")]


def _check_answer(response, openid: str | None = None) -> int:
    assert response.status_code < 500, response.get_data()[:300]
    if response.status_code == 200:
        body = response.get_data(as_text=True)
        if body not in ("", "success"):
            reply = parse_xml(body)
            assert reply["Content"] and (openid is None or reply["ToUserName"] == openid)
    return response.status_code


@pytest.mark.fuzz
def test_no_signed_callback_body_gets_a_5xx(wechat, caplog):
    caplog.set_level(logging.ERROR)
    seen = set()

    garbage = st.binary(max_size=300).map(lambda b: b.decode("latin-1"))

    @SETTINGS
    @given(body=st.one_of(callback_bodies(), callback_bodies(), callback_bodies(), garbage))
    @example(body=KNOWN_BAD[0])
    @example(body=KNOWN_BAD[1])
    @example(body=KNOWN_BAD[2])
    @example(body=KNOWN_BAD[3])
    @example(body=KNOWN_BAD[4])
    def fuzz(body):
        seen.add(_check_answer(wechat.post_xml(body)))

    fuzz()
    assert {200, 400} <= seen, seen  # both handled messages and refused ones were generated
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


LINES = st.one_of(
    st.sampled_from(["1", "2", "3", "１", "一", "是", "不是", "取消", "返回", "重新开始", "进度", "人工", "帮助",
                     "绑定", "绑定 26000000000 002X", "绑定 ２６０００００００００ ００２Ｘ", "0", "〇",
                     "张秀英", "11010519491231002X", "１１０１０５１９４９１２３１００２ｘ", "13812345678",
                     "１３８１２３４５６７８", "孙疃镇秦口村", "秦扣", "三口人", "俺家老汉瘫在床上，想吃低保",
                     "昨晚着火了房子烧了没地方住", "孩子爹妈都没了没人管", "办事大厅几点上班", "/image",
                     "/voice 想申请低保", "/location 33.7 116.5", "/subscribe", "/menu APPLY", "/menu PROGRESS"]),
    TEXT,
)


@pytest.mark.fuzz
def test_a_resident_typing_anything_in_any_order_never_breaks_the_dialogue(wechat, caplog):
    caplog.set_level(logging.ERROR)
    residents = iter(range(10**6))

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(lines=st.lists(LINES, min_size=1, max_size=12))
    def fuzz(lines):
        openid = f"o_fuzz_resident_{next(residents)}"
        for line in lines:
            _check_answer(wechat.post_xml(inbound_xml(line, openid)), openid)

    fuzz()
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
