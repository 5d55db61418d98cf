"""Test helper for the 公示 term: tests that take a case past 公示 record that it started `days` ago
(the guard itself is never relaxed; tests/unit/intake/test_public_notice.py checks it day by day)."""

import datetime as dt

from sqlalchemy import update

from service.clock import today as beijing_today
from service.extensions import db
from service.intake.models import Application


def notice_started_days_ago(case_no: str, days: int = 7, *, today: dt.date | None = None) -> None:
    """Record that this case's 公示 started `days` ago (as if the clerk had started it then), committed."""
    started = (today or beijing_today()) - dt.timedelta(days=days)
    db.session.execute(update(Application).where(Application.case_no == case_no)
                       .values(notice_started_on=started, step_deadline=started + dt.timedelta(days=7)))
    db.session.commit()
