"""Alembic has one head, upgrades an empty database, and matches the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Config

from service.extensions import db
from tests.conftest import MIGRATIONS


def test_exactly_one_head():
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_every_revision_file_is_named():
    import pathlib

    names = [p.name for p in pathlib.Path(MIGRATIONS, "versions").glob("*.py")]
    assert names and all(len(n.split("_", 1)) == 2 and len(n.split("_", 1)[1]) > 4 for n in names)


def test_upgraded_database_matches_the_models(app):
    # `app` runs on a database built by `upgrade` from empty (SQLite and PostgreSQL)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
