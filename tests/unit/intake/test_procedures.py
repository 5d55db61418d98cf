"""The per-intake procedure definitions: one name each, the steps in order with their legal rules, the
applicant's sentence per step, and a county's overrides laid over them without breaking the law."""

import pytest

from service.intake import procedures
from service.intake import workflow as wf
from service.intake.procedures import definition, problems

DIBAO_STEPS = ["submitted", "accepted", "investigating", "public_notice", "county_review", "approved"]


def test_every_intake_has_one_staff_name_and_one_resident_name_read_by_every_layer():
    from service.web.pages import INTAKE_SHORT

    for intake in procedures.INTAKES:
        proc = definition(intake)
        assert proc.label and proc.resident_label
        assert wf.INTAKE_LABELS[intake] == INTAKE_SHORT[intake] == proc.label  # API, pages and filters
        assert wf.INTAKE_SHORT[intake] == proc.resident_label  # what notices and the chat say
    assert definition("dibao").label == "最低生活保障（含特困）" and definition("dibao").resident_label == "低保"


def test_dibao_steps_are_one_ordered_list_with_public_notice_before_the_county():
    proc = definition("dibao")
    assert list(proc.statuses) == DIBAO_STEPS
    notice = proc.step("public_notice")
    assert notice.required and notice.calendar and proc.limits().public_notice_days == 7
    assert not proc.township_approves and not proc.emergency_aid


def test_child_welfare_never_has_public_notice():
    proc = definition("child_welfare")
    assert "public_notice" not in proc.statuses and not proc.has_public_notice
    assert proc.no_public_notice == "儿童福利申请不公示，以保护儿童"


def test_temporary_relief_may_be_approved_by_the_township_within_its_limit():
    proc = definition("temporary_relief")
    assert proc.township_approves and proc.emergency_aid and proc.limits().township_approval_limit == 500
    assert proc.has_public_notice and not proc.public_notice_required  # some counties post a short 公示


def test_time_limits_layer_intake_scheme_and_county():
    assert definition("dibao").limits("tekun").county_days == 15
    county = definition("dibao", {"time_limits": {"dibao": {"county_days": 8}, "tekun": {"total_days": 45}}})
    assert county.limits().county_days == 8 and county.limits("tekun").total_days == 45


def test_every_step_tells_the_applicant_one_sentence_from_the_definition():
    facts = {"due": "12月1日", "final_due": "12月31日", "materials": "户口簿", "count": 1, "township": "孙疃镇",
             "approval": "每月680元，2026年12月起发放", "reason": "收入高于标准", "handler": "县人社局"}
    for intake in procedures.INTAKES:
        proc = definition(intake)
        for status in wf.STATES:
            if status == "public_notice" and not proc.has_public_notice:
                continue
            text = proc.tells(status, facts)
            assert text and "{" not in text, (intake, status)
    assert "公示到12月1日结束" in definition("dibao").tells("public_notice", facts)
    assert definition("dibao").tells("accepted", facts).startswith("您的申请已受理")


def test_a_paid_emergency_aid_is_said_first_while_the_procedure_goes_on():
    proc = definition("temporary_relief")
    assert proc.tells("investigating", {"emergency_amount": "300", "due": "12月1日"}).startswith("已先行救助300元。")
    assert "先行救助" not in proc.tells("withdrawn", {"emergency_amount": "300"})


def test_a_county_overrides_wording_and_materials_like_the_notice_templates():
    settings = {"procedures": {"intakes": {"dibao": {"tells": {"accepted": "已受理，{due}前上门。"},
                                                    "materials": ["申请书"]}}}}
    proc = definition("dibao", settings)
    assert proc.tells("accepted", {"due": "12月1日"}) == "已受理，12月1日前上门。"
    assert proc.materials == ("申请书",) and list(proc.statuses) == DIBAO_STEPS  # the rest stays
    assert definition("dibao").materials[0] == "救助申请书"  # the packaged default untouched
    assert procedures.checklist_for("dibao", {"materials": {"dibao": ["旧设置"]}}) == ["旧设置"]


@pytest.mark.parametrize("overrides, words", [
    ({"intakes": {"child_welfare": {"steps": [{"status": "submitted", "name": "申请"},
                                              {"status": "public_notice", "name": "公示"},
                                              {"status": "approved", "name": "批准"}]}}}, "不得公示"),
    ({"intakes": {"dibao": {"steps": [{"status": "submitted", "name": "申请"},
                                      {"status": "county_review", "name": "县审核"},
                                      {"status": "approved", "name": "批准"}]}}}, "须先公示"),
    ({"intakes": {"dibao": {"steps": [{"status": "submitted", "name": "申请"},
                                      {"status": "county_review", "name": "县审核"},
                                      {"status": "public_notice", "name": "公示"},
                                      {"status": "approved", "name": "批准"}]}}}, "公示应在报县审核之前"),
    ({"intakes": {"elsewhere": {}}}, "没有这个救助类别"),
    ({"intakes": {"dibao": {"tells": {"accepted": ""}}}}, "不能为空"),
    ({"tells": {"accepted": "  "}}, "tells.accepted：告知申请人的话不能为空"),
    ({"tells": {"acepted": "已受理。"}}, "tells.acepted：没有这个步骤"),
    ({"intakes": {"dibao": {"tells": {"approve": "批了。"}}}}, "没有这个步骤"),
    ({"tells": "已受理"}, "tells：应为对象"),
    ({"waiting": ["x"]}, "waiting：应为对象"),
])
def test_a_county_cannot_override_the_law_away(overrides, words):
    found = problems(overrides)
    assert found and any(words in p for p in found), found
    # an unusable setting falls back to the packaged definition rather than breaking the procedure
    assert list(definition("dibao", {"procedures": overrides}).statuses) == DIBAO_STEPS


def test_the_procedures_setting_wins_over_the_older_materials_setting():
    settings = {"materials": {"dibao": ["旧清单"]}, "procedures": {"intakes": {"dibao": {"materials": ["新清单"]}}}}
    assert definition("dibao", settings).materials == ("新清单",)
    assert definition("child_welfare", settings).materials == definition("child_welfare").materials


def test_every_chat_field_of_a_definition_has_a_question_in_the_chat():
    # the chat asks what the definition lists, in its order: a field without a question would be a dead end
    from service.chat import prompts

    for intake in procedures.INTAKES:
        proc = definition(intake)
        assert proc.chat_fields and set(proc.chat_fields) <= set(prompts.QUESTIONS)
        assert proc.chat_choice


def test_every_step_an_applicant_waits_in_says_what_comes_next():
    # the notices' 20-character fields and the overdue apology read these; a step without them says nothing
    for intake in procedures.INTAKES:
        for step in definition(intake).steps:
            if step.days is not None:
                waiting = definition(intake).waiting(step.status)
                assert waiting.get("step") and waiting.get("next"), (intake, step.status)
                assert len(waiting["next"].replace("{due}", "12月31日")) <= 20
    dibao = definition("dibao")
    assert dibao.waiting("awaiting_materials")["next"] and dibao.waiting("approved") == {}


def test_a_county_overrides_the_waiting_texts_like_the_tells():
    settings = {"procedures": {"waiting": {"investigating": {"next": "{due}前上门核实完毕"}},
                               "intakes": {"temporary_relief": {"waiting": {"investigating": {"step": "核实情况"}}}}}}
    assert problems(settings["procedures"]) == []
    dibao, relief = definition("dibao", settings), definition("temporary_relief", settings)
    assert dibao.waiting("investigating") == {"step": "调查核实", "next": "{due}前上门核实完毕"}  # the step stays
    assert relief.waiting("investigating") == {"step": "核实情况", "next": "{due}前上门核实完毕"}
    assert definition("dibao").waiting("investigating")["next"] == "{due}前完成调查核实"  # packaged untouched


@pytest.mark.parametrize("overrides, words", [
    ({"waiting": {"investigating": {"next": "{due}前完成入户调查、邻里走访和收入财产核对"}}}, "最多 20 个字"),
    ({"waiting": {"investigating": {"step": "一二三四五六七八九十一二三四五六七八九十一"}}}, "最多 20 个字"),
    ({"intakes": {"dibao": {"waiting": {"accepted": {"next": ""}}}}}, "不能为空"),
    ({"waiting": {"accepted": {"next": "第一行\n第二行"}}}, "只能一行"),
    ({"waiting": {"accepted": {"remark": "备注"}}}, "只能设置 step"),
    ({"waiting": {"accepted": "上门"}}, "应为对象"),
])
def test_a_waiting_text_a_template_field_cannot_hold_is_refused(overrides, words):
    found = problems(overrides)
    assert found and any(words in p for p in found), found
    assert definition("dibao", {"procedures": overrides}).waiting("investigating")["next"] == "{due}前完成调查核实"
