"""The 低保 pre-screen through signed callbacks reads the county's standard in force from the database
(issue 12): the rural figure for a village, the urban one for a residents' committee, never a version
that takes effect later, and nothing compared while the county has set no standard of its own."""

import datetime as dt

from sqlalchemy import select, update

from service.clock import today
from service.extensions import db
from service.intake import standards_services as stds
from service.intake.models import Application, Township, Village

ID = "11010519491231002X"


def to_income(wechat, village: str, household: str = "3") -> str:
    replies = wechat.conversation("俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", ID, "13812345678", village,
                                  household)
    assert "收入" in replies[-1], replies[-1]
    return replies[-1]


def set_standards(county, *, rural: str, urban: str | None = None) -> None:
    reviewer = county["actors"]["county"]
    values = {"effective_from": (today() - dt.timedelta(days=30)).isoformat(), "rural_monthly": rural}
    if urban:
        values["urban_monthly"] = urban
    stds.add_version(reviewer, values)
    # a raise that takes effect next month is not the standard in force today
    stds.add_version(reviewer, {"effective_from": (today() + dt.timedelta(days=30)).isoformat(), "rural_monthly": "900"})


def add_residents_committee() -> None:
    """孙疃社区, 340621109001: codes 001–199 are residents' committees (urban) in the statistical scheme."""
    township = db.session.scalars(select(Township).where(Township.name == "孙疃镇")).one()
    db.session.add(Village(township_id=township.id, code="340621109001", name="孙疃社区"))
    db.session.commit()


def test_a_village_is_compared_with_the_countys_rural_standard_in_force(wechat, county):
    set_standards(county, rural="480", urban="690")
    to_income(wechat, "孙疃镇秦口村")  # 340621109203: a villagers' committee
    reply = wechat.say("1500")
    assert "您家每人每月大约500元，高于本县农村低保标准480元。" in reply and "您仍然可以申请" in reply
    assert "900" not in reply and "估算" not in reply
    summary = wechat.say("0")
    assert "家庭月收入：约1500元（仅供参考）" in summary
    assert "案件号" in wechat.say("1")  # above the standard, the application goes in all the same
    app = db.session.scalars(select(Application)).one()
    assert "家庭月收入（居民自述，仅供参考）：约1500元" in app.description and app.household_size == 3


def test_a_residents_committee_is_compared_with_the_urban_standard(wechat, county):
    set_standards(county, rural="480", urban="690")
    add_residents_committee()
    to_income(wechat, "孙疃镇孙疃社区")
    reply = wechat.say("一千五")
    assert "您家每人每月大约500元，低于本县城市低保标准690元，可能符合条件" in reply


def test_without_the_urban_standard_a_residents_committee_is_told_the_rural_estimate(wechat, county):
    set_standards(county, rural="439.5")
    add_residents_committee()
    to_income(wechat, "孙疃镇孙疃社区", household="2")
    assert "您说家里没有收入，低于本县农村低保标准439.5元（按农村标准估算），可能符合条件" in wechat.say("没收入")


def test_a_village_without_a_statistical_code_is_told_the_rural_estimate(wechat, county):
    set_standards(county, rural="480", urban="690")
    db.session.execute(update(Village).where(Village.name == "秦口村").values(code=None))
    db.session.commit()
    to_income(wechat, "孙疃镇秦口村", household="2")
    assert "您家每人每月大约450元，低于本县农村低保标准480元（按农村标准估算）" in wechat.say("900")


def test_a_county_without_a_standard_of_its_own_is_compared_with_nothing(wechat, county):
    to_income(wechat, "孙疃镇秦口村")
    reply = wechat.say("1500")
    assert "收入记下了" in reply and "439" not in reply and "高于" not in reply and "低于" not in reply
    wechat.say("0")
    assert "案件号" in wechat.say("1")
