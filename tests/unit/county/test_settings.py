"""County settings: what the chat and the notices would choke on is refused before it is saved."""

import pytest

from service.county.settings import menu_of, packaged_menu, problems


@pytest.mark.parametrize("hotline, ok", [("0561-12345", True), ("12345", True), ("+86 (0561) 6012345", True),
                                         ("热线12345", False), ("12", False), ("1" * 21, False), ("--", False)])
def test_hotline(hotline, ok):
    assert (problems("hotline", hotline) == []) is ok


def test_office_hours_are_one_short_line():
    assert problems("office_hours", "工作日 8:30-12:00") == []
    assert problems("office_hours", "上午\n下午") and problems("office_hours", "长" * 61) and problems("office_hours", " ")


def test_faq_answers_may_only_use_the_chats_placeholders():
    good = [{"keywords": ["材料"], "answer": "请带身份证。热线 {hotline}，{office_hours}，{county}民政局"}]
    assert problems("faq", good) == []
    cases = {
        "第 1 条：至少填一个关键词": [{"keywords": [], "answer": "x"}],
        "第 1 条：回答不能为空": [{"keywords": ["a"], "answer": " "}],
        "第 1 条：不认识的占位符 {phone}": [{"keywords": ["a"], "answer": "打 {phone}"}],
        "第 1 条：大括号不成对": [{"keywords": ["a"], "answer": "看 {hotline"}],
        "第 1 条：不认识的占位符 {0}": [{"keywords": ["a"], "answer": "{0}"}],
        "最多 50 条": [{"keywords": ["a"], "answer": "b"}] * 51,
    }
    for expected, value in cases.items():
        assert any(expected in p for p in problems("faq", value)), expected


def test_menu_rules_follow_wechat_and_the_chats_keys():
    assert problems("menu", packaged_menu()) == []
    assert problems("menu", {"button": []}) == ["菜单应有 1–3 个一级按钮"]
    four = {"button": [{"type": "click", "name": "申请", "key": "APPLY"}] * 4}
    assert problems("menu", four) == ["菜单应有 1–3 个一级按钮"]
    subs = {"button": [{"name": "更多", "sub_button": [{"type": "click", "name": "问答", "key": "POLICY"}] * 6}]}
    assert problems("menu", subs) == ["第 1 个按钮的子菜单应有 1–5 项"]
    found = problems("menu", {"button": [{"type": "view", "name": "政策", "url": "http://x.cn/"},
                                         {"type": "miniprogram", "name": "小程序"}]})
    assert found == ["第 1 个按钮：链接应以 https:// 开头", "第 2 个按钮：类型应为 click（点击）或 view（打开链接）"]


def test_notify_overrides_reuse_the_wording_checks():
    assert problems("notify", {"kinds": {"received": {"title": "收到了"}}}) == []
    assert any("first" in p for p in problems("notify", {"wechat": {"fields": {"first": "{title}"}}}))
    assert "没有这种通知：nonsense" in problems("notify", {"kinds": {"nonsense": {}}})
    assert problems("notify", {"kinds": {"received": {"title": "两\n行"}}}) == ["received.title：应为一行文字"]


def test_procedure_overrides_check_the_waiting_texts_for_the_template_fields():
    assert problems("procedures", {"waiting": {"accepted": {"next": "{due}前上门"}}}) == []
    found = problems("procedures", {"waiting": {"accepted": {"next": "{due}前由两名工作人员上门了解您家的情况"}}})
    assert found == ["waiting.accepted.next：模板消息每项最多 20 个字（日期按“12月31日”计）"]


def test_unknown_keys_are_refused_and_none_restores_the_default():
    assert problems("time_limits", {}) == ["没有这项设置：time_limits"]
    assert problems("menu", None) == []
    assert menu_of({}) == packaged_menu() and menu_of({"menu": {"button": [1]}}) == {"button": [1]}
