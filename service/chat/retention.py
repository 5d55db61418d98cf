"""Keep residents' half-filled forms no longer than they are useful (PIPL: collect and keep only what the
procedure needs). Part of the housekeeping sweep (service.housekeeping), run by the worker's scan and by `flask housekeeping`.
"""

import datetime as dt
import logging

from sqlalchemy import update

from service.chat.models import Conversation
from service.chat.turn import EXPIRES
from service.extensions import db
from service.unit_of_work import use_case

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
