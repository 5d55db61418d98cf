"""The household through its use cases (SQLite and PostgreSQL): draft, save, masks, scope, audited reveal."""

import pytest
from sqlalchemy import select, text

from service.auth.models import AuditRecord
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import household_services as hh
from service.intake import services
from service.intake.models import ApplicationEvent
from tests.integration.casework_helpers import (
    APPLICANT_ID,
    CHILD_ID,
    SPOUSE_ID,
    TODAY,
    accepted,
    counts,
    editable,
    family,
    record,
    save,
)


def test_before_the_window_saves_a_household_the_applicant_is_its_draft(county):
    case_no = accepted(county)
    draft = hh.get_household(county["actors"]["suntuan"], case_no)
    assert draft["exists"] is False and draft["version"] is None and draft["reported_size"] == 3
    [me] = draft["members"]
    assert me["relation"] == "self" and me["name"] == "张秀英" and me["id_number"] == "110***********002X"


def test_saving_the_household_encrypts_masks_and_derives_the_age(county):
    case_no = accepted(county)
    before = counts()
    saved = save(county, case_no)
    assert saved["exists"] and saved["version"] == 1 and saved["counted_members"] == 3
    me, spouse, child = saved["members"]
    assert me["id_number"] == "110***********002X"  # 本人 without a number takes the applicant's
    assert spouse["id_number"] == "440***********0014" and spouse["disability_grade_1_2"] is True
    assert me["aged_60_plus"] is True and spouse["aged_60_plus"] is True and child["aged_60_plus"] is False
    rows = db.session.execute(text("SELECT * FROM household_members")).mappings().all()
    assert all(n not in str(v) for row in rows for v in row.values() for n in (SPOUSE_ID, CHILD_ID, APPLICANT_ID))
    after = counts()
    assert after[4] == before[4] + 1 and after[5] == before[5]  # one history line, no notice to the applicant
    event = db.session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id.desc())).first()
    assert event.action == "household_saved" and event.note == "家庭成员 3 人" and event.to_status == "accepted"


def test_a_member_sent_back_without_his_number_keeps_it_and_null_clears_it(county):
    case_no = accepted(county)
    saved = save(county, case_no)
    rows = [{k: v for k, v in m.items() if k != "id_number"} for m in editable(saved["members"])]
    again = save(county, case_no, rows, version=1)
    assert [m["id_number"] for m in again["members"]] == [m["id_number"] for m in saved["members"]]
    assert [m["id"] for m in again["members"]] == [m["id"] for m in saved["members"]] and again["version"] == 2
    as_read = save(county, case_no, editable(again["members"]), version=2)  # masked numbers sent back unchanged
    assert [m["id_number"] for m in as_read["members"]] == [m["id_number"] for m in saved["members"]]
    spouse = hh.reveal_member_id_number(county["actors"]["suntuan"], case_no, saved["members"][1]["id"])
    assert spouse["id_number"] == SPOUSE_ID
    rows[2]["id_number"] = None
    assert save(county, case_no, rows, version=3)["members"][2]["id_number"] is None


def test_a_masked_number_that_is_not_the_members_own_is_refused(county):
    case_no = accepted(county)
    saved = save(county, case_no)
    rows = editable(saved["members"])
    rows[1]["id_number"], rows[2]["id_number"] = rows[2]["id_number"], rows[1]["id_number"]
    with pytest.raises(InvalidInput) as caught:
        save(county, case_no, rows, version=1)
    message = ["带 * 的是脱敏显示的号码，请填写完整的身份证号码"]
    assert caught.value.fields == {"members": {1: {"id_number": message}, 2: {"id_number": message}}}


def test_a_stale_household_version_is_refused_and_nothing_changes(county):
    case_no = accepted(county)
    save(county, case_no)
    with pytest.raises(StaleVersion):
        save(county, case_no, version=None)  # someone else created it meanwhile
    before = counts()
    with pytest.raises(StaleVersion):
        save(county, case_no, family()[:1], version=7)
    assert counts() == before


@pytest.mark.parametrize(("members", "fields"), [
    ([{"relation": "spouse", "name": "李建国"}], {"household": ["家庭成员中须有且只有一位「本人」（即申请人）"]}),
    ([{"relation": "self", "name": "甲"}, {"relation": "self", "name": "乙"}],
     {"household": ["家庭成员中须有且只有一位「本人」（即申请人）"]}),
    ([{"relation": "self", "name": "甲"}, {"relation": "child", "name": "乙", "id_number": "110105194912310021"}],
     {"members": {1: {"id_number": ["身份证号码校验位不对，请核对是否有数字输错"]}}}),
    ([{"relation": "self", "name": "甲", "id_number": SPOUSE_ID},
      {"relation": "spouse", "name": "乙", "id_number": SPOUSE_ID.lower()}],
     {"members": {1: {"id_number": ["与第 1 位成员的身份证号相同"]}}}),
    ([{"relation": "self", "name": "甲", "excluded_reason": "prison"}],
     {"members": {0: {"excluded_reason": ["申请人本人不能排除在家庭之外"]}}}),
    ([{"relation": "self", "name": "甲"}, {"relation": "child", "name": "乙", "excluded_reason": "other"}],
     {"members": {1: {"excluded_note": ["选择「其他不计入情形」时请写明原因"]}}}),
    ([{"relation": "self", "name": "甲", "id": 999999}],
     {"members": {0: {"id": ["该成员不属于本申请的家庭，请刷新后再保存"]}}}),
])
def test_household_problems_are_named_member_by_member(county, members, fields):
    case_no = accepted(county)
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        save(county, case_no, members)
    assert caught.value.fields == fields
    assert counts() == before


def test_another_households_member_cannot_be_borrowed(county):
    first, second = accepted(county), accepted(county, name="王桂兰", id_number=None, phone="13900001111")
    stranger = save(county, first)["members"][1]["id"]
    with pytest.raises(InvalidInput) as caught:
        save(county, second, [{"relation": "self", "name": "王桂兰"}, {"id": stranger, "relation": "spouse",
                                                                      "name": "李建国"}])
    assert caught.value.fields == {"members": {1: {"id": ["该成员不属于本申请的家庭，请刷新后再保存"]}}}


def test_an_excluded_member_is_kept_with_the_reason_but_not_counted(county):
    case_no = accepted(county)
    members = family() + [{"relation": "child", "name": "李大军", "excluded_reason": "prison",
                           "excluded_note": "2025年起服刑五年"}]
    saved = save(county, case_no, members)
    assert saved["counted_members"] == 3 and saved["members"][3]["excluded_label"] == "正在服刑"
    assert saved["members"][3]["counted"] is False and saved["members"][3]["excluded_note"] == "2025年起服刑五年"


def test_a_member_with_recorded_income_cannot_be_dropped(county):
    case_no = accepted(county)
    saved = save(county, case_no)
    record(county, case_no, saved)
    before = counts()
    with pytest.raises(Conflict) as caught:
        save(county, case_no, editable([m for m in saved["members"] if m["relation"] != "spouse"]), version=1)
    assert caught.value.code == "member_in_use" and caught.value.message.startswith("李建国 在入户调查记录中登记了收入")
    assert counts() == before


@pytest.mark.parametrize(("actor", "error"), [("linhuan", NotFound), ("hotline", Forbidden), ("audit", Forbidden),
                                              ("admin", Forbidden)])
def test_only_caseworkers_who_see_the_township_reach_the_household(county, actor, error):
    case_no = accepted(county)
    with pytest.raises(error) as caught:
        hh.get_household(county["actors"][actor], case_no)
    with pytest.raises(error):
        save(county, case_no, actor=actor)
    if error is NotFound:  # another township's case answers exactly like a missing one
        with pytest.raises(NotFound) as missing:
            hh.get_household(county["actors"][actor], "26000000000")
        assert caught.value.message == missing.value.message and caught.value.code == missing.value.code


def test_county_staff_write_any_townships_household(county):
    case_no = accepted(county)
    assert save(county, case_no, actor="county")["version"] == 1


def test_a_closed_case_keeps_its_household_as_it_was(county):
    case_no = accepted(county, accept=False)
    save(county, case_no)
    detail = services.detail(county["actors"]["suntuan"], case_no)
    services.act(county["actors"]["suntuan"], case_no, "withdraw", {}, detail["version"], today=TODAY)
    with pytest.raises(Conflict) as caught:
        save(county, case_no, version=1)
    assert caught.value.code == "case_closed" and caught.value.message == "该申请已办结（已撤回），不能再修改家庭成员"


def _audit():
    db.session.expire_all()
    return [(r.event, r.target_id, r.outcome) for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.event == "reveal_member_id_number").order_by(AuditRecord.id))]


def test_revealing_a_members_number_is_audited_and_other_townships_are_refused_and_audited(county):
    case_no = accepted(county)
    spouse = save(county, case_no)["members"][1]
    shown = hh.reveal_member_id_number(county["actors"]["suntuan"], case_no, spouse["id"], "192.0.2.9")
    assert shown == {"case_no": case_no, "member_id": spouse["id"], "name": "李建国", "id_number": SPOUSE_ID}
    with pytest.raises(NotFound):
        hh.reveal_member_id_number(county["actors"]["linhuan"], case_no, spouse["id"])
    with pytest.raises(NotFound):
        hh.reveal_member_id_number(county["actors"]["suntuan"], case_no, 987654)
    assert _audit() == [("reveal_member_id_number", f"{case_no}:{spouse['id']}", "granted"),
                        ("reveal_member_id_number", f"{case_no}:{spouse['id']}", "refused")]



def test_two_clerks_saving_the_first_household_at_once_one_wins(app, county, database_url, monkeypatch):
    import threading

    if not database_url.startswith("postgresql"):
        pytest.skip("the race is about PostgreSQL's concurrent inserts; SQLite serialises writers anyway")
    case_no = accepted(county)
    both_read = threading.Barrier(2, timeout=10)
    real = hh.household_of

    def read_then_wait(app_row):
        found = real(app_row)
        both_read.wait()  # both have seen no household before either inserts one
        return found

    monkeypatch.setattr(hh, "household_of", read_then_wait)
    results = []

    def run(who):
        with app.app_context():
            try:
                results.append(save(county, case_no, actor=who)["version"])
            except StaleVersion as exc:
                results.append(exc.code)

    threads = [threading.Thread(target=run, args=(who,)) for who in ("suntuan", "county")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(map(str, results)) == ["1", "stale_version"]
    monkeypatch.undo()
    assert len(hh.get_household(county["actors"]["suntuan"], case_no)["members"]) == 3
