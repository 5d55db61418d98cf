"""Run the migrations to one revision (up or down) on a database of the test's own."""

from flask_migrate import downgrade, upgrade

from service import create_app
from tests.conftest import BASE_CONFIG, MIGRATIONS


def migrate(url: str, revision: str, *, down: bool = False) -> None:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        (downgrade if down else upgrade)(directory=MIGRATIONS, revision=revision)
        from service.extensions import db

        db.engine.dispose()
