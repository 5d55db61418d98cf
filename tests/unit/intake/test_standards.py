"""County standards as data: versions by effective date, inheritance, validation in Chinese, storage round trip."""

import datetime as dt
from decimal import Decimal

import pytest

from service.errors import InvalidInput
from service.intake import standards as st

D = Decimal


def version(day: str, **changes) -> st.Standards:
    return st.build(st.DEFAULTS, day, changes)


def test_defaults_are_domain_seeds_and_say_what_is_unset():
    assert st.DEFAULTS.rural_monthly == D("439") and D(5268) / 12 == D("439")
    assert st.DEFAULTS.employment_deduction == D("0.2") and st.DEFAULTS.edge_multiple == D("1.5")
    assert st.DEFAULTS.tekun_yearly == D("7000") and st.DEFAULTS.tekun_multiple == D("1.3")
    assert dict(st.DEFAULTS.care_yearly) == {"able": D(300), "partial": D(2500), "unable": D(5000)}
    assert "disability_subsidy" in st.DEFAULTS.exempt_kinds and "wages" not in st.DEFAULTS.exempt_kinds
    assert st.DEFAULTS.unset() == ["城市低保标准", "存款及有价证券限额"]
    assert st.DEFAULTS.is_default


@pytest.mark.parametrize(("day", "expected"), [
    ("2019-12-31", None),  # before the county's first version: the packaged defaults
    ("2020-01-01", "400"),
    ("2021-06-30", "400"),
    ("2021-07-01", "420"),  # the day a version takes effect, it is in force
    ("2026-11-25", "439"),
])
def test_the_version_in_force_is_the_newest_that_took_effect(day, expected):
    versions = [version("2022-01-01", rural_monthly="439"), version("2020-01-01", rural_monthly=400),
                version("2021-07-01", rural_monthly="420")]
    chosen = st.standards_on(versions, dt.date.fromisoformat(day))
    if expected is None:
        assert chosen is st.DEFAULTS
    else:
        assert chosen.rural_monthly == D(expected) and not chosen.is_default


def test_a_new_version_keeps_what_it_does_not_change():
    base = version("2022-01-01", urban_monthly="690", deposit_months=24, floor_per_person="30")
    new = st.build(base, "2023-01-01", {"rural_monthly": "5,316", "care_yearly": {"partial": "2600"}})
    assert new.rural_monthly == D("5316") and new.urban_monthly == D("690") and new.deposit_months == 24
    assert new.care_yearly == {"able": D(300), "partial": D(2600), "unable": D(5000)}
    assert new.effective_from == dt.date(2023, 1, 1) and not new.is_default
    assert base.care_yearly["partial"] == D(2500)  # the base is untouched


@pytest.mark.parametrize(("value", "expected"), [
    ("439", D("439")), (439, D("439")), (439.5, D("439.5")), ("  ４３９ ", D("439")), ("5,268", D("5268")),
    ("439.50", D("439.5")), (D("1E+2"), D("100")),
])
def test_amounts_arrive_as_strings_or_numbers(value, expected):
    got = version("2024-01-01", rural_monthly=value).rural_monthly
    assert got == expected and isinstance(got, Decimal) and "E" not in f"{got}"


@pytest.mark.parametrize(("key", "value", "message"), [
    ("rural_monthly", "abc", "应为数字，如 439 或 439.50"),
    ("rural_monthly", "NaN", "应为数字，如 439 或 439.50"),
    ("rural_monthly", "Infinity", "应为数字，如 439 或 439.50"),
    ("rural_monthly", True, "应为数字"),
    ("rural_monthly", {"a": 1}, "应为数字"),
    ("rural_monthly", [439], "应为数字"),
    ("rural_monthly", None, "此项必填"),
    ("rural_monthly", "", "此项必填"),
    ("rural_monthly", "0", "应在 1 到 100000 之间"),
    ("rural_monthly", "-439", "应在 1 到 100000 之间"),
    ("rural_monthly", "1e999999999", "应在 1 到 100000 之间"),
    ("rural_monthly", "9" * 40, "应为数字"),
    ("rural_monthly", "439.555", "最多保留 2 位小数"),
    ("employment_deduction", "1.5", "应在 0 到 0.9 之间"),
    ("deposit_months", "24.5", "应为整数"),
    ("max_homes", 0, "应在 1 到 10 之间"),
    ("tekun_multiple", "1.2", "应在 1.3 到 5 之间"),
    ("commercial_property_allowed", "maybe", "应为是或否"),
    ("exempt_kinds", "wages", "应为收入类别代码的列表"),
    ("exempt_kinds", ["wages", "lottery"], "没有这种收入类别：lottery"),
    ("basis", "文" * 201, "最多 200 个字"),
    ("care_yearly.partial", "-1", "应在 0 到 1000000 之间"),
    ("unknown_field", 1, "不支持的字段"),
    ("care_yearly.luxury", 1, "不支持的字段"),
    ("care_yearly", "300", "应为包含 able、partial、unable 的对象"),
    ("relief_multiples", [3, 6, 12], "应为包含 minor、serious、grave 的对象"),
])
def test_bad_values_are_refused_field_by_field_in_chinese(key, value, message):
    with pytest.raises(InvalidInput) as caught:
        version("2024-01-01", **{key: value})
    assert caught.value.fields == {key: [message]}


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidInput) as caught:
        st.build(st.DEFAULTS, "2024-13-01", {"rural_monthly": "x", "edge_multiple": "0.5"})
    assert set(caught.value.fields) == {"effective_from", "rural_monthly", "edge_multiple"}
    assert caught.value.fields["effective_from"] == ["日期格式应为 YYYY-MM-DD"]


@pytest.mark.parametrize("day", ["1999-12-31", "2100-01-01"])
def test_effective_dates_are_bounded(day):
    with pytest.raises(InvalidInput) as caught:
        version(day)
    assert caught.value.fields == {"effective_from": ["日期应在 2000 年到 2099 年之间"]}


def test_optional_amounts_can_be_cleared_and_booleans_come_from_forms():
    base = version("2022-01-01", urban_monthly="690", floor_per_person="30")
    new = st.build(base, "2023-01-01", {"urban_monthly": "", "floor_per_person": None,
                                        "commercial_property_allowed": "on"})
    assert new.urban_monthly is None and new.floor_per_person is None and new.commercial_property_allowed


def test_relief_tiers_must_rise_with_severity():
    with pytest.raises(InvalidInput) as caught:
        version("2024-01-01", relief_multiples={"minor": "6", "serious": "3"})
    assert caught.value.fields == {"relief_multiples.serious": ["临时救助倍数应按一般、较重、严重从低到高"]}


def test_storage_round_trip_keeps_every_value_exactly():
    original = version("2024-03-01", rural_monthly="443.33", urban_monthly="690", deposit_months=24,
                       car_value_limit="30000", floor_per_person="50.5", exempt_kinds=["disability_subsidy"],
                       tekun_yearly=None, basis="濉民〔2024〕3号")
    stored = st.to_dict(original)
    assert stored["rural_monthly"] == "443.33" and stored["tekun_yearly"] is None and stored["unset"] == []
    assert st.from_dict(stored) == original


def test_a_stored_row_missing_a_newer_key_takes_the_default():
    stored = st.to_dict(version("2024-01-01"))
    del stored["taper_months"], stored["care_yearly"]["unable"]
    again = st.from_dict(stored)
    assert again.taper_months == 6 and again.care_yearly["unable"] == D(5000)
