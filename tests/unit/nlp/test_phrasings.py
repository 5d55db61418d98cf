"""Real phrasings residents send, by the difficulty they pose. None of these is in the corpus."""

import pytest

from service.nlp import route

T, D, C, OTHER = "temporary_relief", "dibao", "child_welfare", "other"


def _check(text, expected):
    decision = route(text)
    assert decision.category in expected.split("|"), (decision.category, decision.keywords, text)
    return decision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("俺想吃个低保", D),
        ("俺家老的老病的病，能不能给个低保", D),
        # the breadwinner's back broken: urgent relief now, or the household's lasting means
        ("俺们屋头就靠俺男人挣钱 他腰断了 一分钱收入都没得了", f"{T}|{D}"),
        ("额家想办个低保，额男人有病，额还要照顾老人", D),
        ("俺这身子骨不行了 娃他爹走得早 俺一个老婆子 谁管俺啊", D),
        ("急难救助咋个申请嘛", T),
        ("俺家老汉得了癌 花了好多钱 还借了高利贷", T),
        ("娃爹死了娃妈改嫁了 娃跟我过 能领钱不", C),
        ("孙女两岁，爹妈都跑了，我七十多了带着她", C),
    ],
)
def test_dialect_and_colloquial(classifier, text, expected):
    _check(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("嗯 那个 我 想 问问 我们 家 能 吃 低保 不 我 男人 病 了 好 几 年", D),
        ("嗯嗯 我想申请低保 俺家就俺一个 没得收入", D),
        (
            "喂你好啊我跟你说一下我们家的情况啊我是刘寨村的我今年六十七了我老伴前年走了我一个儿子在外面打工"
            "一年到头也不回来也不给钱我一个人种两亩地现在腰也不行了干不动了村里人说让我申请个低保我也不知道咋弄",
            D,
        ),
        ("喂喂 你们是民政吗 我在外地被人骗了 钱都没了 回不去家 在车站睡了一晚", T),
        ("来电人称其丈夫上月突发脑梗住院治疗，自付四万余元，家庭无力承担，咨询临时救助申请", T),
        ("来电人反映其孙子父亲服刑、母亲失联，现由祖父母抚养，咨询事实无人抚养儿童申请流程", C),
        ("来电人系独居老人，无子女，无收入，身患多种慢性病，申请特困供养", D),
    ],
)
def test_voice_transcripts_and_operator_summaries(classifier, text, expected):
    _check(text, expected)


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        ("底保怎么申请", D, "低保"),
        ("吃低宝要什么手续", D, "吃低保"),
        ("临时救主能给多少钱", T, "临时救助"),
        ("事实无人扶养的孩子怎么申请", C, "事实无人抚养"),
        ("五包户现在咋申请", D, "五保户"),
    ],
)
def test_typos_fold_to_the_canonical_term(classifier, text, expected, canonical):
    decision = _check(text, expected)
    assert canonical in decision.keywords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("低保申請要什麼資料", D),
        ("我們家很困難，想申請低保，老公中風了", D),
        ("孫子父母雙亡，想申請孤兒補貼", C),
        ("臨時救助怎麼申請", T),
        ("請問高齡津貼怎麼領", OTHER),
        ("ＩＣＵ里躺着呢，车祸，没钱交费", T),
    ],
)
def test_traditional_characters_and_full_width(classifier, text, expected):
    _check(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我不是来申请低保的，我想问下残疾证怎么办", OTHER),
        ("我不要低保，我就想申请个临时救助，孩子住院了", T),
        ("不需要救助了，问题解决了", OTHER),
        ("我不申请救助，就是问问政策", OTHER),
        ("不是五保，是想申请低保，我们家两口人都有病", D),
    ],
)
def test_negation(classifier, text, expected):
    _check(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉村主任，他把低保给了他小舅子",
        "举报某某冒领低保",
        "村主任他妈吃着低保，他自己开着宝马",
        "我們村的低保都是給村幹部親戚的，我要舉報",
        "为什么隔壁能吃低保我家不行",
    ],
)
def test_complaints_and_reports_mention_a_scheme_but_go_to_other(classifier, text):
    decision = _check(text, OTHER)
    assert decision.intent == "complaint", (decision.intent, decision.intent_keywords)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我家低保申请到哪一步了", D),
        ("请问我提交的五保申请现在审核到什么程度了", D),
        ("我上星期在镇上交了低保的材料，啥时候来人调查", D),
        ("临时救助申请了快两个月了，一点消息都没有", T),
        ("俺孙子的孤儿补贴批下来没有，交上去一个多月了", C),
    ],
)
def test_progress_on_a_named_scheme_keeps_the_scheme(classifier, text, expected):
    decision = _check(text, expected)
    assert decision.intent == "progress", (decision.intent, decision.intent_keywords)


@pytest.mark.parametrize(
    "text",
    ["我就是想说声谢谢，上次的救助款收到了", "去年我家房子着火，政府帮了大忙，谢谢"],
)
def test_thanks_mentioning_a_scheme_go_to_other(classifier, text):
    decision = _check(text, OTHER)
    assert decision.intent == "thanks" and not decision.urgent


@pytest.mark.parametrize(
    "text",
    [
        "残疾人两项补贴咋申请",
        "我父亲是残疾人，想办个残疾人护理补贴",
        "九十岁老人高龄津贴每个月多少",
        "老人过世了，殡葬费可以报多少",
        "请问一下婚姻登记处周六上班吗",
        "老年证在哪里办",
        "我想找份工作",
        "你好",
        "您好，在吗",
        "好的，谢谢",
        "帮我转一下人工",
    ],
)
def test_other_schemes_greetings_and_small_talk(classifier, text):
    _check(text, OTHER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("着火了着火了 房子全烧了 快来人", T),
        ("暴雨把俺家的房子冲倒了，一家人蹲在路边", T),
        ("屋头进水了 水都齐腰深了 老人出不来", T),
        ("刚才村里一户人家的房子塌了 男人被压在底下 已经送医院抢救", T),
        ("我妈被电动车撞了，现在在重症监护室，还没醒", T),
        ("身无分文，已经三天没吃东西了", T),
        # no food in the house and a hungry child: relief for the household, or the child's desk
        ("家里一粒米都没有了，娃饿得哭", f"{T}|{C}"),
        ("被家暴了，带着孩子跑出来了，没地方住", T),
        ("婆家把我和孩子赶出门了，大冬天的没地方去", T),
        ("邻居家孩子天天被打，大冷天还被赶到门外", C),
        ("隔壁家大人出去打工了，留下一个六岁孩子自己在家，已经好几天了", C),
        ("我看见一个小男孩在路边哭，说找不到家了，身上都是伤", C),
        ("来电人反映邻居家儿童长期遭受父亲殴打，今日再次被打，请求介入", C),
        ("我不想活了", f"{T}|{OTHER}"),
        ("家里煤气中毒了人还在医院", T),
        ("山上塌方把房子埋了", T),
        ("老人摔了一跤躺地上起不来，家里没人", T),
        ("俺家老人走失两天了", f"{T}|{OTHER}"),
        ("俺孙子被拐了", f"{C}|{OTHER}"),
    ],
)
def test_urgent_messages_are_flagged(classifier, text, expected):
    decision = _check(text, expected)
    assert decision.urgent, text
    assert decision.urgent_keywords


@pytest.mark.parametrize(
    "text",
    [
        "去年我家房子着火，政府帮了大忙，谢谢",
        "我二叔无儿无女，房子也快塌了，能不能帮他申请五保",
        "先行救助怎么申请，我们家上周遭了水灾",
        "孤儿补贴一个月多少钱？我外甥女父母都没了",
        "老伴去年做了两次手术，今年又住院，欠了十几万",
        "大学学费交不上，能不能申请点助学的救助",
        "俺爹瘫在床上起不来，没人管，想吃低保",
        "前年煤气中毒住过院，现在身体不好想申请低保",
    ],
)
def test_history_and_ordinary_hardship_are_not_urgent(classifier, text):
    assert not route(text).urgent, text


@pytest.mark.parametrize(
    ("text", "both"),
    [
        ("房子被大水冲了，孩子他爸也没了，三个娃没地方住", {T, C}),
        ("家里没收入，男人又查出癌症住院，想申请低保和临时救助", {D, T}),
        ("我想给我孙子办孤儿补贴，再给我自己办个低保", {D, C}),
    ],
)
def test_several_needs_in_one_message_name_both_in_the_top_two(classifier, text, both):
    decision = route(text)
    assert {decision.category, decision.runner_up} == both


def test_empty_and_punctuation_only_messages_go_to_other_without_keywords(classifier):
    for text in ("", "   ", "？？", "123"):
        decision = route(text)
        assert decision.category == OTHER and decision.keywords == () and not decision.urgent


def test_decision_numbers_are_consistent(classifier):
    decision = route("俺想吃低保，咋申请啊，家里就俺和老伴，都七十多了，种不了地了")
    assert 0.0 <= decision.margin <= decision.confidence <= 1.0
    assert abs(sum(decision.scores.values()) - 1.0) < 1e-3
    assert decision.runner_up != decision.category
    assert "吃低保" in decision.keywords
