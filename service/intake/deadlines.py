"""When the current step of an application is due, from its status and the intake's time limits."""

import datetime as dt

from service.intake import workflow as wf
from service.intake.time_limits import TimeLimits
from service.intake.workdays import add_workdays, workdays_between

# Queue ordering needs a non-null date; rows without a running clock sort after every real deadline.
NO_DEADLINE = dt.date(9999, 12, 31)


def step_deadline(status: str, limits: TimeLimits, today: dt.date, *, urgent: bool = False) -> dt.date | None:
    if status == wf.SUBMITTED:
        return add_workdays(today, limits.urgent_accept_days if urgent else limits.accept_days)
    if status == wf.ACCEPTED:
        return add_workdays(today, limits.investigation_start_days)
    if status == wf.INVESTIGATING:
        return add_workdays(today, limits.township_check_days)
    if status == wf.NOTICE:
        return today + dt.timedelta(days=limits.public_notice_days)
    if status == wf.COUNTY:
        return add_workdays(today, limits.county_days)
    return None  # 补正 pauses the clock; closed applications have none


def remaining_workdays(deadline: dt.date | None, today: dt.date) -> int | None:
    """Working days left until the deadline; negative when overdue, None without a clock."""
    if deadline is None or deadline == NO_DEADLINE:
        return None
    return workdays_between(today, deadline)


def resume(remaining: int | None, today: dt.date) -> dt.date | None:
    """A paused clock restarts with the working days it had left (at least the same day)."""
    if remaining is None:
        return None
    return add_workdays(today, max(remaining, 0))
