import datetime as dt

import pytest
from sqlalchemy import func, select, text

from service.auth.models import AuditRecord
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import lookup, opening, queue, services
from service.intake.models import Applicant, Application, ApplicationEvent, Material

TODAY = dt.date(2026, 11, 23)
ID = "11010519491231002X"


PAYLOAD = {"phone": "13812345678", "name": "张秀英", "id_number": ID, "intake": "dibao",
           "description": "老伴瘫痪在床，家里没有收入", "urgent": False, "household_size": 2}


def call(county, **overrides):
    payload = {**PAYLOAD, "village_id": county["villages"]["秦口村"], **overrides}
    return opening.open_application(county["actors"]["hotline"], payload, channel="hotline", today=TODAY)


def counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (Applicant, Application, Material,
                                                                          ApplicationEvent)]


def test_a_call_opens_an_application_in_the_villages_township(county):
    detail = call(county)
    assert detail["status"] == "submitted" and detail["township"] == "孙疃镇" and detail["village"] == "秦口村"
    assert detail["step_deadline"] == "2026-11-26"  # 3 working days to decide 受理
    assert detail["applicant"]["id_number"] == "110***********002X"
    assert detail["applicant"]["phone"] == "138****5678"
    assert [m["name"] for m in detail["materials"]][:2] == ["救助申请书", "全体家庭成员身份证"]
    assert detail["history"][0]["action"] == "submit" and "热线" in detail["history"][0]["actor"]


def test_the_id_number_is_never_stored_in_clear(county):
    call(county)
    rows = db.session.execute(text("SELECT * FROM applicants")).mappings().all()
    assert rows and all(ID not in str(value) for row in rows for value in row.values())


def test_an_existing_applicant_is_matched_by_id_number_then_by_phone_and_name(county):
    call(county)
    call(county, intake="temporary_relief", phone="13900000000")  # same ID, new phone
    call(county, intake="child_welfare", id_number=None, phone="13900000000")  # same phone + name
    assert db.session.scalar(select(func.count(Applicant.id))) == 1
    call(county, intake="child_welfare", id_number=None, name="李四")
    assert db.session.scalar(select(func.count(Applicant.id))) == 2


def test_a_name_and_phone_given_only_with_an_earlier_application_find_the_same_file(county):
    call(county)  # the file keeps 13812345678
    call(county, intake="temporary_relief", phone="13900000000")  # same ID: same file, the new phone only on the application
    call(county, intake="child_welfare", id_number=None, phone="13900000000")  # no ID: found by that application's phone
    assert db.session.scalar(select(func.count(Applicant.id))) == 1
    assert db.session.scalar(select(Applicant.phone)) == "13812345678"


def test_a_second_open_application_for_the_same_intake_is_refused_naming_the_case_only_to_who_may_see_it(county):
    first = call(county)
    with pytest.raises(Conflict) as operator:
        call(county)  # the hotline operator: talking to a caller nobody has verified
    assert operator.value.code == "duplicate_open_application" and "不要重复登记" in operator.value.message
    assert first["case_no"] not in operator.value.message
    for clerk in ("suntuan", "county"):  # the case's own township, and the county
        with pytest.raises(Conflict) as told:
            opening.open_application(county["actors"][clerk], {**PAYLOAD, "village_id": county["villages"]["秦口村"]},
                                      channel="window", today=TODAY)
        assert first["case_no"] in told.value.message
    assert db.session.scalar(select(func.count(Application.id))) == 1


@pytest.mark.parametrize("overrides, field, words", [
    ({"id_number": "110105194912310021"}, "id_number", "校验位"),
    ({"phone": "1234"}, "phone", "11位"),
    ({"village_id": 99999}, "village_id", "村"),
    ({"intake": "housing"}, "intake", "类别"),
])
def test_bad_call_input_is_refused_with_a_clerks_message_and_nothing_written(county, overrides, field, words):
    before = counts()
    with pytest.raises(InvalidInput) as err:
        call(county, **overrides)
    assert words in err.value.fields[field][0]
    assert counts() == before


def test_a_use_case_that_fails_midway_leaves_nothing_behind(county, monkeypatch):
    before = counts()

    def boom(*_args, **_kwargs):
        raise RuntimeError("presenter failed after the rows were flushed")

    monkeypatch.setattr(opening, "application_detail", boom)
    with pytest.raises(RuntimeError):
        call(county)
    db.session.remove()
    assert counts() == before


def act(county, detail, action, who="suntuan", today=TODAY, **params):
    return services.act(county["actors"][who], detail["case_no"], action, params, detail["version"], today=today)


def test_materials_request_pauses_the_clock_and_receipt_restores_what_was_left(county):
    d = act(county, call(county), "accept")
    d = act(county, d, "start_investigation")
    assert d["step_deadline"] == "2026-12-09"  # 12 WD for the township check
    before = d["version"]
    d = act(county, d, "request_materials", missing=["诊断证明", "户口簿"], today=dt.date(2026, 11, 25))
    assert d["version"] == before + 1  # one action, one version, however many rows it touched
    assert d["status"] == "awaiting_materials" and d["step_deadline"] is None and d["clock_paused"]
    assert {m["name"]: m["status"] for m in d["materials"]}["诊断证明"] == "requested"
    assert "诊断证明" in d["applicant_message"] and "户口簿" in d["applicant_message"]
    d = act(county, d, "receive_materials", today=dt.date(2026, 12, 7))
    # 10 WD were left on 11-25; restarting on 12-07 gives 12-21
    assert d["status"] == "investigating" and d["step_deadline"] == "2026-12-21"
    assert all(m["status"] != "requested" for m in d["materials"])


def test_transfer_keeps_materials_the_new_intake_also_needs(county):
    d = act(county, call(county, intake="temporary_relief"), "transfer", to_intake="dibao")
    assert d["intake"] == "dibao" and d["status"] == "submitted"
    assert "家庭经济状况核对授权书" in [m["name"] for m in d["materials"]]


def test_a_stale_version_is_refused(county):
    d = call(county)
    act(county, d, "accept")
    with pytest.raises(StaleVersion):
        act(county, d, "start_investigation")


def test_a_clerk_cannot_touch_another_townships_application(county):
    d = call(county)
    with pytest.raises(NotFound):  # exactly as for a case that does not exist
        act(county, d, "accept", who="linhuan")
    with pytest.raises(NotFound):
        services.detail(county["actors"]["linhuan"], d["case_no"])
    assert services.detail(county["actors"]["county"], d["case_no"])["case_no"] == d["case_no"]


def test_claim_assigns_and_refuses_a_second_claimant(county):
    d = call(county)
    d = services.claim(county["actors"]["suntuan"], d["case_no"], d["version"])
    assert d["assigned_to"] == "王芳"
    with pytest.raises(Conflict):
        services.claim(county["actors"]["county"], d["case_no"], d["version"])


def test_the_queue_puts_urgent_first_then_the_nearest_deadline_and_pages_by_keyset(county):
    normal = [call(county, name=f"申请人{i}", id_number=None, phone=f"1380000000{i}", intake="dibao") for i in range(5)]
    urgent = call(county, name="急", id_number=None, phone="13700000000", intake="temporary_relief", urgent=True)
    act(county, normal[0], "accept")  # 3 WD from acceptance: later than the others' accept deadlines? same day
    clerk = county["actors"]["suntuan"]
    seen, cursor = [], None
    while True:
        page = queue.list_queue(clerk, {"limit": 2, "cursor": cursor}, today=TODAY)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen[0]["case_no"] == urgent["case_no"]
    assert len(seen) == 6 and len({s["case_no"] for s in seen}) == 6
    keys = [(0 if s["urgent"] else 1, s["step_deadline"]) for s in seen]
    assert keys == sorted(keys)
    only_urgent = queue.list_queue(clerk, {"urgent": True}, today=TODAY)["items"]
    assert [s["case_no"] for s in only_urgent] == [urgent["case_no"]]
    late = queue.list_queue(clerk, {"overdue": True}, today=dt.date(2026, 12, 31))["items"]
    assert len(late) == 6 and all(s["overdue"] for s in late)
    assert queue.list_queue(county["actors"]["linhuan"], {}, today=TODAY)["items"] == []
    with pytest.raises(Forbidden):
        queue.list_queue(county["actors"]["linhuan"], {"township_id": county["townships"]["孙疃镇"]})


def test_the_queue_filters_mine_intake_and_phone(county):
    a = call(county)
    call(county, name="李四", id_number=None, phone="13911112222", intake="temporary_relief")
    clerk = county["actors"]["suntuan"]
    services.claim(clerk, a["case_no"], a["version"])
    assert [r["case_no"] for r in queue.list_queue(clerk, {"mine": True})["items"]] == [a["case_no"]]
    assert len(queue.list_queue(clerk, {"intake": "temporary_relief"})["items"]) == 1
    assert len(queue.list_queue(clerk, {"phone": "139 1111 2222"})["items"]) == 1
    with pytest.raises(InvalidInput):
        queue.list_queue(clerk, {"cursor": "not-a-cursor"})


def test_revealing_an_id_number_is_audited_and_refused_to_operators(county):
    d = call(county)
    revealed = services.reveal_id_number(county["actors"]["suntuan"], d["case_no"])
    assert revealed["id_number"] == ID and len(revealed["phone"]) == 11 and "*" not in revealed["phone"]
    with pytest.raises(Forbidden):
        services.reveal_id_number(county["actors"]["hotline"], d["case_no"])
    outcomes = db.session.scalars(select(AuditRecord.outcome).where(AuditRecord.event == "reveal_id_number")
                                  .order_by(AuditRecord.id)).all()
    assert outcomes == ["granted", "refused"]


def test_the_public_look_up_needs_the_last_four_of_the_id_number(county):
    d = call(county)
    result = lookup.public_status(d["case_no"], "002x")
    assert result["status"] == "待受理" and "11月26日" in result["message"]
    with pytest.raises(NotFound) as wrong:
        lookup.public_status(d["case_no"], "1234")
    with pytest.raises(NotFound) as unknown:
        lookup.public_status("26000000000", "002X")
    assert wrong.value.message == unknown.value.message


def test_a_caller_without_an_id_number_looks_up_with_the_phone(county):
    d = call(county, id_number=None)
    assert lookup.public_status(d["case_no"], "5678")["case_no"] == d["case_no"]


def test_seed_demo_is_safe_to_run_twice(app, runner):
    from service.devtools.cli import seed_demo_command

    first = runner.invoke(seed_demo_command)
    second = runner.invoke(seed_demo_command)
    assert "30 applications created" in first.output and "0 applications created" in second.output
    # the 低保 standard the chat's pre-screen compares with, through the county's use case, once
    assert "rural 439 元/月" in first.output and "rural 439" not in second.output
    assert db.session.scalar(select(func.count(Application.id))) == 30
    statuses = set(db.session.scalars(select(Application.status)))
    assert {"submitted", "accepted", "investigating", "public_notice", "county_review", "approved", "rejected",
            "awaiting_materials", "withdrawn", "referred"} <= statuses


def test_an_id_number_given_for_a_file_without_one_stays_with_the_application_until_a_clerk_confirms_it(county):
    phoned = call(county, id_number=None)  # by phone, no ID number: a file without one
    chat = opening.open_application(None, {**PAYLOAD, "intake": "temporary_relief", "description": "家里失火了",
                                            "village_id": county["villages"]["秦口村"]}, channel="wechat")
    assert db.session.scalar(select(func.count(Applicant.id))) == 1  # the same person (name and phone)
    applicant = db.session.scalars(select(Applicant)).one()
    assert applicant.id_number_hash is None  # the chat did not write an ID number into the file
    with pytest.raises(Conflict):  # and the duplicate check saw the phoned-in 低保
        opening.open_application(None, {**PAYLOAD, "village_id": county["villages"]["秦口村"]}, channel="wechat")
    clerk = county["actors"]["suntuan"]
    shown = services.detail(clerk, chat["case_no"])
    assert shown["applicant"]["id_number"] == "110***********002X"
    assert [(d["field"], d["given"], d["on_file"]) for d in shown["file_differences"]] == [
        ("id_number", "110***********002X", "未登记")]
    assert services.reveal_id_number(clerk, chat["case_no"])["id_number"] == ID
    with pytest.raises(NotFound):  # the phoned-in case is still proven with the phone's last four
        lookup.public_status(phoned["case_no"], "002X")
    services.review_file_difference(clerk, chat["case_no"], "id_number", "confirm")
    db.session.expire_all()
    assert lookup.public_status(phoned["case_no"], "002X")["case_no"] == phoned["case_no"]
    assert services.detail(clerk, chat["case_no"])["file_differences"] == []
    stored = db.session.execute(text("SELECT file_review FROM applications WHERE case_no = :c"),
                                {"c": chat["case_no"]}).scalar()
    assert ID not in str(stored)  # the decision keeps the look-up hash, never the number


def test_a_different_id_number_on_file_is_a_different_person_even_with_the_same_name_and_phone(county):
    call(county)
    opening.open_application(None, {**PAYLOAD, "id_number": "440524188001010014",
                                     "village_id": county["villages"]["秦口村"]}, channel="wechat")
    assert db.session.scalar(select(func.count(Applicant.id))) == 2
