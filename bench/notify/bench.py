"""Notification delivery benchmark: 10,000 approvals committed in a burst on PostgreSQL, then the time until
the local fake WeChat API has accepted every notice, with 1, 2 and 4 `flask notify worker` processes.

    .venv/bin/python bench/notify/bench.py [--rows 10000] [--workers 1,2,4] [--concurrency 1,16]
        [--burst-procs 2] [--latency-ms 50] [--per-key K]

Each run starts from scratch in the dedicated database `relief_bench_notify` (never `test`, whose
schema the test suite drops): schema dropped and migrated, the demo county's places and staff seeded,
N applicants who follow the account and N 低保 applications waiting for the county's decision bulk-
inserted. Then the burst: N real `services.act(..., "approve", ...)` use cases, each its own transaction
writing the decision and its outbox row (split over --burst-procs processes). No worker runs during
the burst. Then W worker processes start, and the clock runs until the fake (an in-process HTTP server
here, so polling it is free) has answered errcode 0 to N template sends. Reported per run:
burst time, time from spawning the workers to the last notice, time from the first notice to the last
(delivery alone, without process start-up), notices per second, and requests the fake saw (= N when no
notice was sent twice), whether every recipient got its notices in row order, and each worker's peak
RSS. --concurrency runs every worker count at each NOTIFY_CONCURRENCY (1 = one send at a time, as before
issue 16). --per-key K skips the approvals and bulk-inserts N outbox rows, K per application sequence,
so that the order check has sequences to check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DB_NAME = "relief_bench_notify"
DB_URL = f"{SERVER}/{DB_NAME}".replace("postgresql://", "postgresql+psycopg://", 1)
CONFIG = {"SQLALCHEMY_DATABASE_URI": DB_URL, "SERVICE_ENV": "development", "LOG_LEVEL": "WARNING",
          "RATELIMIT_ENABLED": False, "NOTIFY_TEMPLATE_ID": "TPL-BENCH"}


def fresh_database() -> None:
    assert DB_NAME != "test"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    with psycopg.connect(f"{SERVER}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    from flask_migrate import upgrade

    from service import create_app
    from service.devtools.demo import seed_demo

    app = create_app(CONFIG)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(applications=False)


def load_applications(n: int) -> None:
    """N applicants following the account, each with a 低保 application at the county's decision."""
    from sqlalchemy import insert, select

    from service import create_app
    from service.extensions import db
    from service.intake.models import Applicant, Application, Follower, Township

    app = create_app(CONFIG)
    today = dt.date.today()
    with app.app_context():
        township = db.session.scalars(select(Township).where(Township.name == "孙疃镇")).one()
        village = township.villages[0]
        db.session.execute(insert(Applicant), [
            {"id": i + 1, "name": f"申请人{i}", "phone": f"139{i:08d}", "village_id": village.id} for i in range(n)])
        db.session.execute(insert(Application), [
            {"id": i + 1, "case_no": f"990{i:08d}", "intake": "dibao", "channel": "wechat", "description": "基准测试",
             "contact_name": f"申请人{i}", "contact_phone": f"139{i:08d}",
             "status": "county_review", "priority": 1, "step_deadline": today + dt.timedelta(days=14),
             "queue_due": today + dt.timedelta(days=14), "county_id": township.county_id,
             "township_id": township.id, "village_id": village.id, "applicant_id": i + 1, "household_size": 2}
            for i in range(n)])
        db.session.execute(insert(Follower), [
            {"application_id": i + 1, "openid": f"o-bench-{i:06d}", "source": "submitted"} for i in range(n)])
        db.session.execute(db.text("SELECT setval('applicants_id_seq', (SELECT max(id) FROM applicants))"))
        db.session.execute(db.text("SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))"))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def approve_slice(bounds: tuple[int, int]) -> None:
    from sqlalchemy import select

    from service import create_app
    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.extensions import db
    from service.intake import services

    app = create_app(CONFIG)
    next_month = (dt.date.today().replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    with app.app_context():
        actor = actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == "county")).one())
        for i in range(*bounds):
            services.act(actor, f"990{i:08d}", "approve", {"amount": "680", "first_month": next_month}, None)
            db.session.expunge_all()


def sequences(n: int, per_key: int) -> None:
    """N template notices straight into the outbox, `per_key` to each sequence (one recipient each)."""
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn, conn.cursor() as cur:
        keys = -(-n // per_key)
        cur.executemany(
            "INSERT INTO notifications (kind, ordering_key, channel, status, to_openid, text, template_id, fields,"
            " idempotency_key, attempts, next_attempt_at, created_at, updated_at)"
            " VALUES ('approved', %s, 'wechat_template', 'pending', %s, %s, 'TPL-BENCH', %s, %s, 0, NOW_UTC, NOW_UTC, NOW_UTC)".replace("NOW_UTC", "(now() AT TIME ZONE 'utc')"),
            [(f"seq{i % keys:06d}", f"o-seq-{i % keys:06d}", f"通知{i}", json.dumps({"thing1": f"通知{i}"}),
              f"seq-{i:08d}") for i in range(n)])
        conn.commit()
        cur.execute("ANALYZE notifications")
        conn.commit()


def order_kept(sends: list[dict]) -> bool:
    """Every recipient received its accepted notices in the order of their rows (keys sort as rows)."""
    per_user: dict[str, list[str]] = {}
    for r in sends:
        if _accepted(r):
            per_user.setdefault(r["json"]["touser"], []).append(r["json"]["client_msg_id"])
    return all(keys == sorted(keys) for keys in per_user.values())


def peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used so far."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def burst(n: int, procs: int) -> float:
    step = -(-n // procs)
    slices = [(start, min(n, start + step)) for start in range(0, n, step)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        pool.map(approve_slice, slices)
    return time.perf_counter() - started


def _accepted(record: dict) -> bool:
    return record["endpoint"] == "template_send" and record["status"] == 200 \
        and (record["response"] or {}).get("errcode") == 0


def outbox_count() -> int:
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn:
        return conn.execute("SELECT count(*) FROM notifications WHERE kind = 'approved'").fetchone()[0]


def keepalive_fake(http11: bool):
    """The fake WeChat API. The test fake answers HTTP/1.0 and closes every connection, so each send costs the
    worker a new TCP connection and the fake a new thread; the real API keeps connections alive, as the worker's
    pooled session expects. http11 serves HTTP/1.1 keep-alive (bench only: the tests' fake is left as it is)."""
    from service.devtools import fake_http
    from service.devtools.fake_api import FakeWeChatAPI

    class KeepAliveHandler(fake_http._Handler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as real servers set it: without it the body, written after the headers on a kept-alive
        # connection, waits for the client's delayed ACK (~40-50 ms more per send, measured)
        disable_nagle_algorithm = True

    class BenchFake(FakeWeChatAPI):
        def start(self) -> str:
            base = super().start()
            if http11:
                self._server.RequestHandlerClass = KeepAliveHandler
            return base

    return BenchFake()


def steady_rate(times: list[float], lo: float = 0.1, hi: float = 0.9) -> float:
    """Notices/s between the 10th and 90th percentile of acceptance times: delivery once every worker is up,
    without start-up and the tail (on a 2,000-notice run they are a large part of first → last)."""
    times = sorted(times)
    a, b = times[int(lo * (len(times) - 1))], times[int(hi * (len(times) - 1))]
    return round((hi - lo) * len(times) / (b - a), 1) if b > a else 0.0


def wait_quiet(limit: float, max_wait: float) -> None:
    """Other jobs on the machine skew the figures: wait (up to max_wait s) for the 1-minute load to drop."""
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        time.sleep(5)


def deliver(n: int, workers: int, fake, latency_ms: float = 0, concurrency: int = 16) -> dict:
    env = {**os.environ, "NOTIFY_CONCURRENCY": str(concurrency), "DATABASE_URL": DB_URL, "LOG_LEVEL": "WARNING", "SERVICE_ENV": "development",
           "WECHAT_API_BASE_URL": fake.base_url, "WECHAT_APPID": "wxfake0000000000", "WECHAT_SECRET": "fakesecret",
           "NOTIFY_TEMPLATE_ID": "TPL-BENCH", "NOTIFY_POLL_SECONDS": "0.2", "PYTHONUNBUFFERED": "1", "NLP_WARM_UP": "0"}
    fake.reset()
    if latency_ms:  # WeChat's own answer time, as a county server would see it
        fake.fail("template_send", delay=latency_ms / 1000, duration=24 * 3600)
    load_before = os.getloadavg()[0]
    bench_cpu_before = time.process_time()
    spawned = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "service", "notify", "worker"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers)]
    seen = ok = 0
    cpu_at_first = None
    try:
        while ok < n:
            # only look at new records: scanning them all would compete with the fake for the GIL
            records = fake._received
            while seen < len(records):
                ok += _accepted(records[seen])
                seen += 1
            if ok and cpu_at_first is None:  # the workers' CPU until their first send: start-up, mostly
                cpu_at_first = [cpu_seconds(p.pid) or 0 for p in procs]
            if time.perf_counter() - spawned > 1800:
                raise RuntimeError(f"only {ok} of {n} notices after 30 minutes")
            time.sleep(0.1)
        finished = time.perf_counter()
        rss = [peak_rss_mb(p.pid) for p in procs]
        cpu = [cpu_seconds(p.pid) for p in procs]
        bench_cpu = time.process_time() - bench_cpu_before
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    sends = [r for r in fake._received if r["endpoint"] == "template_send"]
    first = min(r["time"] for r in sends)
    accepted_times = [r["time"] for r in sends if _accepted(r)]
    last = max(accepted_times)
    delivery_cpu = sum(c or 0 for c in cpu) - sum(cpu_at_first or [0])
    return {
        "workers": workers, "concurrency": concurrency, "notices": n, "latency_ms": latency_ms, "spawn_to_last_s": round(finished - spawned, 2),
        "first_to_last_s": round(last - first, 2), "notices_per_s": round(n / (last - first), 1),
        "steady_notices_per_s": steady_rate(accepted_times),
        "template_requests": len(sends), "distinct_keys": len({r["json"]["client_msg_id"] for r in sends}),
        "order_kept": order_kept(sends), "peak_rss_mb": rss,
        # workers' CPU per notice (start-up included), and the fake's (this process) for comparison
        "worker_cpu_ms_per_notice": round(1000 * sum(c or 0 for c in cpu) / n, 2),
        "worker_delivery_cpu_ms_per_notice": round(1000 * delivery_cpu / n, 2),  # after the first send
        "fake_cpu_ms_per_notice": round(1000 * bench_cpu / n, 2),
        "token_fetches": sum(1 for r in fake._received if r["endpoint"] == "token"),
        "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", default="16", help="NOTIFY_CONCURRENCY values to run, e.g. 1,16")
    parser.add_argument("--per-key", type=int, default=0,
                        help="skip the approvals: bulk-insert the rows, this many per application sequence")
    parser.add_argument("--burst-procs", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="delay every template send at the fake, like the real API's round trip")
    parser.add_argument("--fake-http", choices=("1.0", "1.1"), default="1.1",
                        help="1.1: the fake keeps connections alive, as the real API does; 1.0: the tests' fake, "
                             "a new connection (and fake thread) per send")
    parser.add_argument("--wait-quiet", type=float, default=0,
                        help="before each delivery, wait up to this many seconds for the 1-minute load < 1.5")
    args = parser.parse_args()
    results = []
    with keepalive_fake(args.fake_http == "1.1") as fake:
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for workers in [int(w) for w in args.workers.split(",")]:
                fresh_database()
                if args.per_key:
                    started = time.perf_counter()
                    sequences(args.rows, args.per_key)
                    burst_s = time.perf_counter() - started
                else:
                    load_applications(args.rows)
                    burst_s = burst(args.rows, args.burst_procs)
                assert outbox_count() == args.rows
                wait_quiet(1.5, args.wait_quiet)
                result = {"burst_s": round(burst_s, 1), "approvals_per_s": round(args.rows / burst_s, 1),
                          "fake_http": args.fake_http,
                          **deliver(args.rows, workers, fake, args.latency_ms, concurrency)}
                print(json.dumps(result), flush=True)
                results.append(result)
    base = results[0]
    for r in results:
        r["speedup_vs_first"] = round(base["first_to_last_s"] / r["first_to_last_s"], 2)
        r["steady_speedup_vs_first"] = round(r["steady_notices_per_s"] / base["steady_notices_per_s"], 2)
    print(json.dumps({"cpus": os.cpu_count(), "runs": results}, indent=1))


if __name__ == "__main__":
    main()
