"""Fixtures: an app on a freshly migrated database, SQLite always and PostgreSQL when TEST_DATABASE_URL is set."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service import create_app

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")

BASE_CONFIG = {
    "TESTING": True,
    "SERVICE_ENV": "test",
    "RATELIMIT_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "WECHAT_PLACES_CACHE_SECONDS": 0,  # each test seeds its own county
    "SECRET_KEY": "test-secret-key-0123456789",
    "FIELD_ENCRYPTION_KEY": "test-field-key-0123456789",
}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        from service.extensions import db

        db.engine.dispose()  # closes the last connection, which folds SQLite's WAL into the file we copy


def require_postgres() -> str:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL tests skipped: set TEST_DATABASE_URL (see README) to run them")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


# Each run gets its own schema, so two runs on one shared database (developers, helpers, CI) never
# truncate each other's tables.
PG_SCHEMA = f"test_run_{os.getpid()}"


def _in_schema(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(scope="session")
def postgres_migrated():
    base = require_postgres()
    engine = create_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = _in_schema(base)
    _migrate(url)
    yield url
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


def _truncate(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :schema AND tablename <> 'alembic_version'"
        ), {"schema": PG_SCHEMA}).scalars().all()
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    _truncate(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    app.instance_path = str(tmp_path)
    with app.app_context():
        yield app
        from service.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def county(app):
    """The demo county's places and staff, without sample applications."""
    from service.devtools.demo import seed_demo

    seed_demo(applications=False)
    return county_facts()


def county_facts() -> dict:
    from sqlalchemy import select

    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.extensions import db
    from service.intake.models import Township

    townships = {t.name: t for t in db.session.scalars(select(Township))}
    return {
        "townships": {name: t.id for name, t in townships.items()},
        "villages": {v.name: v.id for t in townships.values() for v in t.villages},
        "actors": {u.username: actor_of(u) for u in db.session.scalars(select(StaffUser))},
    }


@pytest.fixture
def fake_wechat():
    """The local fake of the WeChat API as a real HTTP server (service/wechat/fake_api.py)."""
    from service.devtools.fake_api import FakeWeChatAPI

    with FakeWeChatAPI() as fake:
        yield fake


@pytest.fixture
def fake_sms():
    """The local fake SMS gateway as a real HTTP server (service/wechat/fake_sms.py)."""
    from service.devtools.fake_sms import FakeSMSGateway

    with FakeSMSGateway() as fake:
        yield fake


def free_port() -> int:
    """A port nobody listens on now, for a server a test starts in another process."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def login(client, username: str, password: str = "demo2026"):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response
