"""微信留言 page: operators see what the chat handed to a person and answer it from the page."""

from sqlalchemy import select

from service.extensions import db
from service.handoffs.models import Handoff
from service.notify.models import Notification
from tests.wechat_client import WeChat

REPORT = "我要举报村里有人骗低保<script>alert(1)</script>"


def _chat_handoff(app, text=REPORT) -> int:
    WeChat(app.test_client(), app.config["WECHAT_TOKEN"], "o_handoff_page").say(text)
    return db.session.scalars(select(Handoff.id)).one()


def test_operator_sees_the_message_escaped_and_the_count_in_the_menu(app, browser, county):
    _chat_handoff(app)
    browser.login("hotline")
    html = browser.get("/staff/handoffs").text
    assert "微信留言" in html and '<span class="count" aria-label="1 条待回复">1</span>' in html
    assert "我要举报村里有人骗低保&lt;script&gt;" in html and "<script>alert" not in html
    assert "o_handoff_page" not in html  # the openid is masked
    assert "· 机器人答不了 ·" in html  # the reason, in the message's heading


def test_answering_from_the_page_queues_the_message_and_moves_the_thread(app, browser, county):
    handoff_id = _chat_handoff(app)
    browser.login("hotline")
    browser.get("/staff/handoffs")
    response = browser.post(f"/staff/handoffs/{handoff_id}/answer", {"answer": "您好，举报请拨打 12345，我们会核查。"})
    assert response.status_code == 302
    assert "已回复居民" in browser.get("/staff/handoffs").text
    [row] = db.session.scalars(select(Notification).where(Notification.kind == "cs_text")).all()
    assert row.to_openid == "o_handoff_page" and "12345" in row.text
    assert "您好，举报请拨打" in browser.get("/staff/handoffs?tab=answered").text


def test_an_empty_answer_keeps_the_page_with_a_message_and_a_stale_one_says_why(app, browser, county):
    handoff_id = _chat_handoff(app)
    browser.login("hotline")
    browser.get("/staff/handoffs")
    empty = browser.post(f"/staff/handoffs/{handoff_id}/answer", {"answer": "   "})
    assert empty.status_code == 422 and "请填写回复内容" in empty.text
    assert browser.post(f"/staff/handoffs/{handoff_id}/close").status_code == 302
    stale = browser.post(f"/staff/handoffs/{handoff_id}/answer", {"answer": "您好"})
    assert stale.status_code == 409 and '<p class="flash flash-error" role="alert">这条留言已关闭，请刷新</p>' in stale.text
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.kind == "cs_text")) == 0


def test_without_the_csrf_token_nothing_is_sent(app, browser, county):
    handoff_id = _chat_handoff(app)
    browser.login("hotline")
    refused = browser.post(f"/staff/handoffs/{handoff_id}/answer", {"answer": "您好"}, csrf=False)
    assert refused.status_code == 400
    assert db.session.scalars(select(Handoff.status)).one() == "open"


def test_a_window_clerk_has_no_menu_entry_and_gets_the_403_page(app, browser, county):
    browser.login("suntuan")
    assert "微信留言" not in browser.get("/staff/queue").text
    refused = browser.get("/staff/handoffs")
    assert refused.status_code == 403 and "您的角色不能使用此页面" in refused.text
