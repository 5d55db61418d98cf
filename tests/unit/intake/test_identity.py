import pytest

from service.intake.case_numbers import is_well_formed, new_case_number
from service.intake.identity import (
    id_number_problem,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    phone_problem,
)


@pytest.mark.parametrize("value", ["11010519491231002X", "440524188001010014", "11010519491231002x",
                                   "110105 19491231 002X", "１１０１０５１９４９１２３１００２Ｘ"])
def test_valid_id_numbers(value):
    assert id_number_problem(value) is None


@pytest.mark.parametrize("value, words", [
    ("110105194912310021", "校验位"),
    ("11010519491231002", "18位"),
    ("1101051949123100AX", "前17位"),
    ("110105194913310028", "出生日期"),
    ("", "填写"),
])
def test_invalid_id_numbers_say_what_is_wrong(value, words):
    assert words in id_number_problem(value)


def test_normalise_id_number_uppercases_and_strips():
    assert normalise_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("value", ["13812345678", "+8613812345678", "138 1234 5678", "19912345678"])
def test_valid_phones(value):
    assert phone_problem(value) is None


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "abc", "23812345678"])
def test_invalid_phones(value):
    assert "11位" in phone_problem(value)


def test_masks_show_only_what_recognition_needs():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"


def test_case_numbers_carry_a_check_digit_that_catches_a_misheard_digit():
    import datetime as dt

    numbers = {new_case_number(dt.date(2026, 11, 23)) for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert number.startswith("26") and len(number) == 11 and is_well_formed(number)
        wrong = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
        assert not is_well_formed(wrong)
