"""Issue 13's last dead ends: 重新填写 wipes nothing without a yes, progress questions while binding, and
an ID number's X dictated as 叉/艾克斯/埃克斯."""

import pytest

from tests.unit.chat.conftest import id_number
from tests.unit.chat.test_dialogue import DIBAO

ID = id_number("19520315")
WITH_X = "11010519491231002X"  # DOMAIN.md's example: it validates with its X


@pytest.mark.parametrize("wipe", ["2", "２", "重新填写", "全部重填"])
@pytest.mark.parametrize("yes", ["是", "确认", "是的"])
def test_starting_the_form_over_at_the_summary_asks_first_and_a_yes_wipes(chat, wipe, yes):
    chat.conversation(*DIBAO)
    reply = chat.say(wipe)
    assert "确定要全部重填吗" in reply and chat.step == "summary" and chat.form["name"] == "张秀英"
    assert "姓名" in chat.say(yes) and chat.step == "name" and chat.form == {}


@pytest.mark.parametrize("other", ["不", "不是", "算了吧", "1", "提交", "啥"])
def test_anything_but_yes_keeps_every_answer(chat, other):
    chat.conversation(*DIBAO)
    form = dict(chat.form)
    chat.say("2")
    reply = chat.say(other)
    assert "都保留着" in reply and "请核对" in reply and chat.step == "summary" and chat.form == form
    assert not chat.ports.submitted  # "1" after the question is not taken as a submit either
    assert "案件号：" in chat.say("1")  # and the kept form is submitted as it was


def test_a_change_asked_for_instead_of_a_yes_keeps_the_form_and_changes_that_answer(chat):
    chat.conversation(*DIBAO, "2")
    assert "改电话" in chat.say("改电话") and chat.step == "phone"
    chat.say("13900001111")
    assert chat.step == "summary" and chat.form["name"] == "张秀英"
    assert "案件号：" in chat.say("1")  # no wipe question left waiting


@pytest.mark.parametrize("words", ["咋样了", "批了没有", "到哪一步了", "俺那个申请咋样了", "进度"])
def test_a_progress_question_while_binding_says_how_binding_gives_progress(chat, words):
    chat.say("绑定")
    reply = chat.say(words)
    assert "绑定以后就能查进度" in reply and reply.endswith("请输入您的案件号（11位数字）。")
    assert "案件号应为11位数字" not in reply and chat.step == "bind_case" and not chat.ports.bound


def test_a_progress_question_while_binding_answers_the_progress_there_is(chat):
    chat.conversation(*DIBAO, "1")
    chat.conversation("绑定", "26120000009")
    reply = chat.say("批了没有")
    assert "26120000001" in reply and "待受理" in reply and "身份证号码的后四位" in reply
    assert chat.step == "bind_last4" and chat.state["data"]["case_no"] == "26120000009"


@pytest.mark.parametrize("said", [
    "11010519491231002叉", "110105 19491231 002 叉", "11010519491231002艾克斯",
    "11010519491231002埃克斯", "一一零一零五一九四九一二三一零零二叉", "身份证11010519491231002大写的叉",
])
def test_a_dictated_x_at_the_end_of_an_id_number_is_read_as_x(chat, said):
    chat.conversation(*DIBAO[:3])
    reply = chat.say(said)
    assert chat.step == "phone", reply
    assert chat.form["id_number"] == WITH_X


@pytest.mark.parametrize("said", ["002叉", "零零二叉", "0 0 2 艾克斯", "００２ｘ", "002埃克斯"])
def test_a_dictated_x_in_the_last_four_is_read_as_x(chat, said, monkeypatch):
    tried = []
    monkeypatch.setattr(chat.ports, "bind", lambda case_no, last4: tried.append((case_no, last4)) or True)
    chat.conversation("绑定", "26120000001")
    assert "绑定成功" in chat.say(said)
    assert tried == [("26120000001", "002X")]
