"""The second dimension: what the resident wants. Phrasings written for these tests, not from the corpus."""

import json

import pytest

from service.nlp import ladder, route
from service.nlp.engine import current
from service.nlp.reading import read

from .conftest import CORPUS

T, D, C, OTHER = "temporary_relief", "dibao", "child_welfare", "other"

PROGRESS_NAMING_A_SCHEME = [
    ("俺家的低保批了没有", D),
    ("我妈那个五保办得咋样了", D),
    ("特困供养的申请到哪一步了", D),
    ("临时救助的钱啥时候下来啊，都等半个月了", T),
    ("上回报的那个救济款，到账了没", T),
    ("孩子的孤儿补贴审批通过了吗", C),
    ("困境儿童的补助有信儿没", C),
    ("喂 我 那个 低保 低保 审核 到 哪 了", D),
    ("請問我爸的低保申請進度如何", D),
]

PROGRESS_NAMING_NONE = [
    "我的申请批了没有",
    "俺那个事咋样了",
    "我前几天交的材料，现在到哪一步了",
    "上次说好来家里看的，怎么还没人来",
    "办好了没，俺还等着呢",
]


@pytest.mark.parametrize(("text", "scheme"), PROGRESS_NAMING_A_SCHEME)
def test_progress_in_any_wording_keeps_the_scheme_it_names(classifier, text, scheme):
    decision = route(text)
    assert decision.intent == "progress", (decision.intent, decision.intent_keywords)
    assert decision.category == scheme, (decision.category, decision.keywords)
    assert decision.intent_keywords and not decision.urgent


@pytest.mark.parametrize("text", PROGRESS_NAMING_NONE)
def test_progress_naming_no_scheme_is_other(classifier, text):
    decision = route(text)
    assert (decision.intent, decision.category) == ("progress", OTHER), decision


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("低保一个月能领多少钱", D),
        ("五保户一年能领多少钱", D),
        ("年审要带哪些东西", D),
        ("临时救助一年最多能申请几次", T),
        ("先行救助是什么意思", T),
        ("孤儿补贴是按月发还是按年发", C),
        ("事实无人抚养和孤儿有什么区别", C),
        ("高龄津贴从多少岁开始有", OTHER),
        ("残疾证去哪里办", OTHER),
    ],
)
def test_a_question_about_a_scheme_is_ask_and_goes_to_that_scheme(classifier, text, scheme):
    decision = route(text)
    assert decision.intent == "ask", (decision.intent, decision.intent_keywords)
    assert decision.category == scheme, (decision.category, decision.keywords)


@pytest.mark.parametrize(
    "text",
    [
        "俺娘八十五了，一个人住，一分钱收入都没有，想给她办个低保",
        "孩子他爸坐牢了，他妈跑了好几年，孩子跟着我，想给孩子申请补助",
        "老伴查出来胃癌做了手术，欠了好几万，能不能申请点救助",
    ],
)
def test_a_hardship_with_a_question_is_still_a_request(classifier, text):
    assert route(text).intent == "apply"


@pytest.mark.parametrize(
    "text",
    [
        "村主任把他亲戚都弄成了低保户，俺要举报",
        "镇上那个办事的态度太差了，问两句就不耐烦",
        "电话打了一上午都没人接，你们到底管不管",
        "凭什么把俺家的低保停了",
    ],
)
def test_complaints_go_to_other_and_to_a_person(classifier, text):
    decision = route(text)
    assert decision.intent == "complaint", (decision.intent, decision.intent_keywords)
    assert decision.category == OTHER
    assert ladder(decision).action == "human"


@pytest.mark.parametrize(
    "text",
    ["谢谢恁们", "好的，知道了", "您好，在吗", "辛苦了，祝你们工作顺利", "不好意思发错了", "上次的补助收到了，谢谢政府"],
)
def test_thanks_and_greetings_go_to_other_without_a_form(classifier, text):
    decision = route(text)
    assert (decision.intent, decision.category) == ("thanks", OTHER), decision
    assert not decision.urgent and not decision.thin
    assert ladder(decision).action == "auto"


def test_every_decision_names_the_words_of_its_intent(classifier):
    decision = route("孤儿补贴啥时候到账")
    assert decision.intent_keywords
    assert all(word for word in decision.intent_keywords)
    assert 0.0 < decision.intent_confidence <= 1.0


def test_these_phrasings_are_not_in_the_corpus():
    corpus = set()
    for path in CORPUS.glob("*.jsonl"):
        if path.name.startswith("sealed"):
            continue  # never read
        corpus |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()}
    mine = [t for t, _ in PROGRESS_NAMING_A_SCHEME] + PROGRESS_NAMING_NONE
    assert not corpus & set(mine)


@pytest.mark.parametrize("text", ["万一发洪水把庄稼淹了 有补助吗", "听说隔壁村有户人家被水淹了，政府给送了米面"])
def test_an_imagined_or_someone_elses_emergency_is_a_question_named_by_its_marker(classifier, text):
    reading = read(current(), text)
    assert not reading.urgency.urgent
    assert set(reading.intent_hits[1]) & {"万一", "听说", "有户人家"}
    assert route(text).intent == "ask"
