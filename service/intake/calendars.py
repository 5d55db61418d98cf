"""The app's working-day calendar: create_app builds it from WORKDAY_CALENDAR_FILE and keeps it in
app.extensions, so two apps in one process never share a county's holidays. Use cases and pages ask here."""

from flask import current_app, has_app_context

from service.intake.workdays import OFFICIAL, WorkCalendar


def current() -> WorkCalendar:
    """This app's calendar; the official one outside an app (a tool, a pure test)."""
    return current_app.extensions.get("workdays", OFFICIAL) if has_app_context() else OFFICIAL
