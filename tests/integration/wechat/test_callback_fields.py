"""Every field of a signed callback is bounded and validated: a value WeChat never sends is a 400, never
a 500 (database column overflows, int8 overflows, nan arithmetic) and never a stored row."""

import time

import pytest
from sqlalchemy import func, select

from service.chat.models import Conversation
from service.extensions import db
from service.wechat.models import DeliveredMessage


def _xml(**fields) -> str:
    base = {"ToUserName": "gh_relief_demo", "FromUserName": "o_resident_a", "CreateTime": str(int(time.time())),
            "MsgType": "text", "Content": "想申请低保", "MsgId": "6054768590064713728"}
    base.update(fields)
    return "<xml>" + "".join(f"<{k}>{v}</{k}>" for k, v in base.items() if v is not None) + "</xml>"


LOCATION = {"MsgType": "location", "Content": None, "Location_X": "33.7", "Location_Y": "116.5", "Scale": "15",
            "Label": ""}
RECEIPT = {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH", "Content": None, "MsgId": None, "Status": "success"}
HOSTILE = {
    "65-character openid": _xml(FromUserName="o" * 65),
    "openid with a quote": _xml(FromUserName="o_resident'--"),
    "40-digit MsgId": _xml(MsgId="9" * 40),
    "negative MsgId": _xml(MsgId="-1"),
    "full-width MsgId": _xml(MsgId="１２３"),
    "250-digit CreateTime": _xml(CreateTime="9" * 250),
    "CreateTime in words": _xml(CreateTime="yesterday"),
    "Location_X nan": _xml(**LOCATION | {"Location_X": "nan"}),
    "Location_Y inf": _xml(**LOCATION | {"Location_Y": "inf"}),
    "latitude 1e308": _xml(**LOCATION | {"Location_X": "1e308"}),
    "Scale past int4": _xml(**LOCATION | {"Scale": "99999999999"}),
    "receipt with a 40-digit MsgID": _xml(**RECEIPT | {"MsgID": "9" * 40}),
    "event key of 10,000 characters": _xml(MsgType="event", Event="CLICK", Content=None, MsgId=None, EventKey="K" * 10_000),
    "event name of 500 characters": _xml(MsgType="event", Event="E" * 500, Content=None, MsgId=None),
    "text of 4,500 characters": _xml(Content="a" * 4500),
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_a_signed_callback_with_a_field_wechat_never_sends_is_a_400(wechat, label):
    response = wechat.post_xml(HOSTILE[label])
    assert response.status_code == 400, (label, response.status_code)
    assert db.session.scalar(select(func.count()).select_from(DeliveredMessage).where(
        DeliveredMessage.key.not_like("sig:%"))) == 0
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_the_largest_values_wechat_does_send_still_work(wechat):
    assert wechat.post_xml(_xml(MsgId="18446744073709551615", Content="低保" * 1000)).status_code == 200
    assert wechat.post_xml(_xml(**LOCATION | {"Location_X": "-89.9", "Location_Y": "179.9"})).status_code == 200
    assert wechat.post_xml(_xml(FromUserName="oQ7mD2kP9zX-rT4vN8wY3cL6b_H1")).status_code == 200
