"""The worker's scan runs the periodic jobs the root registered for the app (service/__init__.py), in
order, once per NOTIFY_SCAN_SECONDS, and nothing it was not given."""

import datetime as dt

from service.notify import jobs, periodic
from tests.integration.notify.conftest import TODAY, make_worker, rows

NOW = dt.datetime(2026, 11, 23, 1, 0)
NINE_AM = dt.datetime(2026, 11, 23, 9, 0)


def test_the_root_registers_the_scans_jobs_in_order(app):
    assert [job.name for job in jobs.registered(app)] == [
        "overdue apologies", "chat resume reminders", "housekeeping", "staff digests"]


def test_the_worker_runs_the_jobs_its_app_registered_once_per_scan(notify_app):
    calls = []
    notify_app.extensions[jobs.EXTENSION] = []  # only what this test registers
    jobs.register(notify_app, "first", lambda now, local: calls.append(("first", now, local)))
    jobs.register(notify_app, "second", lambda now, local: calls.append(("second", now, local)))
    worker = make_worker(notify_app, now=lambda: NOW, beijing_now=lambda: NINE_AM)
    worker.tick()
    worker.tick()  # within NOTIFY_SCAN_SECONDS: no second scan
    assert calls == [("first", NOW, NINE_AM), ("second", NOW, NINE_AM)]


def test_the_registered_digest_job_waits_for_the_digest_hour(notify_app, cases):
    cases.open(today=dt.date(2026, 11, 2))  # overdue in 孙疃镇 by TODAY
    periodic.set_staff_target("suntuan", "13700001111")
    seven_am = dt.datetime.combine(TODAY, dt.time(7, 0))
    assert periodic.staff_digests_job(NOW, seven_am) == 0  # NOTIFY_DIGEST_HOUR is 8
    make_worker(notify_app, beijing_now=lambda: NINE_AM).tick()
    assert [r.to_phone for r in rows(kind="staff_digest")] == ["13700001111"]
