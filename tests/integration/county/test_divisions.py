"""Importing townships and villages: all or nothing, line-numbered problems, re-imports that never delete."""

import pytest
from sqlalchemy import func, select

from service.auth.models import AuditRecord
from service.county.divisions import DivisionsRefused, add_place, change_place, import_divisions
from service.county.services import init_county
from service.errors import Forbidden, InvalidInput
from service.extensions import db
from service.intake.models import Township, Village

HEADER = "code,name,lat,lng\n"
SUNTUAN = ("340621109,孙疃镇,33.595,116.665\n"
           "340621109201,孙疃村,,\n340621109202,六八里村,,\n340621109203,秦口村,33.61,116.67\n")


@pytest.fixture
def county(app):
    init_county("340621", "濉溪县")
    return "340621"


def places():
    townships = {t.code: (t.name, t.latitude, t.longitude) for t in db.session.scalars(select(Township))}
    villages = {v.code: (v.name, v.township.code) for v in db.session.scalars(select(Village))}
    return townships, villages


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(lines)).encode()


def test_a_first_import_adds_every_place_in_file_order_and_audits_what_it_added(county):
    result = import_divisions(county, csv(SUNTUAN))
    assert result["townships_added"] == 1 and result["villages_added"] == 3 and result["unchanged"] == 0
    townships, villages = places()
    assert townships == {"340621109": ("孙疃镇", 33.595, 116.665)}
    assert villages == {"340621109201": ("孙疃村", "340621109"), "340621109202": ("六八里村", "340621109"),
                        "340621109203": ("秦口村", "340621109")}
    assert [v.name for v in db.session.scalars(select(Village).order_by(Village.id))] == ["孙疃村", "六八里村", "秦口村"]
    row = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "divisions_import")).one()
    assert row.staff_id is None and row.details["via"].startswith("命令行")
    assert {"code": "340621109203", "name": "秦口村"} in row.details["after"]["added"]


def test_re_importing_renames_moves_and_adds_but_never_deletes(county, app):
    import_divisions(county, csv(SUNTUAN, "340621104,临涣镇,,\n340621104201,临涣村,,\n"))
    village_id = db.session.scalar(select(Village.id).where(Village.code == "340621109201"))
    result = import_divisions(county, csv(
        "340621109,孙疃镇,33.600,116.700\n",  # moved
        "340621109201,孙疃社区,,\n",  # renamed; 六八里村, 秦口村 and all of 临涣镇 left out of the file
        "340621109204,任李村,,\n",  # new
    ))
    assert result == {"townships_added": 0, "villages_added": 1, "renamed": 1, "moved": 1, "coded": 0,
                      "unchanged": 0, "notes": []}
    townships, villages = places()
    assert townships["340621109"] == ("孙疃镇", 33.6, 116.7) and "340621104" in townships
    assert villages["340621109201"] == ("孙疃社区", "340621109")
    assert {"340621109202", "340621109203", "340621104201", "340621109204"} <= set(villages)
    assert db.session.scalar(select(Village.id).where(Village.code == "340621109201")) == village_id  # same row
    audit = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "divisions_import")
                               .order_by(AuditRecord.id.desc())).first()
    assert audit.details["before"]["renamed"] == [{"code": "340621109201", "name": "孙疃村"}]
    assert audit.details["after"]["renamed"] == [{"code": "340621109201", "name": "孙疃社区"}]
    assert audit.details["before"]["moved"] == [{"code": "340621109", "position": [33.595, 116.665]}]


def test_one_bad_row_writes_nothing_and_every_problem_comes_back_with_its_line(county):
    import_divisions(county, csv(SUNTUAN))
    before = places()
    with pytest.raises(DivisionsRefused) as refused:
        import_divisions(county, csv(
            "340621109,孙疃镇改名,,\n",  # fine on its own
            "340621104201,临涣村,,\n",  # line 3: township neither in the file nor imported
            "340621109205,,,\n",  # line 4: no name
            "340621109206,孙疃村,,\n",  # line 5: the name of 340621109201, which stays
        ))
    assert [line for line, _ in refused.value.problems] == [3, 4, 5]
    messages = dict(refused.value.problems)
    assert "340621104" in messages[3] and "不能为空" in messages[4] and "已存在" in messages[5]
    assert refused.value.status == 422 and len(refused.value.fields["file"]) == 3
    assert places() == before
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.event == "divisions_import")) == 1


def test_an_import_that_changes_nothing_leaves_no_audit_row(county):
    import_divisions(county, csv(SUNTUAN))
    again = import_divisions(county, csv(SUNTUAN))
    assert again["unchanged"] == 4 and again["townships_added"] == again["villages_added"] == 0
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.event == "divisions_import")) == 1


def test_a_village_may_join_a_township_imported_earlier(county):
    import_divisions(county, csv("340621109,孙疃镇,,\n"))
    import_divisions(county, csv("340621109201,孙疃村,,\n"))
    assert places()[1] == {"340621109201": ("孙疃村", "340621109")}


def test_two_places_may_swap_names_in_one_import(county):
    import_divisions(county, csv(SUNTUAN))
    import_divisions(county, csv("340621109201,六八里村,,\n340621109202,孙疃村,,\n"))
    villages = places()[1]
    assert villages["340621109201"][0] == "六八里村" and villages["340621109202"][0] == "孙疃村"


def test_places_known_by_name_only_take_their_codes_instead_of_being_added_twice(county):
    from service.intake.models import County

    demo = db.session.scalars(select(County)).one()
    township = Township(county_id=demo.id, name="孙疃镇")
    township.villages.append(Village(name="秦口村"))
    db.session.add(township)
    db.session.commit()
    result = import_divisions(county, csv(SUNTUAN))
    assert result["townships_added"] == 0 and result["villages_added"] == 2 and result["coded"] == 2
    assert db.session.scalar(select(func.count()).select_from(Township)) == 1
    assert db.session.scalar(select(Village.code).where(Village.name == "秦口村")) == "340621109203"


def test_a_name_already_held_under_another_code_is_refused(county):
    import_divisions(county, csv(SUNTUAN))
    with pytest.raises(DivisionsRefused) as refused:
        import_divisions(county, csv("340621110,孙疃镇,,\n"))
    assert refused.value.problems == [(2, "乡镇「孙疃镇」已存在，代码为 340621109，与本行代码 340621110 不同")]


def test_a_code_belonging_to_another_county_is_refused(county):
    init_county("340622", "萧县")
    import_divisions("340622", "code,name\n340622100,龙城镇\n340622100201,城东村\n".encode())
    with pytest.raises(DivisionsRefused) as refused:
        import_divisions(county, "code,name\n340622100,龙城镇\n".encode())
    assert "不属于本县" in refused.value.problems[0][1]


def test_an_unknown_county_is_a_clear_not_found(app):
    from service.errors import NotFound

    with pytest.raises(NotFound) as missing:
        import_divisions("340621", csv(SUNTUAN))
    assert "county init" in missing.value.message


def test_the_admin_adds_and_renames_one_place_through_the_same_checks(county, app):
    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.county.staff import add_staff
    from service.intake.models import County

    county_id = db.session.scalar(select(County.id))
    import_divisions(county, csv(SUNTUAN))
    add_staff(county_id, "admin", "admin", "管理员", initial_password="x")
    add_staff(county_id, "suntuan", "window", "王芳", "孙疃镇", initial_password="x")
    admin, clerk = (actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == u)).one())
                    for u in ("admin", "suntuan"))
    add_place(county_id, "340621109204", "任李村", by=admin)
    assert places()[1]["340621109204"] == ("任李村", "340621109")
    with pytest.raises(InvalidInput) as known:
        add_place(county_id, "340621109204", "别的名字", by=admin)
    assert "已存在" in known.value.fields["code"][0]
    with pytest.raises(InvalidInput) as bad:
        add_place(county_id, "3406211", "", "91", "200", by=admin)
    assert set(bad.value.fields) == {"code", "name", "lat"}
    village_id = db.session.scalar(select(Village.id).where(Village.code == "340621109204"))
    change_place(county_id, "village", village_id, "任李社区", "33.6", "116.6", by=admin)
    assert db.session.get(Village, village_id).name == "任李社区"
    with pytest.raises(DivisionsRefused):
        change_place(county_id, "village", village_id, "秦口村", by=admin)
    with pytest.raises(Forbidden):
        add_place(county_id, "340621109205", "王楼村", by=clerk)
    events = [r.event for r in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id))]
    assert events[-2:] == ["place_add", "place_change"]
