"""Issue 12's journey in a real browser: a 低保 case from 受理 through the household, the investigation, a full
公示 and the county's computed approval, the applicant told one consistent thing per step, in order."""

import pytest

from tests.e2e.browser.conftest import log_in
from tests.e2e.browser.test_staff_journeys import _application, _outbox, _status
from tests.integration.casework_helpers import CHILD_ID, SPOUSE_ID, an_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # the longest journey: run by make test-slow


def _new_dibao_case(live_server) -> str:
    """A 低保 application of 孙疃镇 as the hotline registers it today (the clerk takes it from there)."""
    from sqlalchemy import select

    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.extensions import db
    from service.intake import opening
    from service.intake.models import Village

    def make():
        hotline = actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == "hotline")).one())
        village = db.session.scalars(select(Village).where(Village.name == "徐圩村")).one()
        payload = {"phone": "13912340088", "name": "周桂芝", "id_number": an_id("19580312", "022"),
                   "village_id": village.id, "intake": "dibao", "household_size": 3,
                   "description": "老伴是一级残疾，孩子在上学，只靠我打零工，想申请低保"}
        return opening.open_application(hotline, payload, channel="hotline")["case_no"]

    return live_server.query(make)


def _act(page, action: str) -> None:
    page.click(f'button[data-action="{action}"]')
    page.wait_for_selector(".flash-ok")


def test_a_dibao_case_goes_from_acceptance_to_a_computed_county_approval(page, live_server):
    case_no = _new_dibao_case(live_server)
    log_in(page, "suntuan")
    page.goto(f"/staff/applications/{case_no}")
    _act(page, "accept")

    # the household: 本人 is the applicant (her name stays masked on the page), a disabled spouse, a pupil
    assert page.locator("#household-edit").get_attribute("open") is not None  # nothing saved yet: open
    page.fill("#m-1-name", "李建国")
    page.select_option("#m-1-relation", "spouse")
    page.fill("#m-1-id_number", SPOUSE_ID)
    page.check("#m-1-disability_grade_1_2")
    page.select_option("#m-2-relation", "child")
    page.fill("#m-2-name", "李小军")
    page.fill("#m-2-id_number", CHILD_ID + "0")  # one digit too many: told beside the box, nothing saved
    page.click('button[data-save="household"]')
    assert "应为18位" in page.inner_text("#m-2-id_number-error")
    page.fill("#m-2-id_number", CHILD_ID)
    page.check("#m-2-in_school")
    page.click('button[data-save="household"]')
    page.wait_for_selector(".flash-ok")
    assert "共 3 人，计入 3 人" in page.inner_text("#household-summary")
    # a fourth member serving a sentence is added and not counted
    page.click('summary[data-form="household"]')
    page.select_option("#m-3-relation", "child")
    page.fill("#m-3-name", "李大军")
    page.select_option("#m-3-excluded_reason", "prison")
    page.click('button[data-save="household"]')
    page.wait_for_selector(".flash-ok")
    assert "共 4 人，计入 3 人" in page.inner_text("#household-summary")
    assert "不计入：正在服刑" in page.inner_text("#members") and SPOUSE_ID not in page.inner_text("#members")
    assert "周桂芝" not in page.content()  # the applicant's name stays masked, in the household too

    # the investigation: two visitors, income per member per month (the disability subsidy is exempt)
    _act(page, "start_investigation")
    page.click('summary[data-form="investigation"]')
    page.check('input[data-visitor="陈刚"]')
    assert page.is_checked('input[data-visitor="王芳"]')  # the clerk herself, ticked already
    page.select_option("#inc-0-member_id", label="本人 周**")
    page.select_option("#inc-0-kind", "wages")
    page.fill("#inc-0-amount", "1000")
    page.select_option("#inc-1-member_id", label="配偶 李建国")
    page.select_option("#inc-1-kind", "disability_subsidy")
    page.fill("#inc-1-amount", "100")
    page.fill("#living_conditions", "三间砖瓦房，屋内陈设简陋，无大件家电")
    page.check("#applicant_signed")
    page.fill("#signed_on", page.input_value("#visited_on"))
    page.click('button[data-save="investigation"]')
    page.wait_for_selector(".flash-ok")
    record = page.inner_text("#investigations")
    assert "王芳、陈刚" in record and "周** · 工资性收入 · 每月 1000.00 元" in record

    # 公示: the full 7 days, then its end recorded (无异议), then the file goes to the county
    _act(page, "start_public_notice")
    assert _status(page) == "公示中" and page.locator('button[data-action="submit_to_county"]').is_disabled()
    from tests.procedure_helpers import notice_started_days_ago

    live_server.query(lambda: notice_started_days_ago(case_no, 7))  # a week later
    page.reload()
    _act(page, "close_public_notice")
    assert "登记无异议" in page.inner_text("#public-notice")
    _act(page, "submit_to_county")
    assert _status(page) == "待县审核"

    # the county reads the computation and approves the amount it proposes
    page.context.clear_cookies()
    log_in(page, "county")
    page.goto(f"/staff/applications/{case_no}")
    page.click('summary[data-action="approve"]')
    computation = page.inner_text("#approval-computation")
    assert "人均月收入 266.67 元，低于标准 439 元" in computation
    assert page.inner_text("#proposed-amount") == "517" and page.input_value("#approve-amount") == "517"
    if page.locator('input[name="confirm_missing"]').count():  # no paper was marked on this walk
        page.check('input[name="confirm_missing"]')
    page.click('details[open] button[type="submit"]')
    page.wait_for_selector(".flash-ok")
    assert _status(page) == "已批准"
    assert "517" in page.inner_text("#applicant-message")

    notices = _outbox(live_server, _application(live_server, case_no)["id"])
    assert [kind for kind, _text in notices] == [
        "received", "accepted", "investigation_started", "public_notice_started", "county_review", "approved"]
    texts = dict(notices)
    assert "517" in texts["approved"] and "517" not in "".join(t for k, t in notices if k != "approved")
    assert "公示" in texts["public_notice_started"] and "已报县民政局审核" in texts["county_review"]
