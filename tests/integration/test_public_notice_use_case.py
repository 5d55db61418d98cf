"""The 公示 guard through the use case (issue 12): the clock the use case takes (`today=`) decides, the row
keeps the start and the 无异议 day, an objection starts over, and the applicant is never told two
contradicting things (no "已报县审核" while "公示到…结束" still stands)."""

import datetime as dt

import pytest
from sqlalchemy import select

from service.errors import InvalidTransition
from service.extensions import db
from service.intake import opening, services
from service.intake.models import Application
from service.notify.models import Notification

STARTED = dt.date(2026, 11, 23)


def day(n: int) -> dt.date:
    return STARTED + dt.timedelta(days=n)


def in_notice(county, intake="dibao") -> str:
    payload = {"phone": "13812345678", "name": "张秀英", "intake": intake, "village_id": county["villages"]["秦口村"],
               "description": "老伴瘫痪在床，家里没有收入", "household_size": 2}
    clerk = county["actors"]["suntuan"]
    case_no = opening.open_application(county["actors"]["hotline"], payload, channel="hotline",
                                        today=STARTED)["case_no"]
    for action in ("accept", "start_investigation", "start_public_notice"):
        services.act(clerk, case_no, action, {}, None, today=STARTED)
    return case_no


def act(county, case_no, action, today, **params):
    return services.act(county["actors"]["suntuan"], case_no, action, params, None, today=today)


def test_day_six_refused_day_seven_recorded_and_sent_on(county):
    case_no = in_notice(county)
    with pytest.raises(InvalidTransition, match="11月30日起才能报县审核"):
        act(county, case_no, "submit_to_county", day(6))
    detail = services.detail(county["actors"]["suntuan"], case_no, today=day(6))
    assert detail["public_notice"] == {"started_on": "2026-11-23", "ends_on": "2026-11-30", "ended": False,
                                       "cleared_on": None,
                                       "published": {"household_size": 2, "proposed_amount": None}}
    assert {w["action"] for w in detail["waiting_actions"]} == {"close_public_notice", "submit_to_county"}
    assert "公示到11月30日结束" in detail["applicant_message"]
    cleared = act(county, case_no, "close_public_notice", day(7))
    assert cleared["status"] == "public_notice" and cleared["public_notice"]["cleared_on"] == "2026-11-30"
    assert cleared["history"][-1]["note"] == "公示期满，无异议"
    sent = act(county, case_no, "submit_to_county", day(7))
    assert sent["status"] == "county_review" and "已报县民政局审核确认" in sent["applicant_message"]


def test_an_objection_goes_back_to_investigation_and_needs_a_new_full_notice(county):
    case_no = in_notice(county)
    back = act(county, case_no, "reinvestigate", day(3), reason="邻居反映其儿子在外地开店")
    assert back["status"] == "investigating" and back["public_notice"] is None
    assert back["history"][-1]["note"] == "邻居反映其儿子在外地开店"
    with pytest.raises(InvalidTransition, match="须先公示7天"):
        act(county, case_no, "submit_to_county", day(8))
    act(county, case_no, "start_public_notice", day(9))
    with pytest.raises(InvalidTransition, match="12月9日起"):  # the new term counts from its own start
        act(county, case_no, "close_public_notice", day(12))
    act(county, case_no, "close_public_notice", day(16))
    assert act(county, case_no, "submit_to_county", day(16))["status"] == "county_review"


def test_the_applicant_hears_of_the_county_only_after_the_notice_ran_its_term(county):
    case_no = in_notice(county)
    with pytest.raises(InvalidTransition):
        act(county, case_no, "submit_to_county", STARTED)
    app_id = db.session.scalar(select(Application.id).where(Application.case_no == case_no))
    kinds = db.session.scalars(select(Notification.kind).where(Notification.application_id == app_id)
                               .order_by(Notification.id)).all()
    assert kinds[-1] == "public_notice_started" and "county_review" not in kinds
    act(county, case_no, "close_public_notice", day(7))  # recording the end tells the applicant nothing new
    act(county, case_no, "submit_to_county", day(7))
    kinds = db.session.scalars(select(Notification.kind).where(Notification.application_id == app_id)
                               .order_by(Notification.id)).all()
    assert kinds[-2:] == ["public_notice_started", "county_review"]


def test_child_welfare_goes_to_the_county_without_notice(county):
    payload = {"phone": "13812345679", "name": "李桂兰", "intake": "child_welfare",
               "village_id": county["villages"]["秦口村"], "description": "孙子父母双亡，我年纪大了养不动"}
    case_no = opening.open_application(county["actors"]["hotline"], payload, channel="hotline",
                                        today=STARTED)["case_no"]
    for action in ("accept", "start_investigation"):
        act(county, case_no, action, STARTED)
    with pytest.raises(InvalidTransition, match="不公示"):
        act(county, case_no, "start_public_notice", STARTED)
    detail = act(county, case_no, "submit_to_county", STARTED)
    assert detail["status"] == "county_review" and detail["public_notice"] is None
    assert [s["status"] for s in detail["steps"]] == ["submitted", "accepted", "investigating", "county_review",
                                                      "approved"]
