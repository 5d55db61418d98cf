"""Fixtures of the migration tests: an empty database of the test's own, on SQLite and PostgreSQL."""

import os

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_URL, require_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def scratch_url(request, tmp_path):
    """An empty database of its own (the shared test schema is already at head)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    require_postgres()
    schema = f"test_migration_{os.getpid()}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()
