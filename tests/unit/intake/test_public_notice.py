"""The 公示 guard (issue 12): 7 full calendar days before the county, its end recorded 无异议 or with the
objection, an objection back to investigation and a new 公示; never for child welfare. Pure."""

import datetime as dt

import pytest

from service.errors import InvalidInput, InvalidTransition
from service.intake import workflow as wf

STARTED = dt.date(2026, 11, 23)
ENDS = STARTED + dt.timedelta(days=7)  # 11月30日


def in_notice(intake="dibao", cleared=False, ends=ENDS):
    return wf.Case(intake, wf.NOTICE, notice_ends_on=ends, notice_cleared=cleared)


def on_day(n: int) -> dt.date:
    return STARTED + dt.timedelta(days=n)


def test_day_six_is_refused_with_the_day_it_may_go():
    for action in ("close_public_notice", "submit_to_county"):
        with pytest.raises(InvalidTransition) as refused:
            wf.decide(in_notice(), action, "window", {}, today=on_day(6))
        assert "公示期未满" in refused.value.message and "11月30日起" in refused.value.message
    assert "submit_to_county" not in wf.allowed_actions(in_notice(), "window", today=on_day(6))


def test_day_seven_the_end_is_recorded_then_the_file_goes_to_the_county():
    change = wf.decide(in_notice(), "close_public_notice", "window", {}, today=on_day(7))
    assert change.to_status == wf.NOTICE
    with pytest.raises(InvalidTransition, match="请先登记公示结果"):
        wf.decide(in_notice(), "submit_to_county", "window", {}, today=on_day(7))
    cleared = in_notice(cleared=True)
    assert wf.decide(cleared, "submit_to_county", "window", {}, today=on_day(7)).to_status == wf.COUNTY
    assert "close_public_notice" not in wf.allowed_actions(cleared, "window", today=on_day(7))


def test_the_page_shows_the_waiting_steps_with_their_reason():
    waiting = dict(wf.waiting_actions(in_notice(), "window", today=on_day(3)))
    assert set(waiting) == {"close_public_notice", "submit_to_county"}
    assert "11月30日起才能报县审核" in waiting["submit_to_county"]
    assert wf.waiting_actions(in_notice(), "window", today=on_day(7)) == [
        ("submit_to_county", "请先登记公示结果：公示结束（无异议），或公示有异议")]
    assert wf.waiting_actions(in_notice(), "operator", today=on_day(3)) == []  # not theirs to take


def test_an_objection_any_day_sends_it_back_to_investigation_with_its_text():
    for day in (1, 7):
        change = wf.decide(in_notice(), "reinvestigate", "window", {"reason": "邻居反映家里有营运货车"}, today=on_day(day))
        assert change.to_status == wf.INVESTIGATING and change.data["reason"] == "邻居反映家里有营运货车"
    with pytest.raises(InvalidInput) as missing:
        wf.decide(in_notice(), "reinvestigate", "window", {}, today=on_day(2))
    assert "异议情况" in missing.value.fields["reason"][0]
    # back in investigation a new 公示 is needed before the county
    with pytest.raises(InvalidTransition, match="须先公示7天"):
        wf.decide(wf.Case("dibao", wf.INVESTIGATING), "submit_to_county", "window", {}, today=on_day(8))


def test_a_notice_without_a_known_end_is_never_cut_short():
    with pytest.raises(InvalidTransition, match="公示期未满"):
        wf.decide(in_notice(ends=None), "submit_to_county", "window", {}, today=on_day(30))


def test_temporary_relief_that_posts_a_notice_waits_for_it_too():
    with pytest.raises(InvalidTransition, match="公示期未满"):
        wf.decide(in_notice("temporary_relief"), "approve", "window", {"amount": "300"}, today=on_day(2))
    case = in_notice("temporary_relief", cleared=True)
    assert wf.decide(case, "approve", "window", {"amount": "300"}, today=on_day(7)).to_status == wf.APPROVED


def test_child_welfare_goes_to_the_county_without_any_notice():
    case = wf.Case("child_welfare", wf.INVESTIGATING)
    assert "start_public_notice" not in wf.allowed_actions(case, "window", today=STARTED)
    with pytest.raises(InvalidTransition, match="不公示"):
        wf.decide(case, "start_public_notice", "window", {}, today=STARTED)
    assert wf.decide(case, "submit_to_county", "window", {}, today=STARTED).to_status == wf.COUNTY
