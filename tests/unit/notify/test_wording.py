"""Notice wording: templates as data, WeChat's 2023 field rules, every milestone in plain Chinese."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from service.intake.procedures import definition
from service.notify import wording
from service.notify.context import ACTION_KINDS, application_context, next_step

LONG_REASON = "家庭拥有营运货车一辆，且共同生活的家庭成员人均月收入高于本县城乡低保标准，不符合条件"


def app_row(**overrides):
    values = dict(
        case_no="T20261123ABCD", intake="dibao", status="accepted", step_deadline=dt.date(2026, 11, 26),
        final_deadline=dt.date(2027, 1, 8), township=SimpleNamespace(name="孙疃镇"), materials=[],
        approved_amount=None, first_month=None, decision_reason=None, referred_to=None, emergency_aid_amount=None,
    )
    values.update(overrides)
    return SimpleNamespace(**values)


COUNTY = SimpleNamespace(name="濉溪县", code="340621", settings={"hotline": "0561-12345"})


def compose(kind, app=None, overrides=None):
    context = application_context(app or app_row(), COUNTY)
    return wording.compose(kind, context, wording.merged(overrides), default_template_id="TPL-1")


@pytest.mark.parametrize("value, expected", [
    ("短消息", "短消息"),
    ("一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十"),
    ("一二三四五六七八九十一二三四五六七八九十多", "一二三四五六七八九十一二三四五六七八九…"),
    ("第一行\n第二行\r\n第三行", "第一行 第二行 第三行"),
    ("  控制\x00字符\t\u2028  ", "控制 字符"),
])
def test_fit_gives_one_line_of_at_most_twenty_characters(value, expected):
    assert wording.fit(value) == expected
    assert len(wording.fit(value)) <= 20


def test_render_fills_known_placeholders_and_never_evaluates_anything_else():
    out = wording.render("{case_no}：{unknown}{case_no.__class__}{0}", {"case_no": "T1"})
    assert out == "T1：{case_no.__class__}{0}"


KINDS = sorted(set(ACTION_KINDS.values()) | {"overdue_apology"})


@pytest.mark.parametrize("kind", KINDS)
def test_every_milestone_respects_the_template_rules_and_names_case_and_hotline(kind):
    app = app_row(
        status={"approved": "approved", "rejected": "rejected", "referred": "referred"}.get(kind, "accepted"),
        materials=[SimpleNamespace(name=n, status="requested") for n in ("户口簿", "家庭经济状况核对授权书")],
        approved_amount=Decimal("680.00"), first_month="2026-12", decision_reason=LONG_REASON,
        referred_to="县人社局劳动保障监察大队（0561-6012345）", emergency_aid_amount=Decimal("500"),
    )
    message = compose(kind, app)
    assert message.template_id == "TPL-1"
    assert message.fields and not {"first", "remark"} & set(message.fields)
    for value in message.fields.values():
        assert 0 < len(value) <= 20 and "\n" not in value and "\r" not in value
    assert message.fields["character_string1"] == "T20261123ABCD"
    assert message.fields["phone_number4"] == "0561-12345"
    assert "T20261123ABCD" in message.text and "咨询电话：0561-12345" in message.text
    assert "{" not in message.text and "\n" not in message.text


def test_materials_notice_lists_every_missing_item_at_once_in_the_text():
    names = ["住院费用票据", "医保报销结算单", "诊断证明", "全体家庭成员身份证", "户口簿"]
    app = app_row(status="awaiting_materials", step_deadline=None,
                  materials=[SimpleNamespace(name=n, status="requested") for n in names]
                  + [SimpleNamespace(name="救助申请书", status="received")])
    message = compose("materials_needed", app)
    assert "5项材料：" + "、".join(names) in message.text
    assert "救助申请书" not in message.text
    assert message.fields["thing2"] == "还需补交5项材料"
    assert message.fields["thing3"].endswith("…")


def test_approval_says_amount_and_first_month_or_one_off_sum():
    monthly = compose("approved", app_row(status="approved", approved_amount=Decimal("680.00"), first_month="2026-12"))
    assert "每月680元，2026年12月起发放" in monthly.text
    assert monthly.fields["thing3"] == "每月680元，2026年12月起发放"
    once = compose("approved", app_row(intake="temporary_relief", status="approved",
                                       approved_amount=Decimal("1500.50")))
    assert "一次性救助1500.50元" in once.text


def test_rejection_gives_the_whole_reason_and_how_to_appeal():
    message = compose("rejected", app_row(status="rejected", decision_reason=LONG_REASON))
    assert LONG_REASON in message.text
    assert "行政复议" in message.text and "行政诉讼" in message.text
    assert message.fields["thing3"].startswith("理由：") and len(message.fields["thing3"]) == 20


def test_transfer_and_referral_say_who_takes_over():
    moved = compose("transferred", app_row(intake="temporary_relief", status="submitted"))
    assert "转为临时救助申请，由孙疃镇民政窗口继续办理" in moved.text
    referred = compose("referred", app_row(status="referred", referred_to="县人社局（0561-6012345）"))
    assert "县人社局（0561-6012345）" in referred.text


def test_next_step_names_the_date_of_each_stage():
    dibao = definition("dibao")
    assert next_step(dibao, "investigating", dt.date(2026, 12, 9)) == "12月9日前完成调查核实"
    assert next_step(dibao, "public_notice", dt.date(2026, 12, 1)) == "公示到12月1日结束"
    assert next_step(dibao, "approved", None) == ""


def test_a_countys_waiting_texts_reach_its_notices():
    county = SimpleNamespace(name="濉溪县", code="340621", settings={"procedures": {
        "waiting": {"accepted": {"step": "上门走访", "next": "{due}前上门看看您家"}}}})
    context = application_context(app_row(), county)
    assert (context["step"], context["next_step"]) == ("上门走访", "11月26日前上门看看您家")
    assert application_context(app_row(), COUNTY)["next_step"] == "11月26日前开始入户调查"  # other counties


def test_a_county_rewords_a_notice_and_maps_fields_to_its_own_template():
    overrides = {
        "sms_sign": "【濉溪民政】",
        "wechat": {"template_id": "COUNTY-TPL", "fields": {"keyword1": "{case_no}", "thing9": "{title}"}},
        "kinds": {"accepted": {"text": "已受理{case_no}，{due}前上门。"}},
    }
    message = compose("accepted", overrides=overrides)
    assert message.text == "已受理T20261123ABCD，11月26日前上门。"
    assert message.template_id == "COUNTY-TPL"
    assert message.fields == {"keyword1": "T20261123ABCD", "thing9": "低保申请已受理"}
    assert wording.merged(overrides)["sms_sign"] == "【濉溪民政】"
    assert wording.problems(overrides) == []


def test_retired_first_and_remark_fields_are_refused_and_never_sent():
    overrides = {"wechat": {"fields": {"first": "{title}", "remark": "{call}", "thing2": "{title}"}}}
    assert any("first" in p for p in wording.problems(overrides))
    assert any("remark" in p for p in wording.problems(overrides))
    assert set(compose("accepted", overrides=overrides).fields) == {"thing2"}


def test_an_empty_sms_text_is_a_problem():
    assert wording.problems({"kinds": {"approved": {"text": " "}}})


def test_a_kind_can_be_switched_off_by_the_county():
    assert wording.merged({"kinds": {"withdrawn": {"enabled": False}}})["kinds"]["withdrawn"]["enabled"] is False
