import pytest

from service.chat.forms import parse_choice, parse_count
from service.chat.places import Place, core, match_villages, nearest
from service.devtools.demo import TOWNSHIPS

PLACES = [Place(i, v, t) for i, (t, v) in enumerate((t, v) for t, vs in TOWNSHIPS.items() for v in vs)]


def labels(text):
    return [p.township + p.village for p in match_villages(text, PLACES)]


@pytest.mark.parametrize("said, expected", [
    ("孙疃镇秦口村", "孙疃镇秦口村"),
    ("秦口", "孙疃镇秦口村"),
    ("俺家住在秦口村", "孙疃镇秦口村"),
    ("秦扣村", "孙疃镇秦口村"),  # homophone typed by a pinyin keyboard
    ("马厂", "临涣镇马场村"),  # homophone from voice input
    ("孙疃王楼", "孙疃镇王楼村"),
    ("刘寨村委会", "孙疃镇刘寨村"),
    ("孙疃村", "孙疃镇孙疃村"),  # a village named like its township
    ("韩村镇大刘村", "韩村镇大刘村"),
    ("我是燕头的", "孙疃镇燕头村"),
])
def test_villages_are_found_the_way_residents_say_them(said, expected):
    assert labels(said) == [expected]


@pytest.mark.parametrize("said", ["北京朝阳", "孙疃镇", ""])
def test_no_guess_when_the_village_is_not_named(said):
    assert labels(said) == []


def test_core_drops_administrative_suffixes():
    assert core("孙疃镇") == "孙疃" and core("秦口村") == "秦口" and core("刘寨村委会") == "刘寨"


def test_nearest_township():
    towns = [("孙疃镇", 33.595, 116.665), ("临涣镇", 33.705, 116.545)]
    name, km = nearest(33.70, 116.55, towns)
    assert name == "临涣镇" and km < 1
    assert nearest(33.7, 116.5, []) is None


@pytest.mark.parametrize("text, value", [("3", 3), ("３", 3), ("三", 3), ("3口人", 3), ("一家五口", 5),
                                         ("十二", 12), ("两个人", 2), ("没有", None)])
def test_counts_as_people_type_them(text, value):
    assert parse_count(text) == value


def test_choices_are_bounded():
    assert parse_choice("1", 2) == 1 and parse_choice("第二个", 2) == 2
    assert parse_choice("3", 2) is None and parse_choice("好的", 2) is None
