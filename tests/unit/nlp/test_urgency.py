"""Urgency as kinds of events and needs, and their false friends. Phrasings written for these tests."""

import pytest

from service.nlp import route
from service.nlp.urgency import Signal, judge

T, D, C, OTHER = "temporary_relief", "dibao", "child_welfare", "other"


@pytest.mark.parametrize(
    ("text", "kind", "scheme"),
    [
        # sudden injury or accident with costs due now
        ("俺男人在采石场叫石头砸了腿，县医院让先交一万", "injury", T),
        ("我妈骑三轮翻到沟里了，现在在急诊，我们身上钱不够", "injury", T),
        ("孩子喝了家里的农药，正在洗胃", "injury", T),
        ("喂 俺大 在 工地 叫 钢管 砸着了 头破了 在 卫生院", "injury", T),
        ("我爸剛才被車撞了，在醫院搶救，押金要三萬", "injury", T),
        # disaster destroying home or livelihood
        ("夜里一场雨把俺家土房泡塌了半边，一家人挤在邻居家", "disaster", T),
        ("俺家着火了！！快来人", "disaster", T),
        ("大风把俺家的大棚整个掀翻了，棚里的西红柿全完了", "disaster", T),
        ("今早上发现猪圈里的猪死了一大半，说是猪瘟", "livelihood", T),
        # crime leaving no food or money
        ("刚才在集上钱包叫人偷了，卖牛的钱全在里头，家里买面的钱都没了", "crime", T),
        ("有人打电话说是公安局的，叫俺把存款转到安全账户，俺转了两万，后来才知道是骗子，现在一分都没了", "crime", T),
        # danger to a child
        ("邻居家男人喝醉了天天打孩子，今天孩子脸都打肿了", "child", C),
        ("有个三岁的娃被扔在村口了，没人认领", "child", C),
        ("俺庄上俩娃爹娘都出去了，一个人在家好几天了，饭都没得吃", "child", C),
        # death or injury of the breadwinner
        ("俺当家的今天早上在矿上出事没了，仨孩子还小，后事都没钱办", "injury", T),
        # no food or shelter tonight
        ("房东把我们娘俩赶出来了，今晚不知道住哪", "destitute", T),
        ("家里米面都吃完了，两天没吃饭了", "destitute", T),
        # someone missing
        # a grown-up missing: no relief scheme fits, but it is urgent all the same
        ("俺娘有老年痴呆，昨天出去到现在还没找着", "missing", f"{T}|{OTHER}"),
    ],
)
def test_each_kind_of_event_is_urgent_with_its_words(classifier, text, kind, scheme):
    decision = route(text)
    assert decision.urgent, (text, decision)
    assert decision.urgent_kind == kind, (decision.urgent_kind, decision.urgent_keywords)
    assert decision.urgent_keywords
    assert decision.category in scheme.split("|"), (decision.category, decision.keywords)
    assert decision.intent == "apply"


@pytest.mark.parametrize(
    "text",
    [
        # chronic
        "俺老伴瘫在床上七八年了，俺一个人伺候，日子难过",
        "儿子从小就是脑瘫，这些年看病一直在花钱",
        # past
        "前年俺家着过一回火，那时候政府给过钱了，这回是想问问低保",
        "去年发大水把麦子淹了，后来也就过去了，现在想给老人办个五保",
        "我家孩子三年前出过车祸，现在好了，就是家里还欠着账",
        # hypothetical
        "要是哪天房子塌了，临时救助能给多少",
        "如果家里有人得了大病，能不能申请救助",
        # someone else's story, asking about the rules or a neighbour's policy
        "听说邻村有户人家被骗了，政府给了钱，这是真的吗",
        "隔壁那家去年着火领了救济，像他们那样的一般能领多少",
        "被偷了东西的，政府一般都怎么帮",
    ],
)
def test_false_friends_are_not_urgent(classifier, text):
    decision = route(text)
    assert not decision.urgent, (text, decision.urgent_keywords, decision.urgent_kind)


def test_a_child_in_danger_stays_urgent_however_long_it_has_gone_on(classifier):
    decision = route("俺隔壁那家后妈常年打孩子，这两天孩子身上全是伤")
    assert decision.urgent and decision.urgent_kind == "child" and decision.category == C


def test_an_emergency_told_in_a_question_still_asks_for_help_when_it_is_now(classifier):
    decision = route("俺家房子刚才塌了，人被压在里头，能不能申请救助？")
    assert decision.urgent and decision.intent == "apply"


# --- the judge on its own: time frames over signals, markers and clause breaks -------------------------


def event(position, weight=1.0, kind="disaster", words="着火"):
    return Signal(position, kind, weight, words)


def test_an_event_alone_is_urgent_and_a_cue_alone_is_not():
    assert judge([event(0)], [], []).urgent
    assert not judge([Signal(0, "now", 0.5, "今天"), Signal(1, "need", 0.5, "没钱")], [], []).urgent


def test_a_weak_event_needs_a_cue_and_cues_never_add_more_than_one():
    assert not judge([event(1, 0.5, "illness", "癌症")], [], []).urgent
    sharp = judge([Signal(0, "now", 0.5, "刚才"), event(1, 0.5, "illness", "癌症")], [], [])
    assert sharp.urgent and sharp.words == ("癌症", "刚才")
    cues = [Signal(i, "need", 0.5, w) for i, w in enumerate(("没钱", "押金", "快来", "救命"), 2)]
    assert judge([event(0, 0.3, "injury", "医院"), *cues], [], []).score == pytest.approx(1.3)


def test_a_past_marker_before_an_event_in_the_same_sentence_cancels_it():
    assert not judge([event(2)], [(0, "past")], []).urgent
    # a time word of now between them puts the event back in the present
    assert judge([Signal(1, "now", 0.5, "今天"), event(2)], [(0, "past")], []).urgent
    # a sentence end closes the past frame
    assert judge([event(3)], [(0, "past")], [(2, True)]).urgent
    # a comma does not
    assert not judge([event(3)], [(0, "past")], [(2, False)]).urgent


def test_an_event_of_days_ago_counts_when_a_need_now_follows():
    assert not judge([event(1)], [(0, "recent")], []).urgent
    assert judge([event(1), Signal(5, "need", 0.5, "明天要交钱")], [(0, "recent")], []).urgent


def test_a_marker_just_after_an_event_speaks_of_it():
    assert not judge([event(0)], [(2, "chronic")], []).urgent  # 瘫在床上 五六年了
    assert not judge([event(0)], [(1, "after")], []).urgent  # 火灾 后 申请的
    assert judge([event(0)], [(9, "chronic")], []).urgent  # too far to speak of it
    # a long-standing state in the next written clause is someone else's: 去世，其父常年在外务工
    assert judge([event(0)], [(3, "chronic")], [(1, False)]).urgent
    assert not judge([event(0)], [(3, "past")], [(1, False)]).urgent  # 着火了，去年的事


def test_chronic_and_hearsay_markers_leave_a_child_in_danger_urgent():
    child = Signal(2, "child", 1.0, "打孩子")
    assert judge([child], [(0, "chronic")], []).urgent
    assert judge([child], [(0, "hearsay")], []).urgent
    assert not judge([event(2)], [(0, "hearsay")], []).urgent
    assert not judge([child], [(0, "past")], []).urgent


def test_aftermath_halves_events_unless_a_time_word_says_now():
    assert not judge([event(0)], [(3, "aftermath")], []).urgent  # 着火 … 还欠着钱
    assert judge([Signal(0, "now", 0.5, "今天"), event(1)], [(3, "aftermath")], []).urgent


def test_danger_to_a_child_wins_the_kind_when_urgent_on_its_own():
    verdict = judge([event(0, 1.0, "destitute", "没吃的"), event(1, 1.0, "child", "一个人在家")], [], [])
    assert verdict.kind == "child"
    verdict = judge([event(0, 1.0, "destitute", "没吃的"), event(1, 0.5, "child", "没人管")], [], [])
    assert verdict.kind == "destitute"


def test_a_phrase_and_a_word_inside_it_are_one_event_told_once():
    # 家里叫水淹了 … 水淹 … 淹了: one flood, not three
    words = ("家里叫水淹了", "水淹", "淹了")
    verdict = judge([event(i, 1.0, "disaster", w) for i, w in enumerate(words)], [], [])
    assert verdict.score == pytest.approx(1.0) and verdict.words == words
    # two different events of one kind still add up
    assert judge([event(0, 0.6, "injury", "车祸"), event(3, 0.6, "injury", "骨折")], [], []).score == pytest.approx(1.2)


def test_two_phrases_over_the_same_words_are_one_event_told_once():
    # 猪死了 … 死了一窝 read 死了 twice: after a debt (aftermath) one dead litter is half an event, not a whole one
    pigs = [event(1, 1.0, "livelihood", "猪死了"), event(2, 1.0, "livelihood", "死了一窝")]
    assert judge(pigs, [], []).score == pytest.approx(1.0)
    assert not judge(pigs, [(5, "aftermath")], []).urgent
    # the same words far apart are two events: 羊死了 … 猪也死了一窝
    apart = [event(0, 0.5, "livelihood", "羊死了"), event(9, 0.5, "livelihood", "死了一窝")]
    assert judge(apart, [], []).urgent


def test_a_weak_now_after_a_recent_marker_brings_back_a_child_in_danger_only():
    # 爷爷上周去世，现在孩子独自在家
    weak_now = Signal(2, "now", 0.3, "现在")
    assert judge([weak_now, Signal(3, "child", 1.0, "独自在家")], [(0, "recent")], []).urgent
    assert not judge([weak_now, event(3)], [(0, "recent")], []).urgent
    assert route("来电人反映邻居家两个孩子父母外出打工，爷爷上周去世，现在孩子独自在家无人照顾。").urgent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # the emergency, or the need it left, told as going on now: urgent although a progress question
        ("上礼拜报的房子塌了那个事批了没有，俺一家今天晚上还不知道住哪", True),
        ("前天申请的救助到哪一步了？孩子他爹让车撞了还在医院躺着，医院催着交钱", True),
        ("救助咋样了 俺娘摔断了腿在县医院 明天就要停药了", True),
        ("孩子补助办到哪了 他娘昨天走了 娃现在一个人在家", True),
        ("申请的救助批了没有？俺家的羊昨天夜里叫水冲走了一半", True),  # an event of yesterday is still now
        ("救助还要等多久 俺儿子叫车撞了在医院 今天得交住院费", True),
        # only the wait goes on (到现在, 一分钱都没见着), or the need was then: the event is history
        ("上个月房子着火申请的救助，到现在钱还没到，批了没有", False),
        ("年初交的低保材料，到现在一分钱都没见着，卡在哪一步了", False),
        ("去年俺男人摔伤那回申请的救助，医院催着交钱那会报的，钱到底发了没", False),
        ("我儿子上个月出车祸住院报的救助，批下来没有", False),
    ],
)
def test_a_progress_question_is_urgent_when_the_emergency_goes_on_now(classifier, text, urgent):
    decision = route(text)
    assert decision.urgent is urgent, (text, decision)
    if not urgent:
        assert decision.intent == "progress", decision


def test_present_is_a_pressing_need_or_a_state_of_now_never_a_past_one():
    pressing = Signal(2, "pressing", 0.5, "催着交钱")
    assert judge([event(0), pressing], [], []).present
    assert not judge([event(1), pressing], [(0, "past")], []).present  # 去年 … 着火 … 催着交钱
    assert judge([event(0, 1.0, "destitute", "今晚住哪")], [], []).present
    assert not judge([event(0)], [], []).present  # an event alone tells what happened, not what goes on
    assert not judge([event(0, 0.5, "child", "没人管")], [], []).present  # not urgent by the rules: nothing to keep
