"""The 公示 list (SQLite and PostgreSQL): only cases in 公示, only name / household size / proposed amount,
never child welfare, and nothing for staff outside the township."""

import pytest
from sqlalchemy import update

from service.errors import Forbidden, NotFound
from service.extensions import db
from service.intake import notice_board, services
from service.intake.models import Application
from tests.integration.casework_helpers import TODAY, accepted, record, save


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
                        "amount_unit", "notice_from", "notice_until"}  # no case number, phone, ID or reasons
    detail = services.detail(county["actors"]["suntuan"], case_no)
    assert row["notice_until"] == detail["step_deadline"] and row["notice_from"] and row["amount_unit"] == "元/月"
    assert not_yet not in str(board) and case_no not in str(board)
    township = notice_board.notice_list(county["actors"]["county"], township_id=county["townships"]["孙疃镇"],
                                        today=TODAY)
    assert [r["name"] for r in township["items"]] == ["张秀英"]


def test_a_case_without_a_computation_is_listed_without_an_amount(county):
    case_no = accepted(county, village="临涣村", clerk="linhuan")
    _in_notice(county, case_no, clerk="linhuan")
    board = notice_board.notice_list(county["actors"]["linhuan"], today=TODAY)  # the clerk's own township
    assert board["township"] == "临涣镇"
    assert [(r["name"], r["household_size"], r["proposed_amount"]) for r in board["items"]] == [("张秀英", 3, None)]


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
