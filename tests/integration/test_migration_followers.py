"""Revision 0006 from a real 0005 database: today's one-account-per-applicant bindings become followers of
each of that applicant's applications, applications get the contact on file, and the way back works."""

import datetime as dt

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.integration.migration_helpers import migrate

NOW = dt.datetime(2026, 11, 20, 2, 0)


def application(conn, app_id: int, case_no: str, applicant_id: int, intake: str, status: str) -> None:
    conn.execute(text(
        "INSERT INTO applications (id, case_no, intake, channel, description, urgent, status, priority, queue_due,"
        " county_id, township_id, village_id, applicant_id, created_at, updated_at, version) VALUES"
        " (:id, :case_no, :intake, 'wechat', '旧数据', false, :status, :priority, '9999-12-31', 1, 1, 1,"
        " :applicant, :now, :now, 1)"),
        {"id": app_id, "case_no": case_no, "intake": intake, "status": status, "applicant": applicant_id,
         "priority": 1 if status == "submitted" else 2, "now": NOW})


def old_county(conn) -> None:
    conn.execute(text("INSERT INTO counties (id, code, name, settings) VALUES (1, '340621', '濉溪县', '{}')"))
    conn.execute(text("INSERT INTO townships (id, county_id, name) VALUES (1, 1, '孙疃镇')"))
    conn.execute(text("INSERT INTO villages (id, township_id, name) VALUES (1, 1, '秦口村')"))
    conn.execute(text(
        "INSERT INTO applicants (id, name, phone, wechat_openid, village_id, created_at) VALUES"
        " (1, '张秀英', '13812345678', 'o_bound_before', 1, :now),"
        " (2, '李德明', '13900001111', NULL, 1, :now)"), {"now": NOW})
    application(conn, 1, "26000000011", 1, "dibao", "submitted")
    application(conn, 2, "25000000012", 1, "temporary_relief", "approved")
    application(conn, 3, "26000000013", 2, "dibao", "submitted")


def test_bindings_become_followers_and_the_way_back_restores_them(scratch_url):
    migrate(scratch_url, "0005")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        old_county(conn)
    migrate(scratch_url, "0006")
    with engine.connect() as conn:
        followers = conn.execute(text(
            "SELECT application_id, openid, source, removed_at FROM application_followers ORDER BY application_id"
        )).all()
        contacts = conn.execute(text(
            "SELECT id, contact_name, contact_phone FROM applications ORDER BY id")).all()
    assert [tuple(f) for f in followers] == [(1, "o_bound_before", "migrated", None),
                                             (2, "o_bound_before", "migrated", None)]
    assert [tuple(c) for c in contacts] == [(1, "张秀英", "13812345678"), (2, "张秀英", "13812345678"),
                                            (3, "李德明", "13900001111")]
    assert "wechat_openid" not in {c["name"] for c in inspect(engine).get_columns("applicants")}

    with engine.begin() as conn:  # after the upgrade: a second open 低保 for applicant 1 is refused
        with pytest.raises(Exception, match="(?i)unique"):
            application(conn, 4, "26000000014", 1, "dibao", "accepted")
    with engine.begin() as conn:  # the grown child now also follows the other applicant's application
        conn.execute(text("INSERT INTO application_followers (application_id, openid, source, created_at)"
                          " VALUES (3, 'o_bound_before', 'bound', :now)"), {"now": NOW})

    migrate(scratch_url, "0005", down=True)
    with engine.connect() as conn:
        bound = conn.execute(text("SELECT id, wechat_openid FROM applicants ORDER BY id")).all()
    # one account per applicant again: the newest follow wins the account, the other applicant has none
    assert [tuple(b) for b in bound] == [(1, None), (2, "o_bound_before")]
    assert "application_followers" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate(scratch_url, "0006")  # and forward again
    engine.dispose()


def test_an_upgrade_over_duplicate_open_applications_is_refused_with_their_case_numbers(scratch_url, capfd):
    migrate(scratch_url, "0005")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        old_county(conn)
        application(conn, 4, "26000000014", 1, "dibao", "accepted")  # a second open 低保: the old race
    with pytest.raises(SystemExit):  # flask-migrate logs the reason and exits 1
        migrate(scratch_url, "0006")
    assert "(cases 26000000011, 26000000014); withdraw or close the duplicates" in capfd.readouterr().err
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
        assert "application_followers" not in inspect(engine).get_table_names()
    engine.dispose()
