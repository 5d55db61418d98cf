"""Through signed callbacks to the window: a resident without a mobile phone still applies, and the window
reads how to reach them; a message with control characters gets an answer, never a 4xx."""

import pytest
from sqlalchemy import select

from service.devtools.simulator import inbound_xml
from service.extensions import db
from service.intake.models import Application
from service.wechat.xmlsafe import parse_xml
from tests.conftest import login

ID = "340621195203150021"


@pytest.mark.parametrize("phone, stored, note", [
    ("没有", None, "联系方式：申请人没有电话：请通过村委会联系或上门"),
    ("0561-3012345", None, "联系方式：只有座机：05613012345"),
    ("俺闺女的 13812345678", "13812345678", "联系方式：联系电话是闺女的手机"),
])
def test_an_application_without_a_mobile_reaches_the_window_with_how_to_reach_the_resident(
        wechat, county, client, phone, stored, note):
    replies = wechat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "中", "张秀英", ID, phone, "情扣村", "是",
                                  "俩人", "不知道", "0", "1")
    assert "案件号" in replies[-1], replies
    app = db.session.scalars(select(Application)).one()
    assert app.contact_phone == stored and app.description.startswith(note)
    assert [f.openid for f in app.followers] == ["o_resident_a"]  # it hears every notice by WeChat
    assert app.village.name == "秦口村" and app.household_size == 2
    login(client, "suntuan")
    page = client.get(f"/staff/applications/{app.case_no}")
    assert page.status_code == 200 and note.split("：")[1][:6] in page.get_data(as_text=True)
    assert client.get(f"/api/v1/applications/{app.case_no}").status_code == 200


def test_a_second_resident_without_a_phone_is_never_matched_to_the_first_by_name(wechat, county):
    for openid, id_number in (("o_no_phone_a", ID), ("o_no_phone_b", "11010519491231002X")):
        wechat.openid = openid
        replies = wechat.conversation("俺想申请低保", "1", "张秀英", id_number, "没有", "秦口", "1", "没收入", "0", "1")
        assert "案件号" in replies[-1]
    apps = db.session.scalars(select(Application)).all()
    assert len(apps) == 2 and apps[0].applicant_id != apps[1].applicant_id


@pytest.mark.parametrize("raw", ["俺想申请\x01低保", "俺想\x0b申请低保\x1f", "\x00低保"])
def test_control_characters_in_a_message_get_an_answer_not_a_400(wechat, county, raw):
    xml = inbound_xml("PLACEHOLDER", "o_controls").replace("PLACEHOLDER", raw)
    response = wechat.post_xml(xml)
    assert response.status_code == 200
    assert "低保" in parse_xml(response.get_data(as_text=True))["Content"]
