"""Operator commands for the intake: thin wrappers over the use cases."""

import click
from flask.cli import with_appcontext


@click.command("calendar")
@click.argument("years", nargs=-1, type=click.IntRange(2004, 2100))
@with_appcontext
def calendar_command(years):
    """Which calendar decides working days in YEARS (default: this year and next)."""
    from service.clock import today
    from service.intake import calendars

    sources = {"local": "本县日历文件（WORKDAY_CALENDAR_FILE）", "official": "chinesecalendar 官方日历",
               "weekdays": "未覆盖：按周一至周五计算，节假日不会顺延，请把国务院公布的安排写入 WORKDAY_CALENDAR_FILE"}
    this_year = today().year
    uncovered = False
    for year in years or (this_year, this_year + 1):
        source = calendars.current().coverage(year)
        uncovered |= source == "weekdays"
        click.echo(f"{year}: {sources[source]}")
    if uncovered:
        raise SystemExit(1)  # a monitoring job can alert on it before the year turns
