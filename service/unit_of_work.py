"""One explicit unit of work per use case: nothing is kept unless the use case says `commit()`.

    with UnitOfWork() as uow:
        ...fetch, check, change...
        uow.commit()

Leaving the block without commit (an error, a refusal, an early return) rolls back everything the use case
did since it began or last committed. A use case called inside another (the chat turn submitting an
application, the demo seed) joins the outer one through a SAVEPOINT: its commit makes its work part of
the outer transaction, and its failure rolls back to the savepoint, so it leaves nothing behind while the
outer use case can still commit its own work (the conversation step). Only the outermost commit is durable.

The session is injected so the semantics can be tested with a fake session, without a database.
"""

from __future__ import annotations

from typing import Any

DEPTH = "unit_of_work_depth"


class UnitOfWork:
    def __init__(self, session: Any = None):
        if session is None:
            from service.extensions import db

            session = db.session
        self.session = session
        self._depth = 0
        self._savepoint = None

    @property
    def nested(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> UnitOfWork:
        info = self.session.info
        self._depth = info.get(DEPTH, 0)
        info[DEPTH] = self._depth + 1
        if self.nested:
            self._savepoint = self.session.begin_nested()
        return self

    def commit(self) -> None:
        """Keep the work so far: durably when outermost, else as part of the enclosing unit of work."""
        if not self.nested:
            self.session.commit()
            return
        self._savepoint.commit()  # RELEASE SAVEPOINT
        self._savepoint = self.session.begin_nested()  # what follows is again all or nothing

    def rollback(self) -> None:
        if not self.nested:
            self.session.rollback()
        elif self._savepoint is not None:
            savepoint, self._savepoint = self._savepoint, None
            savepoint.rollback()  # ROLLBACK TO SAVEPOINT: the outer unit's work stays

    def __exit__(self, *_exc) -> None:
        try:
            self.rollback()  # after a commit there is nothing left to roll back
        finally:
            self.session.info[DEPTH] = self._depth


def use_case(session: Any = None) -> UnitOfWork:
    """The unit of work of one use case (see UnitOfWork)."""
    return UnitOfWork(session)
