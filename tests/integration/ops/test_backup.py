"""Backups that restore: a populated database dumped by scripts/backup.sh, restored into a new database with
pg_restore as the README says, and the service started on it finds every row and opens every ID number."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from service import create_app
from tests.conftest import BASE_CONFIG, IN_CI, MIGRATIONS, require_postgres

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[3]
ID_NUMBER = "11010519491231002X"


def _tools() -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install postgresql-client)"
        if IN_CI:
            pytest.fail("CI=true and the backup test cannot run: " + reason)
        pytest.skip("backup test skipped: " + reason)


@pytest.fixture
def databases():
    """Two fresh databases of their own (a dump of the shared test database would carry other runs' schemas)."""
    base = make_url(require_postgres())
    _tools()
    names = [f"relief_backup_{kind}_{os.getpid()}" for kind in ("source", "restored")]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _snapshot(app) -> dict:
    from service.auth.models import AuditRecord
    from service.extensions import db
    from service.intake.models import Applicant, Application
    from service.notify.models import Notification

    with app.app_context():
        tables = {}
        for model in (Application, Notification, AuditRecord, Applicant):
            columns = model.__table__.columns
            rows = db.session.execute(select(*columns).order_by(model.id)).all()
            tables[model.__tablename__] = [tuple(row) for row in rows]
        db.session.remove()
        return tables


def _app(url: str):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})


def test_a_dump_restores_into_a_new_database_the_service_runs_on(databases, tmp_path):
    from flask_migrate import upgrade

    source_url, restored_url = databases
    source = _app(source_url)
    with source.app_context():
        upgrade(directory=MIGRATIONS)
        from service.devtools.demo import seed_demo
        from service.extensions import db
        from tests.conftest import county_facts
        from tests.e2e.web.conftest import open_case

        seed_demo()  # 30 applications, their notices, the onboarding's audit rows
        case_no = open_case(county_facts(), id_number=ID_NUMBER, phone="13600001234", name="李秀兰")["case_no"]
        from service.intake import services

        services.reveal_id_number(county_facts()["actors"]["suntuan"], case_no)  # one more audit row
        db.session.remove()
        db.engine.dispose()
    before = _snapshot(source)
    assert len(before["applications"]) == 31 and before["notifications"] and len(before["audit_log"]) >= 10

    env = {**os.environ, "DATABASE_URL": source_url}
    backup = subprocess.run(["bash", "scripts/backup.sh", str(tmp_path / "backups")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    [dump] = list((tmp_path / "backups").glob("relief-*.dump"))
    assert oct(dump.stat().st_mode & 0o777) == "0o600"  # names and phones in clear: the owner's alone
    libpq = restored_url.replace("postgresql+psycopg://", "postgresql://")
    restore = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq}", str(dump)],
                             capture_output=True, text=True, timeout=120)
    assert restore.returncode == 0, restore.stderr

    restored = _app(restored_url)
    assert _snapshot(restored) == before  # every application, notice, audit row and applicant, column by column
    with restored.app_context():
        from service.intake import services
        from tests.conftest import county_facts

        revealed = services.reveal_id_number(county_facts()["actors"]["suntuan"], case_no)
        assert revealed["id_number"] == ID_NUMBER  # decrypted with the configured key
        client = restored.test_client()
        assert client.post("/api/v1/auth/login", json={"username": "suntuan", "password": "demo2026"}).status_code == 200
        listing = client.get("/api/v1/applications?limit=100&status=submitted").json
        assert case_no in {item["case_no"] for item in listing["items"]}
        from service.extensions import db

        db.session.remove()
        db.engine.dispose()
