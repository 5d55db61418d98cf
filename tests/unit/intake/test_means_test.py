"""The means test, pure: DOMAIN.md's worked example and the cases around it, every reason in Chinese."""

import datetime as dt
from decimal import Decimal

import pytest

from service.intake import standards as st
from service.intake.means_test import Asset, Case, Income, MeansTestInputError, Member, means_test

D = Decimal
ON = dt.date(2026, 11, 25)
FAMILY = (Member(1, "张秀英"), Member(2, "李建国", "spouse", disability_grade_1_2=True),
          Member(3, "李小军", "child", in_school=True))


def county(**changes) -> st.Standards:
    return st.build(st.DEFAULTS, "2022-01-01", changes)


def run(members=FAMILY, incomes=(), assets=(), standards=None, **case):
    return means_test(Case(tuple(members), tuple(incomes), tuple(assets), **case), standards or county(), on=ON)


def test_domain_worked_example():
    # 3 members, wages 1,000 with 20 % deduction → 800, 残疾人两项补贴 100 not counted; 266.67; 517 元/月
    result = run(incomes=[Income("wages", D(1000), 1), Income("disability_subsidy", D(100), 2)])
    assert result["per_capita_income"] == "266.67" and result["total_income"] == "800.00"
    assert result["eligible"] is True and result["benefit"]["amount"] == 517
    assert "人均月收入 266.67 元，低于标准 439 元" in result["reasons"][1]
    assert result["reasons"][-1] == "符合低保条件，每月补差 517 元"
    wage, subsidy = result["incomes"]
    assert wage["counted"] == "800.00" and wage["explanation"] == \
        "张秀英工资性收入每月 1000 元，扣除就业成本 20%（200 元），计入 800 元"
    assert subsidy["exempt"] is True and subsidy["counted"] == "0.00" and "属收入豁免，不计入" in subsidy["explanation"]
    assert result["benefit"]["explanation"] == "（439 − 266.67）× 3 人 = 516.99 元，取整为 517 元"
    assert result["single_person"] == [] and result["tekun"] is None and result["temporary_relief"] is None


@pytest.mark.parametrize(("wages", "per_capita", "eligible", "benefit"), [
    ("1097.50", "439.00", False, None),      # exactly at the standard: not below, not eligible
    ("1097.47", "438.99", True, 0),          # one fen below: eligible, (0.01 × 2) rounds to 0 yuan
    ("1096.25", "438.50", True, 1),          # 0.50 × 2 = 1
    ("1094.00", "437.60", True, 3),          # 1.40 × 2 = 2.80 → 3
    ("2000", "800.00", False, None),         # income above the standard
    ("0", "0.00", True, 878),                # zero income: the whole standard for each member
])
def test_around_the_standard(wages, per_capita, eligible, benefit):
    result = run(members=FAMILY[:2], incomes=[Income("wages", D(wages), 1)])
    assert result["per_capita_income"] == per_capita and result["eligible"] is eligible
    assert (result["benefit"] or {}).get("amount") == benefit
    if benefit == 0:
        assert result["benefit"]["explanation"].endswith("差额不足 0.5 元，取整后为 0 元")
    shown = per_capita.removesuffix(".00")
    comparison = "低于标准 439 元" if eligible else "不低于标准 439 元（须低于标准）"
    assert result["reasons"][1].endswith(f"人均月收入 {shown} 元，{comparison}")
    assert result["reasons"][-1] == ("符合低保条件，每月补差" if eligible else "不符合低保条件") + (
        f" {benefit} 元" if eligible else "")


def test_per_capita_is_rounded_to_the_fen_before_it_is_compared():
    # 3 members, 1,316.99 counted → 438.9966… → 439.00 shown, and 439.00 is not below 439
    result = run(incomes=[Income("pension", D("1316.99"), 1)])
    assert result["per_capita_income"] == "439.00" and result["eligible"] is False


def test_a_member_serving_a_sentence_is_not_counted_nor_is_his_income():
    members = FAMILY + (Member(4, "王五", "child", excluded_reason="prison", excluded_note="2025年起服刑5年"),)
    result = run(members=members, incomes=[Income("wages", D(1000), 1), Income("wages", D(3000), 4)])
    assert result["counted_members"] == 3 and result["per_capita_income"] == "266.67"
    assert result["benefit"]["amount"] == 517
    assert result["reasons"][0] == "共同生活家庭成员 4 人，计入 3 人（王五：正在服刑（2025年起服刑5年），不计入）"
    assert "王五不计入家庭成员，其收入不计入" in result["incomes"][1]["explanation"]
    assert [m["counted"] for m in result["members"]] == [True, True, True, False]


@pytest.mark.parametrize(("asset", "changes", "reason"), [
    (Asset("deposit", D(40000)), {"deposit_months": 24},
     "人均存款及有价证券 13333.33 元，超过本县规定的 24 个月低保标准（10536 元）"),
    (Asset("vehicle", D(50000), member=1), {},
     "张秀英名下有自用车辆（价值 50000 元），不是残疾人代步车或谋生工具，不符合本县财产规定"),
    (Asset("vehicle", D(50000)), {"car_value_limit": "30000"}, "家庭有自用车辆（价值 50000 元），超过本县规定的 30000 元"),
    (Asset("home", count=2), {}, "拥有住房 2 套，超过本县规定的 1 套"),
    (Asset("commercial_property", D(200000)), {}, "拥有商业用房 1 处，不符合本县财产规定"),
])
def test_an_asset_over_a_limit_fails_whatever_the_income(asset, changes, reason):
    result = run(incomes=[], assets=[asset], standards=county(**changes))
    assert result["per_capita_income"] == "0.00" and result["eligible"] is False and result["benefit"] is None
    assert result["assets_pass"] is False and reason in result["reasons"]
    assert "家庭财产超过本县规定，无论收入多少均不符合低保条件" in result["reasons"]


@pytest.mark.parametrize(("asset", "changes"), [
    (Asset("deposit", D("31608")), {"deposit_months": 24}),   # exactly 24 × 439 per head for 3: at the limit passes
    (Asset("vehicle", D(8000), purpose="disability"), {}),
    (Asset("vehicle", D(60000), purpose="work_tool"), {}),
    (Asset("vehicle", D(20000)), {"car_value_limit": "30000"}),
    (Asset("home"), {}),
    (Asset("commercial_property"), {"commercial_property_allowed": True}),
])
def test_assets_within_the_limits_pass(asset, changes):
    result = run(assets=[asset], standards=county(**changes))
    assert result["assets_pass"] is True and result["eligible"] is True
    assert "家庭财产符合本县规定" in result["reasons"]


def test_deposits_unchecked_when_the_county_set_no_limit_are_said_so():
    result = run(assets=[Asset("deposit", D(900000))])
    assert result["assets_pass"] is True
    assert result["assets"][0]["explanation"] == "人均存款及有价证券 300000 元；本县尚未设定限额，未核查"
    assert result["warnings"] == ["本县尚未设定存款及有价证券限额，相关项目未核查"]


def test_an_excluded_members_assets_are_not_the_households():
    members = FAMILY + (Member(4, "王五", excluded_reason="clergy"),)
    result = run(members=members, assets=[Asset("vehicle", D(90000), member=4)])
    assert result["assets_pass"] is True and result["assets"] == []


def test_the_standard_changed_mid_procedure_the_decision_dates_version_applies():
    versions = [county(rural_monthly="420"), st.build(st.DEFAULTS, "2027-01-01", {"rural_monthly": "439"})]
    accepted, decided = dt.date(2026, 12, 10), dt.date(2027, 1, 5)
    case = Case(FAMILY, (Income("wages", D(1000), 1),))
    result = means_test(case, st.standards_on(versions, decided), on=decided,
                        earlier=st.standards_on(versions, accepted), earlier_on=accepted)
    assert result["standard"] == "439" and result["benefit"]["amount"] == 517
    note = result["standards"]
    assert note["changed_during_procedure"] is True and note["effective_from"] == "2027-01-01"
    assert note["explanation"] == ("按决定日 2027-01-05 适用的标准（2027-01-01 起执行）计算：农村低保 439 元/月。"
                                   "办理期间标准有调整：受理时（2026-12-10）执行 420 元/月，现按决定日适用的标准计算")
    before = means_test(case, st.standards_on(versions, accepted), on=accepted)
    assert before["benefit"]["amount"] == 460 and before["standards"]["changed_during_procedure"] is False


def test_the_per_person_floor_lifts_a_small_benefit():
    result = run(incomes=[Income("pension", D(1260), 1)], standards=county(floor_per_person="100"))
    assert result["per_capita_income"] == "420.00"
    assert result["benefit"] == {
        "amount": 300, "computed": 57, "floor_applied": True,
        "explanation": "（439 − 420）× 3 人 = 57 元，取整为 57 元；低于本县每人每月保底 100 元，按保底发放 300 元"}
    assert run(incomes=[Income("pension", D(300), 1)], standards=county(floor_per_person="100"))["benefit"][
        "floor_applied"] is False


def test_single_person_coverage_in_an_edge_household():
    # 3 members, 1,500 counted → 500 per head: above 439, below 1.5 × 439 = 658.50; the disabled member alone
    result = run(incomes=[Income("pension", D(1500), 1)])
    assert result["eligible"] is False and result["edge_household"] is True and result["edge_limit"] == "658.50"
    assert "人均月收入低于低保边缘标准 658.50 元（439 元 × 1.5），属低保边缘家庭" in result["reasons"]
    [option] = result["single_person"]
    assert option["name"] == "李建国" and option["amount"] == 439 and option["own_income"] == "0.00"
    assert option["explanation"].startswith("李建国（一、二级残疾）可按单人户施保：本人月收入 0 元")


@pytest.mark.parametrize(("members", "pension", "changes", "options"), [
    (FAMILY, 2100, {}, 0),                         # 700 per head: not an edge household
    (FAMILY, 2100, {"edge_multiple": "2"}, 1),     # the county's own multiple: 878 edge
    ((Member(1, "甲"), Member(2, "乙", grave_illness=True)), 1000, {}, 1),
    ((Member(1, "甲"), Member(2, "乙", in_school=True)), 1000, {}, 0),  # nobody disabled or gravely ill
])
def test_single_person_only_when_the_inputs_say_so(members, pension, changes, options):
    result = run(members=members, incomes=[Income("pension", D(pension), 1)], standards=county(**changes))
    assert len(result["single_person"]) == options


def test_the_single_person_option_counts_that_members_own_income():
    result = run(incomes=[Income("pension", D(1000), 1), Income("pension", D(400), 2)])
    [option] = result["single_person"]
    assert option["own_income"] == "400.00" and option["amount"] == 39


def test_no_single_person_option_when_assets_fail():
    result = run(incomes=[Income("pension", D(1500), 1)], assets=[Asset("commercial_property")])
    assert result["edge_household"] is False and result["single_person"] == []


@pytest.mark.parametrize(("item", "counted", "fragment"), [
    (Income("farming", D(12000), 1, period="year", costs=D(6000)), "500.00", "减去成本 6000 元，折合每月 500 元"),
    (Income("business", D(800), 1, costs=D(1200)), "0.00", "净收入为负，按 0 计"),
    (Income("wages", D(12000), 1, period="year"), "800.00", "折合每月 1000 元，扣除就业成本 20%（200 元）"),
    (Income("wages", D("1000.10"), 1), "800.08", "计入 800.08 元"),
    (Income("maintenance", D(300), None), "300.00", "全家赡养费、抚养费、扶养费每月 300 元"),
    (Income("property", D(250), 3), "250.00", "计入 250 元"),
])
def test_income_kinds_are_counted_as_the_rules_say(item, counted, fragment):
    line = run(incomes=[item])["incomes"][0]
    assert line["counted"] == counted and fragment in line["explanation"]


def test_the_county_decides_what_is_exempt_and_the_deduction():
    incomes = [Income("wages", D(1000), 1), Income("disability_subsidy", D(100), 2), Income("other", D(50), 3)]
    own = county(exempt_kinds=["other"], employment_deduction="0.3")
    result = run(incomes=incomes, standards=own)
    assert [line["counted"] for line in result["incomes"]] == ["700.00", "100.00", "0.00"]
    assert result["per_capita_income"] == "266.67"


def test_tekun_for_an_old_person_alone_with_no_able_supporter():
    alone = (Member(1, "孙德明", aged_60_plus=True, care_level="partial"),)
    result = run(members=alone, has_able_supporter=False)
    tekun = result["tekun"]
    assert tekun["basic_monthly"] == "583.33"  # 7,000 / 12 is above 1.3 × 439 = 570.70
    assert tekun["people"][0]["monthly"] == 792  # 583.33 + 2,500 / 12 = 791.67
    assert "照料护理（半自理）每年 2500 元" in tekun["people"][0]["explanation"]
    assert run(members=alone, has_able_supporter=None)["tekun"] is None  # not recorded: no suggestion
    assert run(members=alone, has_able_supporter=True)["tekun"] is None
    assert run(members=(Member(1, "年轻人"),), has_able_supporter=False)["tekun"] is None


def test_tekun_basic_takes_the_higher_of_the_multiple_and_the_amount():
    alone = (Member(1, "孙德明", unable_to_work=True),)
    result = run(members=alone, has_able_supporter=False, standards=county(tekun_multiple="2", tekun_yearly=None))
    assert result["tekun"]["basic_monthly"] == "878.00" and result["tekun"]["people"][0]["monthly"] == 878
    assert "生活自理能力尚未评估" in result["tekun"]["people"][0]["explanation"]


@pytest.mark.parametrize(("severity", "amount"), [("minor", 1317), ("serious", 2634), ("grave", 5268)])
def test_temporary_relief_suggestion_by_severity(severity, amount):
    relief = run(relief_severity=severity)["temporary_relief"]
    assert relief["amount"] == amount and relief["explanation"].endswith(f"月低保标准 439 元 = {amount} 元")


def test_taper_is_mentioned_for_a_household_already_in_receipt():
    result = run(incomes=[Income("pension", D(3000), 1)], in_receipt=True)
    assert result["taper"] == "已在保家庭收入超过标准，可按本县规定享受 6 个月渐退期"
    assert run(incomes=[Income("pension", D(3000), 1)])["taper"] is None


def test_urban_households_need_the_urban_standard():
    with pytest.raises(MeansTestInputError, match="本县尚未设定城市低保标准"):
        run(area="urban")
    result = run(area="urban", standards=county(urban_monthly="690"))
    assert result["standard"] == "690" and result["benefit"]["amount"] == 2070


def test_nobody_counted_cannot_be_tested():
    with pytest.raises(MeansTestInputError, match="没有计入的家庭成员"):
        run(members=[Member(1, "甲", excluded_reason="prison")])


def test_no_float_reaches_an_amount():
    result = run(incomes=[Income("wages", D("0.1"), 1), Income("wages", D("0.2"), 2)])
    assert result["total_income"] == "0.24" and result["per_capita_income"] == "0.08"
