"""The staff journeys of issue 6, in a real browser."""

import re

import pytest
from sqlalchemy import select

from tests.e2e.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _application(live_server, case_no):
    from service.extensions import db
    from service.intake.models import Application

    def read():
        app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
        return {"id": app.id, "status": app.status, "route": app.route, "intake": app.intake,
                "township": app.township.name, "urgent": app.urgent}

    return live_server.query(read)


def _outbox(live_server, application_id):
    """The applicant's notices in the notification outbox."""
    from service.extensions import db
    from service.notify.models import Notification

    return live_server.query(lambda: [
        (n.kind, n.text) for n in db.session.scalars(
            select(Notification).where(Notification.application_id == application_id).order_by(Notification.id))
    ])


def _status(page) -> str:
    return page.inner_text("#status").strip()


def test_window_clerk_takes_the_oldest_urgent_case_through_materials_to_approval(page, live_server):
    log_in(page, "suntuan")
    assert page.inner_text("h1") == "办理队列 · 孙疃镇"
    urgent = page.locator('tr[data-urgent="1"]')
    assert urgent.count() >= 1
    rows = [(urgent.nth(i).get_attribute("data-created"), urgent.nth(i).get_attribute("data-case-no"))
            for i in range(urgent.count())]
    case_no = min(rows, key=lambda row: row[0])[1]  # oldest by intake time; ties keep queue order
    # urgent rows come first in the queue
    first_rows = page.locator("tbody tr").all()[: len(rows)]
    assert all(r.get_attribute("data-urgent") == "1" for r in first_rows)
    page.click(f'a.case-link:text("{case_no}")')
    page.wait_for_url(f"**/staff/applications/{case_no}")
    assert "居民原话" in page.inner_text("main") and "分类器判断" in page.inner_text("main")

    page.click('summary[data-action="request_materials"]')
    page.check('input[name="missing"][value="户口簿"]')
    page.fill("#request_materials-missing_other", "住院费用票据")
    page.click('details[open] button[type="submit"]')
    page.wait_for_selector(".flash-ok")
    assert _status(page) == "待补正"
    assert "户口簿" in page.inner_text("#applicant-message")

    page.click('button[data-action="receive_materials"]')
    page.wait_for_selector(".flash-ok")
    page.click('button[data-action="start_investigation"]')
    page.wait_for_selector(".flash-ok")
    assert _status(page) == "调查核实中"

    page.click('summary[data-action="approve"]')
    page.fill("#approve-amount", "300")
    assert page.locator("#approve-first_month").count() == 0  # 临时救助 is paid once: no month to ask
    # 补正 ticked every item owed at once and all came in: nothing to confirm on the approval form
    assert page.locator('input[name="confirm_missing"]').count() == 0
    page.click('details[open] button[type="submit"]')
    page.wait_for_selector(".flash-ok")
    assert _status(page) == "已批准"
    message = page.inner_text("#applicant-message")
    assert "您的申请已批准：一次性救助300元" in message

    stored = _application(live_server, case_no)
    assert stored["status"] == "approved"
    outbox = _outbox(live_server, stored["id"])  # the notices the applicant gets, written with each step
    kinds = [kind for kind, _text in outbox]
    assert "materials_needed" in kinds and "approved" in kinds, outbox
    assert any("300" in text for kind, text in outbox if kind == "approved"), outbox


def test_hotline_operator_logs_a_call_and_sees_the_suggestion_before_submitting(page, live_server):
    log_in(page, "hotline")
    assert page.url.endswith("/staff/calls/new")
    assert page.evaluate("document.activeElement.id") == "phone"  # phone first, focused
    page.keyboard.type("13987654321")
    page.wait_for_selector("#phone-result p")
    assert "新来电人" in page.inner_text("#phone-result")
    page.keyboard.press("Tab")
    page.keyboard.type("刘春花")
    page.keyboard.press("Tab")
    page.keyboard.type("11010519491231002")
    assert "最后一位应为 X" in page.inner_text("#id_number-hint")
    page.keyboard.type("1")
    assert "校验位不对" in page.inner_text("#id_number-hint")
    page.keyboard.press("Backspace")
    page.keyboard.type("x")
    assert "校验位正确" in page.inner_text("#id_number-hint")
    page.select_option("#village_id", label="孙疃镇 秦口村")
    page.fill("#household_size", "3")
    page.locator("#description").focus()
    page.keyboard.type("昨晚家里失火，房子烧了一半，老人孩子没地方住")
    suggestion = page.wait_for_selector("#suggestion:not([hidden]) [data-category]")
    assert suggestion.get_attribute("data-category") == "temporary_relief"
    assert "临时救助" in page.inner_text("#suggestion")
    assert page.input_value("#intake") == "temporary_relief"  # pre-filled, still changeable
    assert page.is_checked("#urgent")  # urgent flag pre-set from the classifier
    assert page.url.endswith("/staff/calls/new")  # nothing submitted yet

    page.keyboard.press("Control+Enter")  # one keystroke
    page.wait_for_selector("#case-no")
    case_no = re.sub(r"\s", "", page.inner_text("#case-no"))
    assert re.fullmatch(r"\d{11}", case_no)
    stored = _application(live_server, case_no)
    assert stored["intake"] == "temporary_relief" and stored["urgent"] and stored["township"] == "孙疃镇"
    assert stored["route"]["category"] == "temporary_relief" and stored["route"]["chosen"] == "temporary_relief"

    # the same number again: the operator is told at once that an open 临时救助 exists, not its number or
    # the applicant's name (the caller is not verified)
    page.click("text=登记下一个来电")
    page.fill("#phone", "13987654321")
    page.wait_for_selector("#phone-result p:text('已有在办申请')")
    shown = page.inner_text("#phone-result")
    assert "已有在办申请：临时救助（请勿重复登记同类申请）" in shown and case_no not in shown and "刘" not in shown


def test_a_clerk_of_another_township_gets_the_404_page(page, live_server):
    from service.extensions import db
    from service.intake.models import Application, Township

    case_no = live_server.query(lambda: db.session.scalar(
        select(Application.case_no).join(Township).where(Township.name == "孙疃镇").limit(1)))
    log_in(page, "linhuan")
    response = page.goto(f"/staff/applications/{case_no}")
    assert response.status == 404  # exactly as for a case that does not exist
    assert "未找到" in page.inner_text("main")
    assert "居民原话" not in page.content()


def test_an_operator_answers_a_wechat_message_from_the_keyboard(page, live_server):
    from service.extensions import db
    from service.notify.models import Notification

    log_in(page, "hotline")
    menu = page.locator('nav a:has-text("微信留言")')
    assert menu.locator(".count").inner_text() == "2"  # the demo's two waiting messages
    menu.click()
    page.wait_for_url("**/staff/handoffs")
    first = page.locator("section.handoff").first
    assert "小轿车" in first.inner_text()  # oldest first
    first.locator("textarea").focus()
    page.keyboard.type("您好，您反映的情况已转给孙疃镇核查，结果会告诉您。")
    page.keyboard.press("Tab")  # to 发送回复
    assert page.evaluate("document.activeElement.textContent") == "发送回复"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已回复居民" in page.inner_text("main")
    assert page.locator('nav a:has-text("微信留言") .count').inner_text() == "1"
    texts = live_server.query(lambda: [n.text for n in db.session.scalars(
        select(Notification).where(Notification.kind == "cs_text"))])
    assert any("转给孙疃镇核查" in t for t in texts)
    with page.expect_navigation():  # the other one needs no answer: closed, nothing sent
        page.locator("section.handoff").first.locator('button:has-text("无需回复，关闭")').click()
    assert "已关闭这条留言" in page.inner_text("main") and page.locator("section.handoff").count() == 0


@pytest.mark.parametrize("username, path", [
    ("suntuan", "/staff/queue"), ("suntuan", "first-case"), ("hotline", "/staff/calls/new"),
    ("county", "/staff/dashboard"), ("county", "/staff/reports/monthly"), ("hotline", "/staff/handoffs"),
])
def test_pages_fit_a_phone_screen(page, live_server, username, path):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, username)
    if path == "first-case":
        page.goto("/staff/queue")
        path = page.locator("a.case-link").first.get_attribute("href")
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 375px phone"
    if page.evaluate("document.activeElement === document.body"):  # pages without autofocus
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"  # the first stop
    page.focus("a.skip")
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0, "the skip link must be visible when focused"


def _dibao_in_notice(live_server, started_days_ago: int) -> str:
    """A 低保 case of 孙疃镇 whose 公示 started `started_days_ago` days ago, taken there by the use cases."""
    import datetime as dt

    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.clock import today
    from service.extensions import db
    from service.intake import opening, services
    from service.intake.models import Village

    def make():
        staff = {u.username: actor_of(u) for u in db.session.scalars(select(StaffUser))}
        village = db.session.scalars(select(Village).where(Village.name == "秦口村")).one()
        started = today() - dt.timedelta(days=started_days_ago)
        payload = {"phone": "13912340077", "name": "周玉兰", "village_id": village.id, "intake": "dibao",
                   "description": "老伴去世，我腿脚不好，想申请低保", "household_size": 1}
        case_no = opening.open_application(staff["hotline"], payload, channel="hotline",
                                            today=started)["case_no"]
        for action in ("accept", "start_investigation", "start_public_notice"):
            services.act(staff["suntuan"], case_no, action, {}, None, today=started)
        return case_no

    return live_server.query(make)


def test_window_clerk_waits_out_the_public_notice_then_sends_the_file_to_the_county(page, live_server):
    case_no = _dibao_in_notice(live_server, 3)
    log_in(page, "suntuan")
    page.goto(f"/staff/applications/{case_no}")
    assert _status(page) == "公示中"
    closed = page.locator('button[data-action="submit_to_county"]')
    assert closed.is_disabled() and "起才能报县审核" in page.inner_text("#wait-submit_to_county")
    assert "公示到" in page.inner_text("#applicant-message")

    from tests.procedure_helpers import notice_started_days_ago

    live_server.query(lambda: notice_started_days_ago(case_no, 7))  # a week later
    page.reload()
    page.click('button[data-action="close_public_notice"]')
    page.wait_for_selector(".flash-ok")
    assert "登记无异议" in page.inner_text("#public-notice")
    page.click('button[data-action="submit_to_county"]')
    page.wait_for_selector(".flash-ok")
    assert _status(page) == "待县审核"
    assert "已报县民政局审核确认" in page.inner_text("#applicant-message")

    kinds = [kind for kind, _text in _outbox(live_server, _application(live_server, case_no)["id"])]
    assert kinds[-2:] == ["public_notice_started", "county_review"]  # one notice per step, in order
