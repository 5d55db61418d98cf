"""Faults at the worker's concurrency (issue 16): many sends in flight at once, yet every notice arrives
once, in its application's order, through an outage, WeChat's quota answers, a 40001 storm, a kill -9
and two workers over one backlog."""

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from service.extensions import db
from service.intake.models import Application
from service.notify import enqueue_cs_text
from service.notify.adapters import adapters
from service.notify.models import DEAD, SENDING, SENT, Notification
from tests.integration.notify.conftest import (
    accepted_templates,
    bulk_rows,
    delivered_in_order,
    drain,
    rows,
    seen_by_residents,
)
from tests.integration.notify.test_worker_processes import (
    count,
    start_worker,
    wait_for,
    wait_started,
    worker_env,
)


def expected_order() -> dict[str, list[str]]:
    """Each recipient's keys in row order: what WeChat must have accepted, once each."""
    order: dict[str, list[str]] = {}
    for row in rows():
        order.setdefault(row.to_openid, []).append(row.idempotency_key)
    return order


def in_flight_peak(calls: list[dict], latency: float) -> int:
    """Most requests the fake was answering at one moment (each took `latency` before being recorded)."""
    ends = sorted(c["time"] for c in calls)
    return max(sum(1 for e in ends if t - latency < e <= t) for t in ends)


def test_wechat_down_and_back_under_concurrency_delivers_every_notice_once_in_order(notify_app, fake_wechat):
    notify_app.config.update(NOTIFY_CONCURRENCY=8, NOTIFY_MAX_ATTEMPTS=100)
    bulk_rows(240, keys=40)  # six notices for each of 40 recipients
    adapters(notify_app).wechat().access_token()  # a shared token already in the store, as in production
    fake_wechat.fail("*", down=True, duration=1.2)
    drain(notify_app)
    assert all(r.status == SENT for r in rows())
    # once each on the resident's phone, in row order; a send whose answer the outage (or a slow machine)
    # swallowed may reach WeChat twice, always with its client_msg_id, which WeChat sends once
    assert seen_by_residents(fake_wechat) == expected_order()
    resent = Counter(m["client_msg_id"] for m in accepted_templates(fake_wechat))
    assert all(n <= 2 for n in resent.values()), resent.most_common(3)
    assert any(c["status"] is None for c in fake_wechat.calls("template_send")), "the outage was not felt"


def test_sends_really_overlap_and_stay_within_the_bound(notify_app, fake_wechat):
    notify_app.config.update(NOTIFY_CONCURRENCY=6)
    bulk_rows(60, keys=60)
    fake_wechat.fail("template_send", delay=0.1, times=60)
    drain(notify_app)
    calls = fake_wechat.calls("template_send")
    assert len(calls) == 60 and all(r.status == SENT for r in rows())
    assert 4 <= in_flight_peak(calls, 0.1) <= 6  # concurrent, and never more than NOTIFY_CONCURRENCY


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
@pytest.mark.parametrize("errcode, pause_key", [
    (45009, "NOTIFY_QUOTA_PAUSE_SECONDS"), (45047, "NOTIFY_QUOTA_PAUSE_SECONDS"), (45011, "NOTIFY_RATE_PAUSE_SECONDS"),
])
def test_quota_answers_slow_the_account_down_instead_of_dead_lettering(notify_app, fake_wechat, errcode, pause_key):
    # a tight retry budget: were quota answers counted as failed attempts, rows would die here
    notify_app.config.update({"NOTIFY_CONCURRENCY": 8, "NOTIFY_MAX_ATTEMPTS": 2, pause_key: 1.0})
    bulk_rows(80, keys=20)
    fake_wechat.fail("template_send", errcode, times=12)
    drain(notify_app)
    assert [r for r in rows() if r.status == DEAD] == []
    assert all(r.status == SENT and r.attempts == 1 for r in rows())  # the refused tries did not count
    assert delivered_in_order(fake_wechat) == expected_order()
    calls = fake_wechat.calls("template_send")
    refused = [c["time"] for c in calls if (c["response"] or {}).get("errcode") == errcode]
    assert len(refused) == 12
    # the account paused: after the first refusal, only the sends already on the wire reached WeChat
    early = [c for c in calls if refused[0] < c["time"] < refused[0] + 0.9]
    assert len(early) <= 7, len(early)  # (eight threads; without the pause all 80 would be through)
    assert max(refused) - refused[0] >= 1.0  # the refusals beyond the first wave came after a pause


def test_a_40001_storm_under_concurrency_refreshes_the_token_once(notify_app, fake_wechat):
    notify_app.config.update(NOTIFY_CONCURRENCY=12)
    bulk_rows(120, keys=120)
    adapters(notify_app).wechat().access_token()  # the shared token every thread starts from
    fake_wechat.revoke_tokens()
    fake_wechat.fail("template_send", delay=0.05, times=24)  # twelve threads hit 40001 together
    drain(notify_app)
    assert all(r.status == SENT for r in rows())
    assert fake_wechat.tokens_issued == 2  # the first, and exactly one refresh
    assert sorted(m["client_msg_id"] for m in accepted_templates(fake_wechat)) == sorted(r.idempotency_key
                                                                                       for r in rows())


@pytest.mark.slow
def test_a_worker_killed_with_many_sends_in_flight_loses_nothing_and_repeats_only_those(app, fake_wechat, fake_sms):
    from tests.integration.notify.conftest import fast_config

    app.config.update(fast_config(fake_wechat, fake_sms))
    bulk_rows(300, keys=100)  # three notices for each of 100 recipients
    fake_wechat.fail("template_send", delay=0.6, times=1000)  # a slow WeChat: many sends on the wire at once
    env = worker_env(app, NOTIFY_CONCURRENCY=16, NOTIFY_LEASE_SECONDS=3, NOTIFY_BATCH_SIZE=50)
    first = start_worker(env)
    try:
        wait_started(first)
        wait_for(lambda: len(fake_wechat.calls("template_send")) >= 20, 60, "sends to be under way")
        time.sleep(0.3)  # the next wave is in flight now
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
    in_flight = {r.idempotency_key for r in rows() if r.status == SENDING}
    assert len(in_flight) >= 8, "the kill did not catch sends in flight"
    time.sleep(1.0)  # the killed worker's requests still on the wire reach WeChat
    before = delivered_in_order(fake_wechat)
    fake_wechat.reset()  # and WeChat is fast again
    second = start_worker(env, "--until-idle", "--max-seconds", "90")
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert count(SENT) == 300  # nothing lost
    again = Counter(c["json"]["client_msg_id"] for c in fake_wechat.calls("template_send"))
    assert set(again.values()) == {1}  # the second worker sent each remaining row once
    repeated = set(again) & {key for keys in before.values() for key in keys}
    assert repeated and repeated <= in_flight  # only rows in the killed worker's hands went twice
    after = delivered_in_order(fake_wechat)
    for user, keys in expected_order().items():
        got = before.get(user, []) + after.get(user, [])
        assert got == sorted(got) and set(got) == set(keys), user  # all of them, never out of order


@pytest.mark.slow
@pytest.mark.postgres
def test_two_concurrent_worker_processes_share_a_backlog_every_notice_once_in_order(app, fake_wechat, fake_sms):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED claims are a PostgreSQL matter; SQLite has one writer")
    from tests.integration.notify.conftest import fast_config

    app.config.update(fast_config(fake_wechat, fake_sms))
    fake_wechat.fail("template_send", delay=0.03, duration=600)  # WeChat's round trip: concurrency matters
    env = worker_env(app, NOTIFY_POLL_SECONDS=0.05, NOTIFY_CONCURRENCY=8)
    workers = [start_worker(env, "--max-seconds", "120") for _ in range(2)]
    try:
        for w in workers:
            wait_started(w)
        bulk_rows(800, keys=80)  # ten notices for each of 80 recipients
        wait_for(lambda: count(SENT) == 800, 100, "800 rows sent")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=30)[1] for w in workers]
    sent = [int(out.rsplit("stopped after sending ", 1)[1].split()[0]) for out in outputs]
    assert sum(sent) == 800 and min(sent) > 0, sent
    calls = fake_wechat.calls("template_send")
    assert len(calls) == 800  # not one request more: no notice went twice
    assert delivered_in_order(fake_wechat) == expected_order()
    assert in_flight_peak(calls, 0.03) > 2  # the workers' threads really sent side by side
    assert db.session.scalar(select(Notification.id).where(Notification.status != SENT)) is None


def test_a_chat_reply_over_its_users_message_limit_goes_by_sms_without_pausing_the_account(
        notify_app, cases, fake_wechat, fake_sms):
    # on a customer-service text 45047 is that one user's window quota: SMS tells them, others carry on
    notify_app.config["NOTIFY_QUOTA_PAUSE_SECONDS"] = 30.0
    case_no = cases.open(openid="o-chatty-user", phone="13912345678")
    app_id = db.session.scalar(select(Application.id).where(Application.case_no == case_no))
    drain(notify_app)  # the 'received' notice first
    enqueue_cs_text("o-chatty-user", "材料照片已收到。", application_id=app_id)
    bulk_rows(20, keys=20)
    fake_wechat.fail("custom_send", 45047, times=1)
    started = time.monotonic()
    drain(notify_app)
    assert time.monotonic() - started < 10  # no 30 s pause of the account
    assert all(r.status == SENT for r in rows())
    assert [m["phone"] for m in fake_sms.sent] == ["13912345678"]
    assert len(accepted_templates(fake_wechat)) == 21
