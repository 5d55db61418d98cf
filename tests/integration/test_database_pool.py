"""A busy worker reuses its PostgreSQL connections: a peak of concurrent requests opens connections once, and
the next peak finds them in the pool (SQLAlchemy's default closed every connection beyond 5 when returned, so
each peak forked new PostgreSQL backends)."""

import threading

import pytest
from sqlalchemy import event, text

from service import create_app
from service.extensions import db
from tests.conftest import BASE_CONFIG

THREADS = 8  # scripts/run.sh's GUNICORN_THREADS for a small node


def _peak(app) -> None:
    """THREADS requests holding a connection at the same moment, as a busy worker's threads do."""
    together = threading.Barrier(THREADS)

    def request():
        with app.app_context():
            db.session.execute(text("SELECT 1"))
            together.wait(timeout=30)
            db.session.remove()

    threads = [threading.Thread(target=request) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_a_second_peak_of_requests_opens_no_new_connection(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("the pool's size applies to PostgreSQL")
    monkeypatch.setenv("DATABASE_URL", database_url)  # the engine options come from the environment, as in production
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    opened = []
    with app.app_context():
        event.listen(db.engine, "connect", lambda *_: opened.append(1))
    _peak(app)
    assert len(opened) == THREADS
    _peak(app)
    _peak(app)
    assert len(opened) == THREADS
    with app.app_context():
        db.engine.dispose()
