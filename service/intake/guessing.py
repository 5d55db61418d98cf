"""Guessing limits on an applicant's proof (case number + last four of the ID number), for the public look-up
and the chat's 绑定 alike: counted per case number and per source (an address, a WeChat user), shared by
every worker, the same for a case that exists and one that does not (no existence oracle). Staff see a
note on the case's history when it is being guessed, once per window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from sqlalchemy import select

from service.attempts import counters
from service.errors import RateLimited
from service.extensions import db
from service.intake.models import Application, ApplicationEvent

T = TypeVar("T")
NOTE_ACTION = "guessing_suspected"
TOO_MANY = "尝试次数过多，请一小时后再试；如需帮助，请拨打民政救助热线"


def attempt(case_no: str, source: str, prove: Callable[[], T]) -> T:
    """Count one attempt against the source and the case, refuse past either limit (RateLimited), then
    run `prove`; a truthy result (the right last four) is not counted."""
    config = current_app.config
    window = dt.timedelta(minutes=config["GUESS_WINDOW_MINUTES"])
    store = counters()
    source_key, case_key = f"guess:source:{source}"[:200], f"guess:case:{case_no}"[:200]
    if store.hit(source_key, window) > config["GUESS_MAX_PER_SOURCE"]:
        raise RateLimited(TOO_MANY)
    used = store.hit(case_key, window)
    if used > config["GUESS_MAX_PER_CASE"]:
        raise RateLimited(TOO_MANY)
    result = prove()
    if result:
        store.refund(source_key)
        store.refund(case_key)
    elif used == config["GUESS_MAX_PER_CASE"]:  # reached once per window: one note, however many guessers
        _note(case_no, config["GUESS_MAX_PER_CASE"], config["GUESS_WINDOW_MINUTES"])
    return result


def _note(case_no: str, limit: int, minutes: int) -> None:
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).first()
    if app is None:
        return
    db.session.add(ApplicationEvent(
        application_id=app.id, action=NOTE_ACTION, from_status=app.status, to_status=app.status, actor_label="系统",
        note=f"{minutes}分钟内已有{limit}次用错误的身份证号后四位查询或绑定本案，查询和绑定暂停{minutes}分钟。"
             "如不是申请人本人输错，可能有人在冒用案件号，请留意。",
    ))
