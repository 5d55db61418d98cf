"""County standards through their use cases (SQLite and PostgreSQL): versions, inheritance, audit, scope."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from service.auth.models import AuditRecord
from service.auth.services import actor_of, create_staff
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake import standards_services as stds
from service.intake.models import County
from service.intake.standards_store import CountyStandardVersion

TODAY = dt.date(2026, 11, 23)


def audit_rows():
    db.session.expire_all()
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.event.in_(
        ("add_standards", "correct_standards"))).order_by(AuditRecord.id)))


def version_count() -> int:
    return db.session.scalar(select(func.count(CountyStandardVersion.id)))


def test_county_staff_add_a_version_and_the_change_is_audited_before_and_after(county):
    reviewer = county["actors"]["county"]
    added = stds.add_version(reviewer, {"effective_from": "2022-01-01", "rural_monthly": "5268",
                                        "basis": "清水县 2022 年标准"}, "192.0.2.4")
    assert added["effective_from"] == "2022-01-01" and added["rural_monthly"] == "5268"
    assert added["created_by"] == "陈刚" and added["is_default"] is False and added["in_force"] is True
    [row] = audit_rows()
    assert (row.event, row.target_id, row.outcome, row.staff_id, row.remote_addr) == \
        ("add_standards", "2022-01-01", "granted", reviewer.id, "192.0.2.4")
    assert row.details["before"]["rural_monthly"] == "439" and row.details["before"]["is_default"] is True
    assert row.details["after"]["rural_monthly"] == "5268" and row.details["after"]["basis"] == "清水县 2022 年标准"


def test_a_new_version_inherits_from_the_version_in_force_on_its_own_date(county):
    admin = county["actors"]["admin"]
    stds.add_version(admin, {"effective_from": "2024-01-01", "rural_monthly": "420", "deposit_months": 12})
    stds.add_version(admin, {"effective_from": "2026-01-01", "rural_monthly": "439", "urban_monthly": "690"})
    between = stds.add_version(admin, {"effective_from": "2025-07-01", "floor_per_person": "30"})
    assert between["rural_monthly"] == "420" and between["urban_monthly"] is None and between["deposit_months"] == 12
    listing = stds.list_standards(county["actors"]["suntuan"], today=TODAY)
    assert [i["effective_from"] for i in listing["items"]] == ["2026-01-01", "2025-07-01", "2024-01-01"]
    assert [i["in_force"] for i in listing["items"]] == [True, False, False]
    assert listing["in_force"]["rural_monthly"] == "439" and listing["defaults"]["is_default"] is True
    assert stds.standards_in_force(county["actors"]["hotline"], dt.date(2025, 8, 1))["floor_per_person"] == "30"


def test_a_future_version_is_listed_but_not_yet_in_force(county):
    reviewer = county["actors"]["county"]
    stds.add_version(reviewer, {"effective_from": "2026-01-01", "rural_monthly": "439"})
    stds.add_version(reviewer, {"effective_from": "2027-01-01", "rural_monthly": "460"})
    items = stds.list_standards(reviewer, today=TODAY)["items"]
    assert [(i["rural_monthly"], i["in_force"], i["future"]) for i in items] == [("460", False, True),
                                                                                 ("439", True, False)]


def test_the_same_date_twice_is_a_conflict_and_nothing_is_written(county):
    reviewer = county["actors"]["county"]
    stds.add_version(reviewer, {"effective_from": "2026-01-01", "rural_monthly": "439"})
    with pytest.raises(Conflict) as caught:
        stds.add_version(reviewer, {"effective_from": "2026-01-01", "rural_monthly": "440"})
    assert caught.value.code == "standards_exist" and "如需更正请修改该版本" in caught.value.message
    assert version_count() == 1 and len(audit_rows()) == 1


def test_bad_values_write_nothing_and_name_every_field(county):
    with pytest.raises(InvalidInput) as caught:
        stds.add_version(county["actors"]["county"], {"effective_from": "2026-02-30", "rural_monthly": "-1",
                                                      "edge_multiple": "NaN"})
    assert set(caught.value.fields) == {"effective_from", "rural_monthly", "edge_multiple"}
    assert version_count() == 0 and audit_rows() == []


@pytest.mark.parametrize("who", ["suntuan", "hotline", "audit"])
def test_only_county_staff_and_the_admin_change_standards(county, who):
    with pytest.raises(Forbidden):
        stds.add_version(county["actors"][who], {"effective_from": "2026-01-01", "rural_monthly": "1"})
    assert version_count() == 0


def test_the_auditor_does_not_read_standards_but_every_case_role_does(county):
    with pytest.raises(Forbidden):
        stds.list_standards(county["actors"]["audit"])
    for who in ("suntuan", "hotline", "county", "admin"):
        assert stds.list_standards(county["actors"][who])["items"] == []


def test_correcting_a_version_is_audited_with_both_values(county):
    reviewer = county["actors"]["county"]
    stds.add_version(reviewer, {"effective_from": "2026-01-01", "rural_monthly": "493"})
    fixed = stds.correct_version(county["actors"]["admin"], "2026-01-01", {"rural_monthly": "439"})
    assert fixed["rural_monthly"] == "439" and fixed["created_by"] == "陈刚" and fixed["updated_by"] == "管理员"
    last = audit_rows()[-1]
    assert last.event == "correct_standards" and last.target_id == "2026-01-01"
    assert (last.details["before"]["rural_monthly"], last.details["after"]["rural_monthly"]) == ("493", "439")
    with pytest.raises(NotFound):
        stds.correct_version(reviewer, "2025-01-01", {"rural_monthly": "439"})
    with pytest.raises(InvalidInput):
        stds.correct_version(reviewer, "tomorrow", {"rural_monthly": "439"})


def test_another_countys_versions_are_its_own(county):
    with db.session.begin_nested():
        other = County(code="340622", name="萧县", settings={})
        db.session.add(other)
    db.session.commit()
    theirs = actor_of(create_staff("xiaoxian", "demo2026", "county", "萧县审核", other.id, None))
    stds.add_version(theirs, {"effective_from": "2026-01-01", "rural_monthly": "500"})
    assert stds.list_standards(county["actors"]["county"])["items"] == []
    stds.add_version(county["actors"]["county"], {"effective_from": "2026-01-01", "rural_monthly": "439"})
    assert [i["rural_monthly"] for i in stds.list_standards(theirs)["items"]] == ["500"]


def test_two_reviewers_adding_the_same_date_at_once_one_wins(app, county, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is about PostgreSQL's concurrent inserts; SQLite serialises writers anyway")
    both_read = threading.Barrier(2, timeout=10)
    real = stds.standards_on

    def read_then_wait(*args):
        found = real(*args)
        both_read.wait()  # both have seen no version on that date before either inserts
        return found

    monkeypatch.setattr(stds, "standards_on", read_then_wait)
    results = []

    def add(actor, amount):
        with app.app_context():
            try:
                stds.add_version(actor, {"effective_from": "2026-01-01", "rural_monthly": amount})
                results.append("added")
            except Conflict as exc:
                results.append(exc.code)

    threads = [threading.Thread(target=add, args=(county["actors"][who], amount))
               for who, amount in (("county", "439"), ("admin", "440"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(results) == ["added", "standards_exist"]
    assert version_count() == 1 and len(audit_rows()) == 1
