"""One transaction per use case: commit when the use case returns, roll back whatever it raised.

Use cases called inside another (the demo seed, a chat turn that opens an application) join the outer
transaction, so the whole of it lands or none of it does.
"""

from contextlib import contextmanager

from service.extensions import db


@contextmanager
def use_case():
    info = db.session.info
    depth = info.get("use_case_depth", 0)
    info["use_case_depth"] = depth + 1
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info["use_case_depth"] = depth
