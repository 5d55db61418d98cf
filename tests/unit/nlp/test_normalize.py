"""What residents type, write and dictate, folded into one plain form before anything is matched."""

import pytest

from service.nlp import route
from service.nlp.lexicon import load_lexicon
from service.nlp.normalize import Fold, Normalizer


@pytest.fixture(scope="module")
def fold():
    return load_lexicon().normalizer


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("俺想问个事", "我想问个事"),
        ("咋整啊", "怎么办啊"),
        ("这是啥东西", "这是什么东西"),
        ("恁看中不中", "你看行不行"),
        ("腿不中了", "腿不行了"),
        ("哪来恁些钱", "哪来那么多钱"),
        ("家里木有人", "家里没有人"),
        ("他大出去打工了", "他爸出去打工了"),
        ("她娘早就走了", "她妈早就走了"),
        ("昨黑里下雨", "昨晚下雨"),
        ("今儿个晌午", "今天中午"),
        ("阿嬷住院了", "奶奶住院了"),
    ],
)
def test_dialect_words_become_plain_mandarin(fold, typed, plain):
    assert fold(typed) == plain


@pytest.mark.parametrize(
    "typed",
    ["他大哥在外地", "俺大孙子上学了", "她娘家在韩村", "他大概不知道"],
)
def test_a_dialect_word_that_starts_another_word_is_left_alone(fold, typed):
    # 他大 is "his father", but 他大哥 is "his eldest brother" and 她娘家 "her parents' home"
    assert "爸" not in fold(typed) and "妈" not in fold(typed)


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("地保咋申清", "低保怎么申请"),
        ("低包的事", "低保的事"),
        ("底保户", "低保户"),
        ("临时就注要带啥", "临时救助要带什么"),
        ("五宝户", "五保户"),
        ("孤二补助", "孤儿补助"),
        ("残急人证", "残疾人证"),
        ("特昆供养", "特困供养"),
    ],
)
def test_voice_input_homophones_become_the_scheme_names(fold, typed, plain):
    assert fold(typed) == plain


def test_traditional_full_width_case_and_control_characters(fold):
    assert fold("臨時救助，ＩＣＵ１２３") == "临时救助,icu123"
    assert fold("連腳都腫了") == "连脚都肿了"
    assert fold("俺家\x00着火了\u200b快来") == "我家着火了快来"


def test_dictation_fillers_and_stutters_are_dropped_and_the_words_joined(fold):
    assert fold("嗯 那个 我 我 想 申 申清 地保 地保") == "我想申请低保"
    assert fold("喂 喂 就是 俺家 房子 塌了") == "我家房子塌了"
    # a filler inside a word stays: 那个 is only dropped standing alone
    assert fold("那个村的低保") == "那个村的低保"
    # Latin words keep their spaces
    assert fold("我 在 ICU 门口") == "我在 icu 门口"


def test_empty_and_blank_messages():
    normalizer = load_lexicon().normalizer
    assert normalizer("") == ""
    assert normalizer("   ") == ""


def test_a_fold_can_be_kept_from_starting_another_word():
    normalizer = Normalizer({}, {"大": Fold("爸", "哥")}, frozenset())
    assert normalizer("他大走了") == "他爸走了"
    assert normalizer("他大哥走了") == "他大哥走了"


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        ("俺想申清个地保 俺一个人 七十六了 腿脚也不中", "dibao", "低保"),
        ("俺孙子是孤二 他大他娘都木了", "child_welfare", "孤儿"),
        ("临时就注咋个申请 俺家的房叫水泡塌了", "temporary_relief", "临时救助"),
        ("嗯 那个 五宝 五宝户 一个月 给 给多少", "dibao", "五保户"),
    ],
)
def test_folded_words_decide_and_are_named_in_plain_form(classifier, text, category, word):
    decision = route(text)
    assert decision.category == category, decision
    assert word in decision.keywords
