"""The 公示 list (SQLite and PostgreSQL): only cases in 公示, only name / household size / proposed amount,
never child welfare, and nothing for staff outside the township."""

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from service.errors import Forbidden, NotFound
from service.extensions import db
from service.intake import notice_board, services
from service.intake.models import Application
from tests.integration.casework_helpers import TODAY, accepted, editable, record, save


def _in_notice(county, case_no, clerk="suntuan"):
    for action in ("start_investigation", "start_public_notice"):
        services.act(county["actors"][clerk], case_no, action, {}, None, today=TODAY)


def test_the_village_list_publishes_name_size_and_proposed_amount_only(county):
    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    _in_notice(county, case_no)
    not_yet = accepted(county, phone="13912345678", name="王德发", id_number=None)  # accepted, not in 公示
    child = accepted(county, phone="13712345678", name="刘小花", id_number=None, intake="child_welfare")
    # even a child-welfare case that reached 公示 somehow (old data, a bad import) is never published
    db.session.execute(update(Application).where(Application.case_no == child).values(status="public_notice"))
    db.session.commit()
    board = notice_board.notice_list(county["actors"]["suntuan"], village_id=county["villages"]["秦口村"], today=TODAY)
    assert [(r["name"], r["household_size"], r["proposed_amount"]) for r in board["items"]] == [("张秀英", 3, 517)]
    row = board["items"][0]
    assert set(row) == {"village", "name", "household_size", "proposed_amount", "intake", "intake_label",
                        "amount_unit", "notice_from", "notice_until", "frozen"}  # no case number, phone, ID or reasons
    detail = services.detail(county["actors"]["suntuan"], case_no)
    assert row["notice_until"] == detail["step_deadline"] and row["notice_from"] and row["amount_unit"] == "元/月"
    assert not_yet not in str(board) and case_no not in str(board)
    township = notice_board.notice_list(county["actors"]["county"], township_id=county["townships"]["孙疃镇"],
                                        today=TODAY)
    assert [r["name"] for r in township["items"]] == ["张秀英"]


def _board(county):
    board = notice_board.notice_list(county["actors"]["suntuan"], village_id=county["villages"]["秦口村"], today=TODAY)
    return [(r["name"], r["household_size"], r["proposed_amount"], r["frozen"]) for r in board["items"]]


def test_the_board_keeps_what_was_published_when_the_notice_started(county):
    case_no = accepted(county)
    household = save(county, case_no)
    record(county, case_no, household)
    _in_notice(county, case_no)
    # during the 7 days the household grows and the income found rises: the notice already posted stays
    grown = save(county, case_no, editable(household["members"]) + [{"relation": "parent", "name": "张老汉"}],
                 version=household["version"])
    record(county, case_no, grown, incomes=[{"member_id": grown["members"][0]["id"], "kind": "wages",
                                             "amount": Decimal(1500)}])
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    assert notice_board.published(app, TODAY)["household_size"] == 4  # what a recomputation would now show
    assert notice_board.published(app, TODAY)["proposed_amount"] != 517
    assert _board(county) == [("张秀英", 3, 517, True)]
    notice = services.detail(county["actors"]["suntuan"], case_no)["public_notice"]
    assert notice["published"] == {"household_size": 3, "proposed_amount": 517}  # the case file says what was posted
    # an objection sends it back to investigation; the new 公示 publishes the figures of its own start
    services.act(county["actors"]["suntuan"], case_no, "reinvestigate", {"reason": "村民异议：家中另有老人"}, None,
                 today=TODAY)
    assert _board(county) == []
    services.act(county["actors"]["suntuan"], case_no, "start_public_notice", {}, None, today=TODAY)
    fresh = notice_board.published(app, TODAY)
    assert _board(county) == [("张秀英", 4, fresh["proposed_amount"], True)]


def test_a_case_in_notice_from_before_the_figures_were_kept_shows_todays_marked_as_such(county):
    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    _in_notice(county, case_no)
    db.session.execute(update(Application).where(Application.case_no == case_no).values(notice_published=None))
    db.session.commit()  # as left by migration 0013 for a 公示 already running
    assert _board(county) == [("张秀英", 3, 517, False)]
    assert services.detail(county["actors"]["suntuan"], case_no)["public_notice"]["published"] is None


def test_a_case_without_a_computation_is_listed_without_an_amount(county):
    case_no = accepted(county, village="临涣村", clerk="linhuan")
    _in_notice(county, case_no, clerk="linhuan")
    board = notice_board.notice_list(county["actors"]["linhuan"], today=TODAY)  # the clerk's own township
    assert board["township"] == "临涣镇"
    assert [(r["name"], r["household_size"], r["proposed_amount"]) for r in board["items"]] == [("张秀英", 3, None)]
    assert board["items"][0]["frozen"]  # frozen as "no amount": a later computation does not add one mid-term


def test_staff_outside_the_township_get_not_found_and_other_roles_are_refused(county):
    case_no = accepted(county)
    _in_notice(county, case_no)
    with pytest.raises(NotFound):
        notice_board.notice_list(county["actors"]["linhuan"], village_id=county["villages"]["秦口村"])
    with pytest.raises(NotFound):
        notice_board.notice_list(county["actors"]["linhuan"], township_id=county["townships"]["孙疃镇"])
    with pytest.raises(NotFound):
        notice_board.notice_list(county["actors"]["suntuan"], village_id=2_000_000)
    with pytest.raises(Forbidden):
        notice_board.notice_list(county["actors"]["hotline"], township_id=county["townships"]["孙疃镇"])
