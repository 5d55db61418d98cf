"""When the current step of an application is due: the step's time limit in its procedure definition."""

import datetime as dt

from service.intake.procedures import Procedure, TimeLimits
from service.intake.workdays import WorkCalendar

# Queue ordering needs a non-null date; rows without a running clock sort after every real deadline.
NO_DEADLINE = dt.date(9999, 12, 31)


def step_deadline(procedure: Procedure, status: str, limits: TimeLimits, today: dt.date, calendar: WorkCalendar,
                  *, urgent: bool = False) -> dt.date | None:
    """The step's limit (working days, or calendar days for 公示) from today; None for a step without one
    (补正 pauses the clock; closed applications have none)."""
    step = procedure.step(status)
    if step is None or step.days is None:
        return None
    days = limits.urgent_accept_days if urgent and status == "submitted" else getattr(limits, step.days)
    return today + dt.timedelta(days=days) if step.calendar else calendar.add_workdays(today, days)


def remaining_workdays(deadline: dt.date | None, today: dt.date, calendar: WorkCalendar) -> int | None:
    """Working days left until the deadline; negative when overdue, None without a clock."""
    if deadline is None or deadline == NO_DEADLINE:
        return None
    return calendar.workdays_between(today, deadline)


def resume(remaining: int | None, today: dt.date, calendar: WorkCalendar) -> dt.date | None:
    """A paused clock restarts with the working days it had left (at least the same day)."""
    if remaining is None:
        return None
    return calendar.add_workdays(today, max(remaining, 0))
