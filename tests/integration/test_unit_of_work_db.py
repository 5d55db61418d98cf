"""The unit of work on the real databases: a nested use case that fails leaves nothing (SAVEPOINT), the outer
one still commits its own work, and on SQLite a savepoint taken before any write never commits early."""

import pytest
from sqlalchemy import func, select

from service.chat.models import Conversation
from service.errors import Conflict
from service.extensions import db
from service.intake import opening
from service.intake.models import Applicant, Application, County
from service.unit_of_work import UnitOfWork
from tests.integration.test_use_cases import PAYLOAD


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_failed_inner_use_case_leaves_nothing_and_the_outer_commits(county):
    opening.open_application(None, {**PAYLOAD, "village_id": county["villages"]["秦口村"]}, channel="wechat")
    before = (count(Applicant), count(Application))
    with UnitOfWork() as outer:
        db.session.add(Conversation(openid="o_outer", step="idle", data={}))
        with pytest.raises(Conflict):  # the same person and intake again: refused inside the outer unit
            opening.open_application(None, {**PAYLOAD, "phone": "13900000000",
                                             "village_id": county["villages"]["马场村"]}, channel="wechat")
        outer.commit()
    db.session.remove()
    assert (count(Applicant), count(Application)) == before
    assert db.session.get(Conversation, "o_outer") is not None


def test_an_inner_commit_is_undone_when_the_outer_does_not_commit(county):
    with UnitOfWork():
        db.session.add(Conversation(openid="o_never", step="idle", data={}))
        opening.open_application(None, {**PAYLOAD, "village_id": county["villages"]["秦口村"]}, channel="wechat")
    db.session.remove()
    assert count(Application) == 0 and db.session.get(Conversation, "o_never") is None


def test_a_savepoint_before_any_write_does_not_commit_the_outer_reads(county):
    # the outer unit has only read so far: on SQLite the driver has not begun a transaction yet
    with UnitOfWork():
        db.session.scalars(select(County)).all()
        with UnitOfWork() as inner:
            db.session.add(Conversation(openid="o_early", step="idle", data={}))
            inner.commit()  # RELEASE: must not be the transaction's end
    db.session.remove()
    assert db.session.get(Conversation, "o_early") is None
