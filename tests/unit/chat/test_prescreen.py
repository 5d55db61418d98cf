"""The 低保 pre-screen in the chat (issue 12): a rough income after the household size, compared in plain
words with the county's standard in force, skippable, and never a gate (应保尽保: the window decides)."""

import re

import pytest

from service.chat.prescreen import area_of, read_income
from tests.unit.chat.conftest import Chat, id_number

ID = id_number("19520315")
TO_HOUSEHOLD = ["俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", ID, "13812345678", "孙疃镇秦口村", "3"]
# words of a refusal; "能不能办还要看入户调查" is not one
REFUSING = re.compile(r"不符合|不能申请|(?<!能)不能办|办不了|不予|不够条件|没有资格|不用申请|别申请")


@pytest.mark.parametrize("said, expected", [
    ("2000", ("amount", 2000)), ("两千", ("amount", 2000)), ("一千五", ("amount", 1500)),
    ("大概1500", ("amount", 1500)), ("１５００块", ("amount", 1500)), ("三百五", ("amount", 350)),
    ("两千多吧", ("amount", 2000)), ("一个月一千五左右", ("amount", 1500)), ("一千零五十", ("amount", 1050)),
    ("1.5万", ("amount", 15000)), ("2,000", ("amount", 2000)), ("一年一万二", ("amount", 1000)),
    ("每年12000", ("amount", 1000)), ("3口人每月2000", ("amount", 2000)), ("五百块", ("amount", 500)),
    ("没收入", ("none", 0)), ("没有", ("none", 0)), ("0", ("none", 0)), ("家里没啥收入", ("none", 0)),
    ("不知道", ("skip", None)), ("不清楚", ("skip", None)), ("俺也说不清", ("skip", None)), ("跳过", ("skip", None)),
    ("俺一个人种二亩地", ("unclear", None)), ("种2亩地", ("unclear", None)), ("啥", ("unclear", None)),
    ("340621195203150021", ("unclear", None)),
    ("2", ("unclear", None)), ("三", ("unclear", None)), ("5块", ("amount", 5)),  # a bare 2: a slip, asked again
])
def test_the_income_is_read_the_way_residents_say_it(said, expected):
    assert read_income(said) == expected


@pytest.mark.parametrize("code, area", [
    ("340621109203", "rural"), ("340621109001", "urban"), ("340621109199", "urban"), ("340621109400", None),
    (None, None), ("3406211092", None),
])
def test_the_village_code_says_urban_or_rural(code, area):
    assert area_of(code) == area


def to_income(chat: Chat, standard: dict | None = None, keep_default: bool = True) -> str:
    if not keep_default:
        chat.ports.standard = standard
    replies = chat.conversation(*TO_HOUSEHOLD)
    return replies[-1]


def test_the_income_is_asked_after_the_household_size_in_one_short_question(chat):
    question = to_income(chat)
    assert chat.step == "income" and "收入" in question and "不知道" in question and len(question) <= 60


@pytest.mark.parametrize("said, words", [
    ("1500", "您家每人每月大约500元，高于本县农村低保标准439元"),
    ("一千五", "高于本县农村低保标准439元"),
    ("900", "您家每人每月大约300元，低于本县农村低保标准439元"),
    ("没收入", "您说家里没有收入，低于本县农村低保标准439元"),
])
def test_the_stated_income_is_compared_with_the_standard_in_plain_words(chat, said, words):
    to_income(chat)
    reply = chat.say(said)
    assert words in reply and "入户调查" in reply and chat.step == "situation"
    assert not REFUSING.search(reply), reply
    if "高于" in reply:
        assert "仍然可以申请" in reply
    else:
        assert "可能符合条件" in reply
    assert chat.ports.standard_asked == [chat.form["village"][0]]  # the standard for the resident's village


@pytest.mark.parametrize("said", ["1317", "1318", "1316"])
def test_about_the_standard_is_said_to_be_close_neither_above_nor_below(chat, said):
    to_income(chat)  # 439 × 3 = 1317: a rough figure this near the line says neither way
    reply = chat.say(said)
    assert "每人每月大约439元，和本县农村低保标准439元差不多" in reply and "您可以申请" in reply
    assert "高于" not in reply and "低于" not in reply


def test_the_rural_figure_is_said_to_be_an_estimate_when_the_village_does_not_say(chat):
    to_income(chat, {"monthly": "439", "area": "rural", "estimated": True}, keep_default=False)
    assert "低于本县农村低保标准439元（按农村标准估算）" in chat.say("600")


def test_the_urban_standard_is_named_when_it_applies(chat):
    to_income(chat, {"monthly": "690.5", "area": "urban", "estimated": False}, keep_default=False)
    assert "低于本县城市低保标准690.5元" in chat.say("2000")


def test_without_a_county_standard_the_income_is_noted_and_nothing_compared(chat):
    to_income(chat, None, keep_default=False)
    reply = chat.say("1500")
    assert "收入记下了" in reply and "标准" in reply and "高于" not in reply and "低于" not in reply
    assert chat.step == "situation" and chat.form["income"]["monthly"] == 1500


@pytest.mark.parametrize("said", ["不知道", "不清楚", "跳过"])
def test_the_income_can_be_skipped_and_the_standard_is_not_even_read(chat, said):
    to_income(chat)
    reply = chat.say(said)
    assert "不填也能申请" in reply and chat.step == "situation" and chat.form["income"]["monthly"] is None
    assert chat.ports.standard_asked == []
    summary = chat.say("0")
    assert "家庭月收入：没填" in summary
    chat.say("1")
    assert "收入" not in chat.ports.submitted[-1]["payload"]["description"]


def test_an_unreadable_income_is_asked_once_more_then_let_go(chat):
    to_income(chat)
    assert "比如 1500" in chat.say("种地的 没个准数") and chat.step == "income"
    assert "不填也能申请" in chat.say("说啥呢") and chat.step == "situation"


def test_the_stated_income_reaches_the_window_marked_as_the_residents_own_word(chat):
    to_income(chat)
    summary = chat.conversation("大概1500", "0")[-1]
    assert "家庭月收入：约1500元（仅供参考）" in summary and chat.step == "summary"
    chat.say("1")
    description = chat.ports.submitted[-1]["payload"]["description"]
    assert "家庭月收入（居民自述，仅供参考）：约1500元（原话：大概1500）" in description


def test_the_income_is_changed_at_the_summary_alone(chat):
    to_income(chat)
    chat.conversation("1500", "0")
    before = dict(chat.form)
    assert chat.say("收入说错了") and chat.step == "income"
    reply = chat.say("600")
    assert "低于本县" in reply and "请核对" in reply and chat.step == "summary"
    assert {k: v for k, v in chat.form.items() if k != "income"} == {k: v for k, v in before.items() if k != "income"}


def test_temporary_relief_does_not_ask_the_income(chat):
    chat.conversation("昨晚着火了房子烧了没地方住", "1", "刘春花", ID, "13912345678", "孙疃镇秦口村")
    assert chat.step == "household"
    chat.say("3")
    assert chat.step == "situation"


STANDARDS = [{"monthly": "439", "area": "rural", "estimated": False},
             {"monthly": "439", "area": "rural", "estimated": True}, None]


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("said", ["10000", "1500", "1317", "900", "没收入", "不知道", "啥", "返回"])
def test_never_a_gate_every_answer_still_reaches_the_summary_and_a_case_number(said, standard):
    chat = Chat()
    to_income(chat, standard, keep_default=False)
    replies = [chat.say(said)]
    for _ in range(4):  # whatever was said, a resident who goes on reaches the summary
        if chat.step == "summary":
            break
        step_answer = {"income": "不知道", "household": "3", "situation": "0"}[chat.step]
        replies.append(chat.say(step_answer))
    assert chat.step == "summary"
    assert not any(REFUSING.search(reply) for reply in replies), replies
    assert "案件号：26120000001" in chat.say("1")
