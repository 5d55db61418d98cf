"""The dialogue against a fake of its ports (issue 15): each dead end of issue 13 is a conversation here."""

import inspect

import pytest

from service.chat.ports import DatabasePorts
from tests.unit.chat.conftest import id_number
from tests.unit.chat.fake_ports import FakePorts

ID = id_number("19520315")
DIBAO = ["俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", ID, "13812345678", "孙疃镇秦口村", "3", "一千五", "0"]


def test_the_fake_has_every_method_of_the_database_ports():
    public = {n for n, _ in inspect.getmembers(DatabasePorts) if not n.startswith("_")} - {"county", "places"}
    assert public <= set(dir(FakePorts())), public - set(dir(FakePorts()))
    for name in public - {"info"}:
        real, fake = inspect.signature(getattr(DatabasePorts, name)), inspect.signature(getattr(FakePorts, name))
        assert list(real.parameters) == list(fake.parameters), name


@pytest.mark.parametrize("words", ["批了没有", "俺那个申请咋样了", "到哪一步了", "有啥进展没"])
def test_a_progress_question_mid_form_answers_progress_and_asks_the_same_question_again(chat, words):
    chat.conversation(*DIBAO, "1")
    chat.conversation("家里又着火了没地方住", "1", "张秀英", ID)
    form = dict(chat.form)
    reply = chat.say(words)
    assert "26120000001" in reply and "待受理" in reply  # the first application's progress
    assert reply.endswith(chat.dialogue.question(chat.state)) and "电话" in reply.splitlines()[-1]
    assert chat.step == "phone" and chat.form == form
    assert not chat.ports.handoffs


@pytest.mark.parametrize("words", ["俺申请的救助到哪一步了，房子昨晚塌了，今晚一家人没处住",
                                   "低保批下来没有啊 俺娘今天又犯病了 拿药的钱都凑不出来"])
def test_chasing_an_application_while_the_emergency_is_still_on_reaches_a_person(chat, words):
    chat.conversation(*DIBAO, "1")
    reply = chat.say(words)
    assert reply.startswith("您说的情况很紧急") and "120" in reply  # the emergency first, with who to call
    assert "补充到申请 26120000001" in reply and "待受理" in reply  # then where the application stands
    assert chat.ports.notes == [("26120000001", words)]
    assert chat.ports.handoffs == [(words, "urgent")]
    assert chat.step == "idle" and len(chat.ports.submitted) == 1  # no second application started


def test_an_urgent_progress_question_with_nothing_applied_for_offers_an_application(chat):
    reply = chat.say("俺申请的救助到哪一步了，房子昨晚塌了，今晚一家人没处住")
    assert reply.startswith("您说的情况很紧急") and "临时救助" in reply
    assert chat.step in ("confirm_intake", "choose_intake")
    assert not chat.ports.notes and not chat.ports.handoffs


def test_a_calm_progress_question_only_answers_progress(chat):
    chat.conversation(*DIBAO, "1")
    reply = chat.say("俺那个低保批了没有")
    assert "26120000001" in reply and "紧急" not in reply
    assert not chat.ports.notes and not chat.ports.handoffs


def test_an_answer_that_looks_like_a_question_is_still_an_answer(chat):
    chat.conversation(*DIBAO[:8])
    chat.say("老汉瘫了好几年，申请批了没有也不知道，家里没收入")
    assert chat.step == "summary" and "没收入" in chat.form["situation"]


@pytest.mark.parametrize("said, kind, number, in_description", [
    ("13812345678", "mobile", "13812345678", None),
    ("俺儿子的 138 1234 5678", "relative", "13812345678", "联系电话是儿子的手机"),
    ("１３８１２３４５６７８ 这是俺闺女的", "relative", "13812345678", "联系电话是闺女的手机"),
    ("0561-1234567", "landline", None, "只有座机：05611234567"),
    ("05613012345", "landline", None, "只有座机：05613012345"),
    ("家里座机 0561 3012345", "landline", None, "只有座机：05613012345"),
    ("没有", "none", None, "申请人没有电话：请通过村委会联系或上门"),
    ("俺没手机", "none", None, "申请人没有电话"),
    ("没有手机", "none", None, "申请人没有电话"),
])
def test_the_phone_step_takes_a_relatives_mobile_a_landline_or_none(chat, said, kind, number, in_description):
    chat.conversation(*DIBAO[:4])
    reply = chat.say(said)
    assert chat.step == "village", reply
    if kind == "none":
        assert "微信" in reply and "村委会" in reply  # how they will hear
    chat.conversation(*DIBAO[5:], "1")
    sent = chat.ports.submitted[-1]
    assert sent["payload"]["phone"] == number
    assert sent["route"].get("contact", "mobile") == kind
    if in_description:
        assert sent["payload"]["description"].startswith("联系方式：" + in_description)


@pytest.mark.parametrize("said, words", [
    ("1234567", "区号"), ("138123", "11位"), ("随便", "没有"), ("0561-12", "11位"),
])
def test_a_phone_answer_that_is_none_of_those_says_what_to_send(chat, said, words):
    chat.conversation(*DIBAO[:4])
    assert words in chat.say(said) and chat.step == "phone"


def test_every_choice_lists_the_three_intakes_and_none_of_these(chat):
    chat.say(DIBAO[0])
    choices = chat.say("不是")
    for name in ("临时救助", "低保", "儿童福利", "都不是"):
        assert name in choices
    assert "名字" in choices


@pytest.mark.parametrize("said, intake", [
    ("我想要临时救助", "临时救助"), ("低保", "低保"), ("孩子的事", "儿童福利"), ("３", "儿童福利"), ("三", "儿童福利"),
    ("第一个", "临时救助"), ("2", "低保"), ("二", "低保"), ("俺要办地保", "低保"),
])
def test_a_choice_is_taken_in_words_and_any_kind_of_digit(chat, said, intake):
    chat.conversation(DIBAO[0], "不是")
    reply = chat.say(said)
    assert chat.step == "confirm_intake" and intake in reply, reply


@pytest.mark.parametrize("said", ["都不是", "4", "四"])
def test_none_of_these_goes_to_a_person(chat, said):
    chat.conversation(DIBAO[0], "不是")
    assert "工作人员" in chat.say(said) and chat.step == "idle"
    assert chat.ports.handoffs == [(DIBAO[0], "no_intake")]


def test_a_wrong_scheme_is_corrected_in_words_at_the_confirmation(chat):
    chat.say(DIBAO[0])
    assert "临时救助" in chat.say("不是，是临时救助") and chat.state["data"]["intake"] == "temporary_relief"
    assert "姓名" in chat.say("对")


def test_an_unreadable_choice_shows_the_list_again(chat):
    chat.conversation(DIBAO[0], "不是")
    reply = chat.say("啥")
    assert "低保" in reply and "都不是" in reply and chat.step == "choose_intake"


@pytest.mark.parametrize("said, accept, village", [
    ("情扣村", "1", "孙疃镇秦口村"), ("情扣村", "是", "孙疃镇秦口村"), ("情扣村", "对", "孙疃镇秦口村"),
    ("孙疃镇情扣", "２", "孙疃镇王楼村"), ("刘债", None, "孙疃镇刘寨村"),
])
def test_a_village_with_typos_gets_numbered_suggestions(chat, said, accept, village):
    chat.conversation(*DIBAO[:5])
    reply = chat.say(said)
    if accept:
        assert "1. 孙疃镇秦口村" in reply and chat.step == "village"
        chat.say(accept)
    assert chat.step == "household" and chat.form["village"][1] == village


def test_a_place_nowhere_near_is_asked_again(chat):
    chat.conversation(*DIBAO[:5])
    assert "没有找到这个村" in chat.say("北京朝阳") and chat.step == "village"


@pytest.mark.parametrize("change, field, answer", [
    ("改电话", "phone", "13900001111"), ("电话不对", "phone", "13900001111"), ("5", "phone", "13900001111"),
    ("名字错了", "name", "张秀兰"), ("３", "name", "张秀兰"), ("村写错了", "village", "秦口"),
    ("改第7项", "household", "4"), ("身份证号填错了", "id_number", id_number("19550101")),
])
def test_one_answer_is_changed_at_the_summary_without_retyping_the_rest(chat, change, field, answer):
    chat.conversation(*DIBAO)
    before = dict(chat.form)
    chat.say(change)
    assert chat.step == field
    reply = chat.say(answer)
    assert chat.step == "summary" and "请核对" in reply
    assert {k: v for k, v in chat.form.items() if k != field} == {k: v for k, v in before.items() if k != field}
    assert chat.form[field] != before[field] or field == "village"


def test_back_while_changing_returns_to_the_summary(chat):
    chat.conversation(*DIBAO, "改电话")
    assert "请核对" in chat.say("返回") and chat.step == "summary"


@pytest.mark.parametrize("said, step, taken", [
    (f"张秀英 {ID}", "phone", {"name": "张秀英", "id_number": ID}),
    (f"俺叫张秀英，身份证{ID}，电话13812345678", "village", {"name": "张秀英", "id_number": ID}),
    ("张秀英 13812345678", "id_number", {"name": "张秀英"}),
])
def test_two_answers_in_one_message_are_both_taken(chat, said, step, taken):
    chat.conversation(*DIBAO[:2])
    chat.say(said)
    assert chat.step == step and {k: chat.form[k] for k in taken} == taken
    if step == "id_number":  # the phone given early is used when its turn comes
        assert "电话也记下了" in chat.say(ID) and chat.step == "village"
        assert chat.form["phone"]["number"] == "13812345678"


def test_an_id_and_a_phone_in_one_message(chat):
    chat.conversation(*DIBAO[:3])
    chat.say(f"{ID} 13812345678")
    assert chat.step == "village" and chat.form["phone"]["number"] == "13812345678"


@pytest.mark.parametrize("born, words", [
    ("20300101", "今天以后"), ("18800101", "超过120岁"), ("19490231", "不是真实的日子"), ("20261203", "今天以后"),
])
def test_implausible_birth_dates_in_an_id_number_are_refused_with_the_reason(chat, born, words):
    chat.conversation(*DIBAO[:3])
    reply = chat.say(id_number(born))
    assert words in reply and chat.step == "id_number"


def test_a_birth_date_of_today_or_119_years_ago_is_taken(chat):
    chat.conversation(*DIBAO[:3])
    chat.say(id_number("20261202"))
    assert chat.step == "phone"


CHILD = ["孩子爹妈都没了没人管", "1", "王桂兰", ID, "13712345678", "孙疃镇秦口村", "奶奶"]


@pytest.mark.parametrize("age, expected", [("8", 8), ("八岁", 8), ("８岁", 8), ("十二", 12), ("2016年生的", 10),
                                           ("三个月", 0), ("8岁半", 8)])
def test_child_welfare_asks_the_childs_name_and_age(chat, age, expected):
    replies = chat.conversation(*CHILD)
    assert "孩子叫什么名字" in replies[-1]
    assert "几岁" in chat.say("王小明")
    chat.say(age)
    assert chat.step == "child_situation" and chat.form["child_age"] == expected
    summary = chat.say("爹妈都不在了，奶奶带着")
    assert "孩子姓名：王小明" in summary and f"孩子年龄：{expected}岁" in summary
    chat.say("1")
    assert f"孩子：王小明，{expected}岁" in chat.ports.submitted[-1]["payload"]["description"]


@pytest.mark.parametrize("age, words", [("25", "不满18岁"), ("2030年出生", "以后"), ("不知道", "年龄")])
def test_a_childs_age_that_cannot_be_is_refused(chat, age, words):
    chat.conversation(*CHILD, "王小明")
    assert words in chat.say(age) and chat.step == "child_age"


def test_control_and_invisible_characters_are_stripped_before_the_steps(chat):
    chat.conversation(*DIBAO[:2])
    chat.say("张\x00秀\u200b英\x1b")
    assert chat.form["name"] == "张秀英"
    assert "确定不办了吗" in chat.say("\x07取消\u200d")
    assert chat.say("１").startswith("好的，已取消") and chat.step == "idle"


def test_full_width_digits_are_read_at_every_step(chat):
    full = ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    chat.conversation(DIBAO[0], "１", "张秀英", full, "１３８１２３４５６７８", "孙疃镇秦口村", "３", "１５００", "０")
    assert chat.step == "summary" and chat.form["household"] == 3 and chat.form["id_number"] == ID
    chat.say("１")
    assert chat.ports.submitted[-1]["payload"]["phone"] == "13812345678"


def test_thanks_and_greetings_open_nothing(chat):
    assert chat.say("谢谢").startswith("不客气")
    assert "您好" in chat.say("你好")
    assert not chat.ports.handoffs and chat.step == "idle"


def test_starting_over_at_the_summary_forgets_answers_given_early(chat):
    chat.conversation(*DIBAO[:2], "13812345678")  # a phone where the name was asked: refused, kept for later
    chat.conversation("张秀英", ID)
    assert chat.step == "village"  # the phone given early was used
    chat.conversation(*DIBAO[5:], "2", "是", "张秀英", ID)
    assert chat.step == "phone" and "early" not in chat.state["data"]


@pytest.mark.parametrize("word, asked, done", [("重新开始", "从头开始", "说说您遇到了什么困难"), ("取消", "不办了", "已取消")])
def test_a_slipped_restart_or_cancel_mid_form_asks_before_wiping_the_answers(chat, word, asked, done):
    chat.conversation(*DIBAO[:5])
    form, step = dict(chat.form), chat.step
    reply = chat.say(word)
    assert asked in reply and "已经填了3项" in reply
    assert chat.say("2").startswith("好的，已填的内容都保留着") and chat.form == form and chat.step == step
    chat.say(word)
    assert done in chat.say("是") and chat.step == "idle" and "form" not in chat.state["data"]


def test_after_the_question_an_answer_to_the_form_is_taken_and_nothing_is_wiped(chat):
    chat.conversation(*DIBAO[:5])
    chat.say("重来")
    chat.say("孙疃镇秦口村")  # the resident ignored the question and answered the form's
    assert chat.step == "household" and chat.form["name"] == "张秀英"
    assert "leave_asked" not in chat.state["data"]


@pytest.mark.parametrize("word", ["取消", "重新开始"])
def test_with_nothing_typed_yet_restart_and_cancel_act_at_once(chat, word):
    chat.conversation(DIBAO[0])
    assert chat.step == "confirm_intake"
    chat.say(word)
    assert chat.step == "idle"


def test_at_the_summary_a_restart_asks_and_1_then_does_not_submit(chat):
    chat.conversation(*DIBAO)
    assert chat.step == "summary"
    chat.say("重新开始")
    chat.say("1")
    assert chat.step == "idle" and not chat.ports.submitted


def test_an_emergency_no_scheme_covers_goes_to_a_person_at_once(chat):
    # a grown-up missing is urgent but none of the three schemes: no form, no menu, no crash
    said = "俺爹有老年痴呆，一早出门到现在还没找着，手机也没带"
    reply = chat.say(said)
    assert "紧急" in reply and "转给工作人员" in reply
    assert "申请" not in reply  # no application was made: none is said to be marked urgent
    assert chat.ports.handoffs == [(said, "urgent")] and chat.step == "idle"
