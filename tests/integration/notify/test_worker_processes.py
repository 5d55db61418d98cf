"""Real `flask notify worker` processes: two of them on PostgreSQL never send a row twice; a worker killed
between send and record is followed by one that resends under the same idempotency key."""

import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import clock
from service.extensions import db
from service.notify.models import SENDING, SENT, Notification
from tests.conftest import BASE_CONFIG
from tests.integration.notify.conftest import accepted_templates, bulk_rows, fast_config, rows

ROOT = Path(__file__).resolve().parents[3]


def worker_env(app, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_", "WECHAT_", "SMS_", "REDIS_"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": BASE_CONFIG["SECRET_KEY"],
        "FIELD_ENCRYPTION_KEY": BASE_CONFIG["FIELD_ENCRYPTION_KEY"], "LOG_LEVEL": "WARNING",
        "SERVICE_ENV": "test", "PYTHONUNBUFFERED": "1", "NLP_WARM_UP": "0",
    })
    keys = ("WECHAT_API_BASE_URL", "WECHAT_APPID", "WECHAT_SECRET", "SMS_GATEWAY_URL", "NOTIFY_TEMPLATE_ID",
            "NOTIFY_BACKOFF_BASE_SECONDS", "NOTIFY_BACKOFF_CAP_SECONDS", "NOTIFY_POLL_SECONDS",
            "NOTIFY_HTTP_TIMEOUT_SECONDS", "NOTIFY_SCAN_SECONDS", "NOTIFY_LEASE_SECONDS", "NOTIFY_CONCURRENCY",
            "NOTIFY_RATE_PAUSE_SECONDS", "NOTIFY_QUOTA_PAUSE_SECONDS", "NOTIFY_WECHAT_RATE")
    env.update({k: str(app.config[k]) for k in keys if k in app.config})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "service", "notify", "worker", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_started(proc: subprocess.Popen) -> None:
    for line in proc.stderr:  # jieba and warnings may come first
        if "notify worker" in line and "started" in line:
            return
    raise AssertionError("worker exited before starting")


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def count(status: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.status == status))


@pytest.mark.slow
@pytest.mark.postgres
def test_two_worker_processes_on_postgres_send_each_of_1000_rows_exactly_once(app, fake_wechat, fake_sms):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED claims are a PostgreSQL matter; SQLite has one writer")
    app.config.update(fast_config(fake_wechat, fake_sms))
    env = worker_env(app, NOTIFY_POLL_SECONDS=0.05)
    workers = [start_worker(env, "--max-seconds", "120") for _ in range(2)]
    try:
        for w in workers:  # both are up and polling before the burst lands
            wait_started(w)
        bulk_rows(1000, keys=100)
        wait_for(lambda: count(SENT) == 1000, 90, "1000 rows sent")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=30)[1] for w in workers]
    per_worker = [int(re.search(r"stopped after sending (\d+)", out).group(1)) for out in outputs]
    assert sum(per_worker) == 1000 and min(per_worker) > 0, per_worker  # both did real work
    calls = fake_wechat.calls("template_send")
    assert len(calls) == 1000  # not one request more: no row was sent twice
    assert len({c["json"]["client_msg_id"] for c in calls}) == 1000
    order = defaultdict(list)
    for message in accepted_templates(fake_wechat):
        order[message["touser"]].append(message["client_msg_id"])
    assert all(keys == sorted(keys) for keys in order.values())  # in row order within each sequence


@pytest.mark.slow
def test_a_worker_killed_between_send_and_record_is_followed_by_one_resend_with_the_same_key(
        app, cases, fake_wechat, fake_sms):
    app.config.update(fast_config(fake_wechat, fake_sms))
    # opened today (real time): the subprocess's overdue scan runs on the wall clock, and a case opened on
    # a fixed past date would earn an apology notice of its own
    cases.open(openid="o-killed-worker-01", today=clock.today())
    db.session.commit()
    env = worker_env(app, NOTIFY_LEASE_SECONDS=1.5)
    fake_wechat.fail("template_send", delay=2.0, times=1)  # the first send hangs in WeChat's hands
    first = start_worker(env)
    try:
        wait_for(lambda: count(SENDING) == 1, 30, "the row to be claimed")
        wait_for(lambda: fake_wechat.calls("token"), 10, "the worker to reach WeChat")
        time.sleep(0.5)  # the template request is in flight now
    finally:
        first.kill()  # SIGKILL: no chance to record anything
        first.communicate(timeout=10)
    wait_for(lambda: fake_wechat.calls("template_send"), 10, "WeChat to finish the first send")
    assert rows()[0].status == SENDING
    second = start_worker(env, "--until-idle", "--max-seconds", "60")
    _, err = second.communicate(timeout=90)
    assert second.returncode == 0, err
    calls = fake_wechat.calls("template_send")
    assert len(calls) == 2 and calls[0]["json"]["client_msg_id"] == calls[1]["json"]["client_msg_id"]
    row = rows()[0]
    assert row.status == SENT and row.attempts == 2
