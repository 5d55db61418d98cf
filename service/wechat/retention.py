"""Keep residents' half-filled forms no longer than they are useful (PIPL: collect and keep only what the
procedure needs). Run by the notification worker's scan; `flask wechat purge-dedupe` does the same by hand.
"""

import datetime as dt
import logging

from sqlalchemy import update

from service.attempts import DatabaseCounters
from service.extensions import db
from service.unit_of_work import use_case
from service.wechat.chat import EXPIRES
from service.wechat.dedupe import DatabaseDedupe
from service.wechat.models import Conversation

log = logging.getLogger(__name__)
LAPSED = "lapsed"  # the form is gone; the resident's next message is told it lapsed (chat._lapse)


def forget_lapsed_forms(now: dt.datetime) -> int:
    """Empty the conversations idle past 24 hours: a name, ID number and phone typed into a form the
    resident never submitted must not stay in the database."""
    with use_case() as uow:
        result = db.session.execute(
            update(Conversation).where(Conversation.step.not_in(("idle", LAPSED)),
                                       Conversation.updated_at < now - EXPIRES)
            .values(step=LAPSED, data={}).execution_options(synchronize_session=False))
        uow.commit()
    if result.rowcount:
        log.info("lapsed chat forms emptied: %d", result.rowcount)
    return result.rowcount


def sweep(now: dt.datetime) -> tuple[int, int]:
    """(old dedupe keys and ended attempt windows dropped, lapsed forms emptied)."""
    windows = DatabaseCounters().purge(now)  # committed with the dedupe purge
    return windows + DatabaseDedupe().purge(now), forget_lapsed_forms(now)
