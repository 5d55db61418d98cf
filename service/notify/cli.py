"""`flask --app service notify …`: the delivery worker and the operator's view of the outbox."""

from __future__ import annotations

import os
import signal
import socket

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from service.errors import DomainError
from service.extensions import db

notify_cli = AppGroup("notify", help="通知发件箱：投递进程、失败通知与工作人员提醒")


@notify_cli.command("worker")
@click.option("--until-idle", is_flag=True, help="Exit once nothing is due (tests, cron, benchmarks).")
@click.option("--max-seconds", type=float, default=None, help="Exit after this long.")
@click.option("--name", default=None, help="Shown in logs; defaults to host:pid.")
def worker_command(until_idle: bool, max_seconds: float | None, name: str | None):
    """Deliver due notifications until stopped (SIGTERM/SIGINT finish the current row, then exit)."""
    from service.notify.queue import relax_commits
    from service.notify.worker import Worker

    relax_commits(db.engine)
    worker = Worker(current_app._get_current_object(), name=name or f"{socket.gethostname()}:{os.getpid()}")

    def stop(_signum, _frame):
        worker.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"notify worker {worker.name} started", err=True)
    sent = worker.run(until_idle=until_idle, max_seconds=max_seconds)
    click.echo(f"notify worker {worker.name} stopped after sending {sent}", err=True)


@notify_cli.command("status")
def status_command():
    """Rows per status, and the oldest due row's age."""
    from service.notify.models import Notification

    counts = dict(db.session.execute(
        select(Notification.status, func.count()).group_by(Notification.status)).all())
    click.echo(" ".join(f"{status}={count}" for status, count in sorted(counts.items())) or "empty")


@notify_cli.command("dead")
@click.option("--limit", default=20, show_default=True)
def dead_command(limit: int):
    """List dead-lettered notifications (id, kind, case number, last error); no personal data."""
    from service.intake.models import Application
    from service.notify.models import DEAD, Notification

    rows = db.session.execute(
        select(Notification.id, Notification.kind, Application.case_no, Notification.last_error)
        .outerjoin(Application, Application.id == Notification.application_id)
        .where(Notification.status == DEAD).order_by(Notification.id.desc()).limit(limit)).all()
    for row in rows:
        click.echo(f"{row.id}\t{row.kind}\t{row.case_no or '-'}\t{row.last_error or ''}")


@notify_cli.command("retry")
@click.argument("notification_id", type=int)
def retry_command(notification_id: int):
    """Requeue one dead-lettered notification (as the county's admin would through the API)."""
    from service.auth.actor import Actor
    from service.notify.models import Notification
    from service.notify.services import retry

    row = db.session.get(Notification, notification_id)
    if row is None:
        raise click.ClickException("no such notification")
    operator = Actor(id=0, role="admin", county_id=row.county_id, township_id=None, display_name="命令行")
    try:
        result = retry(operator, notification_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"notification {result['id']} requeued")


@notify_cli.command("staff-phone")
@click.argument("username")
@click.argument("phone", required=False)
@click.option("--no-digest", is_flag=True, help="Keep the phone but send no morning digest.")
def staff_phone_command(username: str, phone: str | None, no_digest: bool):
    """Set (or, without PHONE, remove) where a window clerk gets the morning digest by SMS."""
    from service.notify.periodic import set_staff_target

    try:
        result = set_staff_target(username, phone, daily_digest=not no_digest)
    except DomainError as exc:
        raise click.ClickException(exc.message + (f" {exc.fields}" if exc.fields else "")) from None
    click.echo(f"{username}: {'digest by SMS' if result['phone'] else 'no digest'}")
