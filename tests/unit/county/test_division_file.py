"""Reading a divisions CSV: every bad row named with its line, files as county offices really save them."""

import codecs

import pytest

from service.county import codes
from service.county.division_file import parse

COUNTY = "340621"
GOOD = "code,name,lat,lng\n340621109,孙疃镇,33.595,116.665\n340621109201,孙疃村,,\n340621109203,秦口村,33.61,116.67\n"


def test_a_good_file_gives_typed_rows_in_file_order():
    parsed = parse(GOOD.encode(), COUNTY)
    assert parsed.problems == []
    assert [(r.line, r.code, r.name, r.kind, r.lat, r.lng) for r in parsed.rows] == [
        (2, "340621109", "孙疃镇", "township", 33.595, 116.665),
        (3, "340621109201", "孙疃村", "village", None, None),
        (4, "340621109203", "秦口村", "village", 33.61, 116.67),
    ]
    assert parsed.rows[1].township_code == "340621109"


def test_utf8_with_a_bom_as_excel_saves_it_is_read_the_same():
    assert [r.name for r in parse(codecs.BOM_UTF8 + GOOD.encode(), COUNTY).rows] == ["孙疃镇", "孙疃村", "秦口村"]


def test_a_gbk_file_is_named_as_gbk_with_the_line_of_the_first_chinese_character():
    parsed = parse(GOOD.encode("gbk"), COUNTY)
    assert parsed.rows == []
    [(line, message)] = parsed.problems
    assert line == 2 and "GBK" in message and "UTF-8" in message


def test_an_excel_workbook_and_utf16_text_are_refused_with_what_to_do():
    workbook = parse(b"PK\x03\x04" + b"\x00" * 40, COUNTY).problems
    assert "Excel" in workbook[0][1] and "CSV UTF-8" in workbook[0][1]
    utf16 = parse(codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), COUNTY).problems
    assert "UTF-16" in utf16[0][1]


def test_every_bad_row_is_reported_with_its_line_and_no_row_is_returned_for_it():
    text = ("代码,名称,纬度,经度\n"  # Chinese header names work too
            "340621109,孙疃镇,33.595,116.665\n"
            "34062110,短码,,\n"  # line 3: 8 digits
            "340622109201,邻县的村,,\n"  # line 4: another county
            "340621109201,,,\n"  # line 5: empty name
            "340621109202," + "长" * 41 + ",,\n"  # line 6: too long
            "340621109203,纬度错,93.6,116.6\n"  # line 7
            "340621109204,填反了,116.6,33.6\n"  # line 8: swapped
            "340621109205,只有纬度,33.6,\n"  # line 9
            "340621109,孙疃镇重复,,\n"  # line 10: duplicate code
            "3.40621E+11,科学计数,,\n"  # line 11: Excel mangled the code
            "340621109206,孙疃村,,\n340621109207,孙疃村,,\n"  # line 13 duplicates line 12's name
            "340621000201,县本身下,,\n")  # line 14: 000 township part
    parsed = parse(text.encode(), COUNTY)
    lines = {line: message for line, message in parsed.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]
    assert "9 位" in lines[3] and "不属于本县" in lines[4] and "不能为空" in lines[5] and "最多 40" in lines[6]
    assert "纬度 93.6" in lines[7] and "填反" in lines[8] and "都填" in lines[9]
    assert "与第 2 行重复" in lines[10] and "科学计数法" in lines[11] and "与第 12 行重复" in lines[13]
    assert "000" in lines[14]
    assert [r.line for r in parsed.rows] == [2, 12]


def test_a_village_name_may_repeat_in_another_township_but_not_in_its_own():
    text = "code,name\n340621109,孙疃镇\n340621104,临涣镇\n340621109201,王圩村\n340621104201,王圩村\n"
    assert parse(text.encode(), COUNTY).problems == []


def test_header_problems_and_empty_files_stop_at_once():
    assert "code" in parse("名字,编号\n1,2\n".encode(), COUNTY).problems[0][1]
    assert "lat" in parse(b"code,name,lat\n340621109,x,1\n", COUNTY).problems[0][1]
    assert "空" in parse(b"\n\n", COUNTY).problems[0][1]
    assert "没有" in parse(b"code,name\n", COUNTY).problems[0][1]


def test_extra_columns_are_noted_and_a_row_longer_than_the_header_is_refused():
    parsed = parse("code,name,类别\n340621109,孙疃镇,镇\n340621109201,孙疃村,村,多余\n".encode(), COUNTY)
    assert parsed.notes == ["未使用的列：类别"]
    assert parsed.problems == [(3, "本行有 4 列，表头只有 3 列（名称中的逗号请用引号括起来）")]


def test_an_unclosed_quote_is_a_csv_error_on_its_line_not_a_crash():
    parsed = parse('code,name\n340621109,孙疃镇\n340621109201,"孙疃村\n'.encode(), COUNTY)
    assert parsed.problems and "引号" in parsed.problems[-1][1]


def test_the_statistics_tables_12_digit_township_and_county_rows_are_understood():
    text = "code,name\n340621000000,濉溪县\n340621109000,孙疃镇\n340621109201,孙疃村\n"
    parsed = parse(text.encode(), COUNTY)
    assert parsed.problems == []
    assert [(r.code, r.kind) for r in parsed.rows] == [("340621109", "township"), ("340621109201", "village")]
    assert parsed.notes == ["第 2 行是本县自身（340621000000），已跳过"]


def test_blank_lines_keep_the_line_numbers_true():
    parsed = parse("code,name\n\n340621109,孙疃镇\n\n\n340621109201,\n".encode(), COUNTY)
    assert parsed.problems == [(6, "名称不能为空")]


@pytest.mark.parametrize("code, problem", [
    ("340621", None), ("110101", None), ("429004", None),
    ("34062", "6 位"), ("3406211", "6 位"), ("34062a", "6 位"), ("990621", "省级"), ("340600", "地级市"),
    ("340021", "地级市"), ("", "6 位"),
])
def test_county_codes_follow_gb_t_2260(code, problem):
    found = codes.county_code_problem(code)
    assert (found is None) if problem is None else (problem in found)


def test_control_characters_in_names_are_refused():
    assert "控制字符" in codes.name_problem("孙疃\u2028镇")
