"""The pure decide: a workflow step and its procedure become the effects as data (columns, materials, the
history line), which the use case only lays on the row."""

import datetime as dt
from decimal import Decimal

import pytest

from service.errors import InvalidTransition
from service.intake import deadlines
from service.intake import workflow as wf
from service.intake.decisions import decide
from service.intake.procedures import definition
from service.intake.workdays import OFFICIAL

TODAY = dt.date(2026, 11, 23)  # a Monday
NOW = dt.datetime(2026, 11, 23, 2, 0)


def run(case, action, role="window", today=TODAY, settings=None, **params):
    return decide(case, action, role, params, today=today, now=NOW,
                  procedure_of=lambda intake: definition(intake, settings), calendar=OFFICIAL)


def test_acceptance_starts_the_step_clock_and_the_whole_procedure_clock():
    d = run(wf.Case("dibao", wf.SUBMITTED), "accept")
    assert d.sets["status"] == wf.ACCEPTED and d.sets["accepted_on"] == TODAY
    assert d.sets["step_deadline"] == dt.date(2026, 11, 26)  # 3 WD to start the investigation
    assert d.sets["final_deadline"] == deadlines.resume(30, TODAY, OFFICIAL) and d.sets["priority"] == 1


def test_public_notice_records_its_start_and_its_calendar_end():
    d = run(wf.Case("dibao", wf.INVESTIGATING), "start_public_notice")
    assert d.sets["notice_started_on"] == TODAY and d.sets["notice_cleared_on"] is None
    assert d.sets["step_deadline"] == TODAY + dt.timedelta(days=7)


def test_the_end_of_notice_is_recorded_without_objection_and_keeps_the_clock():
    case = wf.Case("dibao", wf.NOTICE, notice_ends_on=TODAY, step_deadline=TODAY)
    d = run(case, "close_public_notice")
    assert d.sets == {"status": wf.NOTICE, "intake": "dibao", "notice_cleared_on": TODAY}
    assert d.note == "公示期满，无异议"


def test_an_objection_clears_the_notice_so_a_new_one_is_needed():
    case = wf.Case("dibao", wf.NOTICE, notice_ends_on=TODAY + dt.timedelta(days=3))
    d = run(case, "reinvestigate", reason="村民反映其子女在外地经商")
    assert d.sets["status"] == wf.INVESTIGATING
    assert d.sets["notice_started_on"] is None and d.sets["notice_cleared_on"] is None
    assert d.note == "村民反映其子女在外地经商" and d.data == {"reason": "村民反映其子女在外地经商"}


def test_materials_request_pauses_both_clocks_and_receipt_resumes_them():
    case = wf.Case("dibao", wf.INVESTIGATING, step_deadline=dt.date(2026, 11, 27),
                   final_deadline=dt.date(2026, 12, 31), accepted_on=TODAY)
    d = run(case, "request_materials", missing=["诊断证明"])
    assert d.materials == (("request", ("诊断证明",)),) and d.sets["resume_status"] == wf.INVESTIGATING
    assert d.sets["final_deadline"] is None and d.sets["step_deadline"] is None and d.sets["paused_step_remaining"] == 4
    paused = wf.Case("dibao", wf.AWAITING, resume_status=wf.INVESTIGATING, paused_step_remaining=4,
                     paused_final_remaining=20, accepted_on=TODAY)
    d = run(paused, "receive_materials", today=dt.date(2026, 11, 30))
    assert d.materials == (("receive", NOW),) and d.sets["status"] == wf.INVESTIGATING
    assert d.sets["step_deadline"] == dt.date(2026, 12, 4) and d.sets["resume_status"] is None


def test_transfer_takes_the_new_intakes_checklist_and_notes_the_reroute():
    d = run(wf.Case("temporary_relief", wf.SUBMITTED, route={"category": "temporary_relief"}), "transfer",
            to_intake="dibao")
    assert d.sets["intake"] == "dibao" and d.sets["scheme"] is None
    assert d.materials == (("checklist", definition("dibao").materials),)
    assert d.note == "人工改派：临时救助 → 低保（分类器建议：临时救助）"


def test_approval_and_refusal_record_the_decision():
    d = run(wf.Case("dibao", wf.COUNTY), "approve", role="county", amount="680", first_month="2026-12")
    assert d.sets["approved_amount"] == Decimal("680.00") and d.sets["decided_on"] == TODAY
    assert d.sets["priority"] == 2 and d.data == {"amount": "680.00", "first_month": "2026-12"}
    d = run(wf.Case("dibao", wf.COUNTY), "reject", role="county", reason="人均收入高于标准")
    assert d.sets["decision_reason"] == "人均收入高于标准" and d.sets["status"] == wf.REJECTED


def test_the_county_limit_comes_from_its_settings():
    county = {"time_limits": {"temporary_relief": {"township_approval_limit": 0}}}
    with pytest.raises(InvalidTransition, match="须报县审核"):
        run(wf.Case("temporary_relief", wf.INVESTIGATING), "approve", settings=county, amount="100")
    assert run(wf.Case("temporary_relief", wf.INVESTIGATING), "approve", amount="100").sets["status"] == wf.APPROVED
