"""The unit of work's promise, with a fake session and repository (no database): nothing is kept unless the
use case commits; a use case inside another joins it through a savepoint and vanishes whole when it fails."""

import copy

import pytest

from service.errors import Conflict
from service.unit_of_work import UnitOfWork


class FakeSession:
    """A session over a dict 'database': the working state, a durable copy, and a savepoint stack."""

    def __init__(self):
        self.info = {}
        self.durable: dict = {}
        self.work: dict = {}
        self.savepoints: list[dict] = []
        self.log: list[str] = []

    def begin_nested(self):
        self.savepoints.append(copy.deepcopy(self.work))
        self.log.append("SAVEPOINT")
        return FakeSavepoint(self, len(self.savepoints))

    def commit(self):
        assert not self.savepoints, "a savepoint left open at the outer commit"
        self.durable = copy.deepcopy(self.work)
        self.log.append("COMMIT")

    def rollback(self):
        self.work, self.savepoints = copy.deepcopy(self.durable), []
        self.log.append("ROLLBACK")


class FakeSavepoint:
    def __init__(self, session: FakeSession, level: int):
        self.session, self.level = session, level

    def commit(self):
        assert len(self.session.savepoints) == self.level, "released out of order"
        self.session.savepoints.pop()
        self.session.log.append("RELEASE")

    def rollback(self):
        assert len(self.session.savepoints) == self.level, "rolled back out of order"
        self.session.work = self.session.savepoints.pop()
        self.session.log.append("ROLLBACK TO")


class FakeRepository:
    """Applicants and applications as the use cases below see them."""

    def __init__(self, session: FakeSession):
        self.session = session

    def put(self, table: str, key, value) -> None:
        self.session.work.setdefault(table, {})[key] = value

    def get(self, table: str, key):
        return self.session.work.get(table, {}).get(key)


def submit(session, repo, *, phone: str, duplicate: bool) -> str:
    """A use case like open_application: touches the applicant first, then finds it may not go on."""
    with UnitOfWork(session) as uow:
        repo.put("applicants", 1, {"phone": phone})
        repo.put("applications", "26000000001", {"applicant": 1})
        if duplicate:
            raise Conflict("该申请人已有一件办理中的申请")
        uow.commit()
        return "26000000001"


def chat_turn(session, repo, *, duplicate: bool) -> str:
    """The outer use case: records the conversation step whatever the submission's fate."""
    with UnitOfWork(session) as uow:
        try:
            reply = submit(session, repo, phone="13900000000", duplicate=duplicate)
        except Conflict as exc:
            reply = exc.message
        repo.put("conversations", "o_stranger", {"step": "idle", "last_reply": reply})
        uow.commit()
        return reply


@pytest.fixture
def session():
    s = FakeSession()
    s.durable = {"applicants": {1: {"phone": "13812345678"}}}
    s.rollback()
    return s


def test_without_commit_nothing_is_kept(session):
    repo = FakeRepository(session)
    with UnitOfWork(session):
        repo.put("applicants", 1, {"phone": "13900000000"})
    assert session.durable["applicants"][1] == {"phone": "13812345678"}
    assert session.log[-1] == "ROLLBACK"


def test_an_error_rolls_back_even_work_that_looked_finished(session):
    repo = FakeRepository(session)
    with pytest.raises(RuntimeError), UnitOfWork(session):
        repo.put("applications", "x", {})
        raise RuntimeError("presenter failed after the rows were written")
    assert "applications" not in session.durable


def test_a_commit_keeps_the_work(session):
    repo = FakeRepository(session)
    assert submit(session, repo, phone="13700000000", duplicate=False) == "26000000001"
    assert session.durable["applications"] == {"26000000001": {"applicant": 1}}
    assert session.log[-2:] == ["COMMIT", "ROLLBACK"]  # the closing rollback finds nothing left to undo


def test_a_failed_inner_use_case_leaves_nothing_while_the_outer_still_commits(session):
    repo = FakeRepository(session)
    reply = chat_turn(session, repo, duplicate=True)
    assert "已有一件办理中" in reply
    assert session.durable["applicants"][1] == {"phone": "13812345678"}  # not rewritten by the failed submit
    assert "applications" not in session.durable
    assert session.durable["conversations"]["o_stranger"]["step"] == "idle"  # the outer's own state is kept
    assert session.log == ["ROLLBACK", "SAVEPOINT", "ROLLBACK TO", "COMMIT", "ROLLBACK"]


def test_a_committed_inner_use_case_lands_with_the_outer(session):
    repo = FakeRepository(session)
    chat_turn(session, repo, duplicate=False)
    assert session.durable["applications"] == {"26000000001": {"applicant": 1}}
    assert session.durable["conversations"]["o_stranger"]["last_reply"] == "26000000001"
    assert session.log[1:4] == ["SAVEPOINT", "RELEASE", "SAVEPOINT"]  # released, then armed again


def test_an_inner_commit_is_not_durable_until_the_outer_commits(session):
    repo = FakeRepository(session)
    with UnitOfWork(session):  # the outer never commits (its own step failed)
        submit(session, repo, phone="13700000000", duplicate=False)
    assert "applications" not in session.durable
    assert session.info["unit_of_work_depth"] == 0


def test_work_after_an_inner_commit_is_again_all_or_nothing(session):
    repo = FakeRepository(session)
    with UnitOfWork(session) as outer:
        with pytest.raises(Conflict), UnitOfWork(session) as inner:
            repo.put("applications", "a", {})
            inner.commit()
            repo.put("applications", "b", {})
            raise Conflict("second half refused")
        outer.commit()
    assert session.durable["applications"] == {"a": {}}


def test_three_levels_unwind_in_order(session):
    repo = FakeRepository(session)
    with UnitOfWork(session) as outer:
        with UnitOfWork(session) as middle:
            with pytest.raises(Conflict), UnitOfWork(session):
                repo.put("applications", "inner", {})
                raise Conflict("refused")
            repo.put("applications", "middle", {})
            middle.commit()
        assert session.info["unit_of_work_depth"] == 1
        outer.commit()
    assert session.durable["applications"] == {"middle": {}}
