"""Revision 0013 on a real 0012 database: a 公示 already running keeps its row and gets no frozen figures
(NULL: the board computes them and marks them), new ones are stored, and the way back drops the column."""

import datetime as dt

from sqlalchemy import create_engine, inspect, text

from tests.integration.migration_helpers import migrate

NOW = dt.datetime(2026, 11, 20, 2, 0)


def test_a_running_notice_keeps_its_row_without_frozen_figures_and_the_way_back_works(scratch_url):
    migrate(scratch_url, "0012")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO counties (id, code, name, settings) VALUES (1, '340621', '濉溪县', '{}')"))
        conn.execute(text("INSERT INTO townships (id, county_id, name) VALUES (1, 1, '孙疃镇')"))
        conn.execute(text("INSERT INTO villages (id, township_id, name) VALUES (1, 1, '秦口村')"))
        conn.execute(text("INSERT INTO applicants (id, name, phone, village_id, created_at)"
                          " VALUES (1, '张秀英', '13812345678', 1, :now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO applications (id, case_no, intake, channel, description, urgent, status, priority,"
            " queue_due, county_id, township_id, village_id, applicant_id, notice_started_on, created_at,"
            " updated_at, version) VALUES (1, '26000000011', 'dibao', 'hotline', '旧数据', false, 'public_notice',"
            " 1, '2026-11-27', 1, 1, 1, 1, '2026-11-20', :now, :now, 3)"), {"now": NOW})
    migrate(scratch_url, "0013")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT status, notice_published, version FROM applications")).one() == (
            "public_notice", None, 3)
        conn.execute(text("UPDATE applications SET notice_published = :p"),
                     {"p": '{"name": "张秀英", "household_size": 3, "proposed_amount": 517}'})
    migrate(scratch_url, "0012", down=True)
    assert "notice_published" not in {c["name"] for c in inspect(engine).get_columns("applications")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT case_no, status FROM applications")).one() == ("26000000011", "public_notice")
    engine.dispose()
    migrate(scratch_url, "0013")  # and forward again
