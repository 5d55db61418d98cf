"""Housekeeping: drop what is no longer needed (PIPL: keep only what the procedure needs). One sweep over
the rooms that keep short-lived rows, run by the worker's scan and by `flask housekeeping`."""

import datetime as dt

import click
from flask.cli import with_appcontext

from service.attempts import DatabaseCounters
from service.chat.retention import forget_lapsed_forms
from service.clock import utcnow
from service.wechat.dedupe import DatabaseDedupe


def sweep(now: dt.datetime) -> tuple[int, int]:
    """(old delivery keys and ended guessing/log-in windows dropped, lapsed chat forms emptied)."""
    windows = DatabaseCounters().purge(now)  # committed with the dedupe purge
    return windows + DatabaseDedupe().purge(now), forget_lapsed_forms(now)


@click.command("housekeeping")
@with_appcontext
def housekeeping_command():
    """Drop delivered-message keys older than two days and ended guessing/log-in windows, and empty chat
    forms idle over 24 hours (the notification worker does this every scan)."""
    keys, forms = sweep(utcnow())
    click.echo(f"removed {keys} old keys, emptied {forms} lapsed forms")
