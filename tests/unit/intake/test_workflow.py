import datetime as dt
from decimal import Decimal

import pytest

from service.errors import Forbidden, InvalidInput, InvalidTransition
from service.intake import workflow as wf
from service.intake.deadlines import step_deadline
from service.intake.procedures import definition, limits_for
from service.intake.workdays import OFFICIAL

TODAY = dt.date(2026, 11, 23)


def step(case, action, role="window", today=TODAY, **params):
    change = wf.decide(case, action, role, params, today=today)
    ends = today + dt.timedelta(days=7) if action == "start_public_notice" else case.notice_ends_on
    return wf.Case(change.intake, change.to_status, case.urgent,
                   case.emergency_aid_paid or action == "emergency_aid",
                   change.from_status if change.clock == "pause" else None,
                   ends if change.to_status == wf.NOTICE else None,
                   action == "close_public_notice" or (case.notice_cleared and change.to_status == wf.NOTICE)), change


def test_dibao_goes_through_public_notice_to_the_county():
    case = wf.Case("dibao", wf.SUBMITTED)
    for action in ("accept", "start_investigation", "start_public_notice"):
        case, _ = step(case, action)
    later = TODAY + dt.timedelta(days=7)
    for action in ("close_public_notice", "submit_to_county"):
        case, _ = step(case, action, today=later)
    assert case.status == wf.COUNTY
    case, change = step(case, "approve", role="county", amount="680", first_month="2026-12")
    assert case.status == wf.APPROVED
    assert change.data == {"amount": Decimal("680.00"), "first_month": "2026-12"}
    assert wf.allowed_actions(case, "county") == []


def test_dibao_cannot_skip_public_notice():
    with pytest.raises(InvalidTransition, match="公示"):
        wf.decide(wf.Case("dibao", wf.INVESTIGATING), "submit_to_county", "window", {}, today=TODAY)


def test_child_welfare_is_never_publicly_noticed():
    case = wf.Case("child_welfare", wf.INVESTIGATING)
    assert "start_public_notice" not in wf.allowed_actions(case, "window")
    with pytest.raises(InvalidTransition, match="不公示"):
        wf.decide(case, "start_public_notice", "window", {}, today=TODAY)
    case, _ = step(case, "submit_to_county")
    assert case.status == wf.COUNTY


def test_an_objection_during_notice_sends_it_back_to_investigation():
    case, change = step(wf.Case("dibao", wf.NOTICE), "reinvestigate", reason="村民提出异议")
    assert case.status == wf.INVESTIGATING and change.data["reason"] == "村民提出异议"


def test_materials_request_pauses_and_receipt_accepts_a_new_application():
    case, change = step(wf.Case("dibao", wf.SUBMITTED), "request_materials", missing=["户口簿", " 户口簿", "授权书"])
    assert change.clock == "pause" and change.data["missing"] == ["户口簿", "授权书"]
    case, change = step(case, "receive_materials")
    assert case.status == wf.ACCEPTED and change.clock == "restart"


def test_materials_requested_during_investigation_resume_it():
    case, _ = step(wf.Case("dibao", wf.INVESTIGATING), "request_materials", missing=["诊断证明"])
    case, change = step(case, "receive_materials")
    assert case.status == wf.INVESTIGATING and change.clock == "resume"


def test_materials_request_needs_the_whole_list():
    with pytest.raises(InvalidInput) as err:
        wf.decide(wf.Case("dibao", wf.SUBMITTED), "request_materials", "window", {"missing": [" "]}, today=TODAY)
    assert "一次性" in err.value.fields["missing"][0]


@pytest.mark.parametrize("params, field", [
    ({"first_month": "2026-12"}, "amount"),
    ({"amount": "abc", "first_month": "2026-12"}, "amount"),
    ({"amount": "-5", "first_month": "2026-12"}, "amount"),
    ({"amount": "680"}, "first_month"),
    ({"amount": "680", "first_month": "2026-13"}, "first_month"),
    ({"amount": "680", "first_month": "2026-10"}, "first_month"),
    ({"amount": "680", "first_month": "2026-11"}, "first_month"),  # the month of approval: paid from the next
])
def test_approval_needs_a_valid_amount_and_first_month(params, field):
    with pytest.raises(InvalidInput) as err:
        wf.decide(wf.Case("dibao", wf.COUNTY), "approve", "county", params, today=TODAY)
    assert field in err.value.fields


@pytest.mark.parametrize("intake", ["dibao", "child_welfare"])
def test_monthly_benefits_start_the_month_after_approval_even_across_the_year(intake):
    with pytest.raises(InvalidInput) as err:
        wf.decide(wf.Case(intake, wf.COUNTY), "approve", "county", {"amount": "680", "first_month": "2026-12"},
                  today=dt.date(2026, 12, 31))
    assert "2027-01" in err.value.fields["first_month"][0]
    change = wf.decide(wf.Case(intake, wf.COUNTY), "approve", "county", {"amount": "680", "first_month": "2027-01"},
                       today=dt.date(2026, 12, 31))
    assert change.data["first_month"] == "2027-01"


def test_temporary_relief_is_paid_once_and_needs_no_month():
    change = wf.decide(wf.Case("temporary_relief", wf.INVESTIGATING), "approve", "window", {"amount": "300"},
                       today=TODAY, township_limit=500)
    assert change.data["first_month"] is None and change.to_status == wf.APPROVED
    with pytest.raises(InvalidInput):  # a month given must still be a real one
        wf.decide(wf.Case("temporary_relief", wf.INVESTIGATING), "approve", "window",
                  {"amount": "300", "first_month": "2026-10"}, today=TODAY, township_limit=500)


def test_rejection_needs_a_reason_the_applicant_can_read():
    with pytest.raises(InvalidInput) as err:
        wf.decide(wf.Case("dibao", wf.COUNTY), "reject", "county", {"reason": "不行"}, today=TODAY)
    assert "理由" in err.value.fields["reason"][0]
    change = wf.decide(wf.Case("dibao", wf.COUNTY), "reject", "county", {"reason": "家庭人均收入高于标准"},
                       today=TODAY)
    assert change.to_status == wf.REJECTED


def test_only_the_county_decides_a_file_it_has_received():
    case = wf.Case("dibao", wf.COUNTY)
    for action, params in (("approve", {"amount": "1", "first_month": "2026-12"}), ("reject", {"reason": "理由充分"})):
        with pytest.raises(Forbidden):
            wf.decide(case, action, "window", params, today=TODAY)


def test_operators_and_admins_cannot_take_workflow_steps():
    for role in ("operator", "admin"):
        assert wf.allowed_actions(wf.Case("dibao", wf.SUBMITTED), role) == []
        with pytest.raises(Forbidden):
            wf.decide(wf.Case("dibao", wf.SUBMITTED), "accept", role, {}, today=TODAY)


def test_township_approves_temporary_relief_within_its_limit_only():
    case = wf.Case("temporary_relief", wf.INVESTIGATING)
    assert wf.decide(case, "approve", "window", {"amount": "500", "first_month": "2026-11"},
                     today=TODAY, township_limit=500).to_status == wf.APPROVED
    with pytest.raises(InvalidInput, match="限额"):
        wf.decide(case, "approve", "window", {"amount": "800", "first_month": "2026-11"}, today=TODAY,
                  township_limit=500)
    assert wf.decide(case, "approve", "county", {"amount": "800", "first_month": "2026-11"},
                     today=TODAY).to_status == wf.APPROVED
    with pytest.raises(InvalidTransition, match="报县"):
        wf.decide(wf.Case("dibao", wf.NOTICE), "approve", "window", {"amount": "5", "first_month": "2026-12"},
                  today=TODAY)


def test_emergency_aid_is_paid_first_once_for_urgent_temporary_relief():
    case = wf.Case("temporary_relief", wf.SUBMITTED, urgent=True)
    case, change = step(case, "emergency_aid", amount="300")
    assert case.status == wf.ACCEPTED and change.data["amount"] == Decimal("300.00")
    with pytest.raises(InvalidTransition, match="已先行救助"):
        wf.decide(case, "emergency_aid", "window", {"amount": "100"}, today=TODAY)
    with pytest.raises(InvalidTransition, match="急难"):
        wf.decide(wf.Case("temporary_relief", wf.SUBMITTED), "emergency_aid", "window", {"amount": "1"}, today=TODAY)
    with pytest.raises(InvalidTransition, match="临时救助"):
        wf.decide(wf.Case("dibao", wf.SUBMITTED, urgent=True), "emergency_aid", "window", {"amount": "1"},
                  today=TODAY)


def test_transfer_moves_to_another_intake_and_starts_over():
    case, change = step(wf.Case("temporary_relief", wf.ACCEPTED), "transfer", to_intake="dibao")
    assert (case.intake, case.status) == ("dibao", wf.SUBMITTED)
    with pytest.raises(InvalidInput):
        wf.decide(case, "transfer", "window", {"to_intake": "dibao"}, today=TODAY)


def test_referral_names_who_takes_it_over():
    with pytest.raises(InvalidInput):
        wf.decide(wf.Case("dibao", wf.SUBMITTED), "refer", "window", {}, today=TODAY)
    change = wf.decide(wf.Case("dibao", wf.SUBMITTED), "refer", "window",
                       {"department": "县残联", "contact": "0561-1234567"}, today=TODAY)
    assert change.to_status == wf.REFERRED and change.data["department"] == "县残联"


def test_closed_applications_allow_nothing():
    for status in wf.CLOSED_STATES:
        assert wf.allowed_actions(wf.Case("dibao", status), "county") == []
        with pytest.raises(InvalidTransition):
            wf.decide(wf.Case("dibao", status), "withdraw", "window", {}, today=TODAY)


def test_step_deadlines_follow_the_intake_limits():
    dibao, procedure = limits_for("dibao"), definition("dibao")
    assert step_deadline(procedure, wf.SUBMITTED, dibao, TODAY, OFFICIAL) == dt.date(2026, 11, 26)
    assert step_deadline(procedure, wf.SUBMITTED, dibao, TODAY, OFFICIAL, urgent=True) == TODAY
    assert step_deadline(procedure, wf.NOTICE, dibao, TODAY, OFFICIAL) == dt.date(2026, 11, 30)  # 7 calendar days
    assert step_deadline(procedure, wf.COUNTY, dibao, TODAY, OFFICIAL) == dt.date(2026, 12, 7)  # 10 WD
    assert step_deadline(procedure, wf.AWAITING, dibao, TODAY, OFFICIAL) is None


def test_scheme_and_county_overrides_layer_on_the_defaults():
    assert limits_for("dibao", "tekun").county_days == 15
    assert limits_for("child_welfare", "orphan").county_days == 10
    custom = limits_for("dibao", None, {"dibao": {"county_days": 8, "bogus": 3}})
    assert custom.county_days == 8 and custom.total_days == 30
