"""`flask doctor`: passes on a county ready for production, and names every problem of a half-configured one."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from service.ops.doctor import report, run_checks
from tests.integration.ops.conftest import production_env

ROOT = Path(__file__).resolve().parents[3]


def problems(findings) -> dict[str, str]:
    return {f.check: f.message for f in findings if f.level == "problem"}


def test_a_ready_county_passes(database_url, tmp_path, ready_county):
    findings = run_checks(production_env(database_url, tmp_path), str(tmp_path))
    expected = {"DATABASE_URL"} if database_url.startswith("sqlite") else set()  # production wants PostgreSQL
    assert set(problems(findings)) == expected, report(findings)[0]
    text, healthy = report(findings)
    assert healthy is (not expected)
    assert [f.check for f in findings if f.level == "warning"] == []
    assert "ok      notification worker: alive" in text and "ok      accounts: 5 active" in text


def test_a_half_configured_county_fails_with_every_reason_and_what_to_do(database_url, tmp_path, app):
    from service.county import divisions, services, staff
    from service.extensions import db
    from service.intake.models import County

    services.init_county("340621", "濉溪县")
    divisions.import_divisions("340621", "code,name\n340621109,孙疃镇\n340621104,临涣镇\n340621109201,孙疃村\n".encode())
    staff.add_staff(db.session.scalar(select(County.id)), "wangfang", "window", "王芳", "孙疃镇")
    env = production_env(database_url, tmp_path, SECRET_KEY=None, FIELD_ENCRYPTION_KEY="short",
                         WECHAT_AES_KEY=None, WECHAT_TOKEN="relief-demo-token", WORKDAY_CALENDAR_FILE=None,
                         SMS_GATEWAY_URL=None)
    findings = run_checks(env, str(tmp_path))
    found = problems(findings)
    next_year = dt.date.today().year + 1
    assert {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "WECHAT_AES_KEY", "WECHAT_TOKEN", f"calendar {next_year}",
            "SMS_GATEWAY_URL", "divisions", "accounts", "notification worker"} <= set(found)
    assert "临涣镇" in found["divisions"]
    assert "county" in found["accounts"] and "admin" in found["accounts"] and "auditor" in found["accounts"]
    assert "never run" in found["notification worker"]
    text, healthy = report(findings)
    assert not healthy
    for fix in ("secrets.token_urlsafe", "EncodingAESKey", "WORKDAY_CALENDAR_FILE", "staff add", "notify worker",
                "import it again"):
        assert fix in text, fix
    warnings = {f.check for f in findings if f.level == "warning"}
    assert "accounts" in warnings  # no operator; 临涣镇 has no window clerk


def test_a_stopped_worker_and_a_wrong_field_key_are_caught(database_url, tmp_path, ready_county):
    from service.extensions import db
    from service.notify.heartbeat import WorkerHeartbeat
    from tests.conftest import county_facts
    from tests.e2e.web.conftest import open_case

    open_case(county_facts(), "rexian", village="孙疃村", id_number="11010519491231002X")
    db.session.execute(WorkerHeartbeat.__table__.update().values(
        beat_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=20)))
    db.session.commit()
    env = production_env(database_url, tmp_path, FIELD_ENCRYPTION_KEY="another-key-that-is-long-enough-0123456789")
    found = problems(run_checks(env, str(tmp_path)))
    assert "stopped" in found["notification worker"]
    assert "does not decrypt" in found["FIELD_ENCRYPTION_KEY"]


def test_an_empty_database_asks_for_db_upgrade_and_an_unreachable_one_says_so(tmp_path):
    empty = production_env(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    found = problems(run_checks(empty, str(tmp_path)))
    assert "empty database" in found["migrations"]
    assert "db upgrade" in report(run_checks(empty, str(tmp_path)))[0]
    gone = production_env("postgresql://relief@127.0.0.1:1/relief", tmp_path)
    found = problems(run_checks(gone, str(tmp_path)))
    assert "unreachable" in found["database"] and "relief@" not in found["database"]


def test_the_command_runs_even_where_the_service_refuses_to_start(tmp_path):
    """A plugin command: create_app would stop at the demo secrets; the doctor names them all instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "FIELD_", "WECHAT_", "DATABASE_"))}
    env.update(SERVICE_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "service", "doctor"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "PROBLEM SECRET_KEY: not set" in done.stdout and "PROBLEM WECHAT_SECRET" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_pool_postgresql_cannot_serve_is_named(database_url, tmp_path, ready_county, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("max_connections is PostgreSQL's")
    monkeypatch.setenv("GUNICORN_WORKERS", "8")
    monkeypatch.setenv("GUNICORN_THREADS", "32")
    findings = run_checks({**production_env(database_url, tmp_path), "DATABASE_POOL_SIZE": "32"}, str(tmp_path))
    found = [f for f in findings if f.check == "connections"]
    assert found and found[0].level == "warning" and "8 workers × 32 + 2 × 32" in found[0].message
    assert "max_connections" in found[0].fix


def test_the_default_pool_fits_a_two_core_node_under_postgresqls_default_max_connections(
        database_url, tmp_path, ready_county, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("max_connections is PostgreSQL's")
    monkeypatch.setenv("GUNICORN_WORKERS", "4")  # deploy/gunicorn.conf.py's 2 × cores
    monkeypatch.setenv("GUNICORN_THREADS", "32")
    findings = run_checks(production_env(database_url, tmp_path), str(tmp_path))
    found = [f for f in findings if f.check == "connections"]
    assert found and found[0].level == "ok" and "≥ 90 " in found[0].message  # 4 × 15 + 2 × 15
