"""Benchmark of the window queue on relief_bench (load it first with bench/queue_generate.py).

    .venv/bin/python bench/queue_bench.py [--reps 200] [--what-if] [--wait-quiet 600] [--only a,b]

Times service.intake.queue.list_queue(actor, filters, today=...) -- the function behind
GET /api/v1/applications -- for the window clerk of one township (~10,000 applications) and for the
county reviewer: first pages and a deep keyset page (next_cursor followed --depth times, then that page
fetched repeatedly), unfiltered and filtered. Each call runs on a fresh session (db.session.remove()
after it, as at the end of a request). Beside each case the same SQL alone, captured from list_queue with
a before_cursor_execute hook and run with the same parameters through the same engine (no ORM, no
presenting), is the baseline of the ratio. EXPLAIN (ANALYZE, BUFFERS) of every captured statement is
printed with the access path to `applications`, plus the generic plan a prepared statement could switch to
(psycopg prepares a statement at its fifth execution on a connection unless a ROLLBACK clears its cache
first; pg_prepared_statements tells which kind of plan the timed loop actually ran).

Figures are wall-clock in milliseconds on this machine; compare the ratios, not the absolutes, across
machines. Nothing here asserts a timing. A case whose first call takes over 100 ms is repeated
--slow-reps times (30) instead of --reps (200). --what-if adds EXPLAIN ANALYZE of the fixes proposed in
bench/README.md for the cases that need them (server time over 2 ms or no index).
"""

import argparse
import datetime as dt
import gc
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from sqlalchemy import event, select

from service.intake.workflow import CLOSED_STATES, OPEN_STATES

SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_URL = f"{SERVER}/relief_bench"
APP_CONFIG = {
    "SQLALCHEMY_DATABASE_URI": PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
    "SERVICE_ENV": "development",
    "LOG_LEVEL": "WARNING",
    "RATELIMIT_ENABLED": False,
}
TARGET_P95_MS = 20.0


@dataclass
class Case:
    key: str
    label: str
    who: str  # "window" | "county"
    filters: dict
    depth: int = 0  # pages to follow before the timed page
    page: int = 1
    statement: str = ""
    params: dict = field(default_factory=dict)
    service_ms: list = field(default_factory=list)
    sql_ms: list = field(default_factory=list)
    first_ms: list = field(default_factory=list)  # deep cases: their first page, timed in the same loop
    what_if: list = field(default_factory=list)
    items: int = 0
    plan: list = field(default_factory=list)
    generic_plan: list = field(default_factory=list)
    plan_use: str = ""


def cases(depth: int) -> list[Case]:
    dibao = {"intake": "dibao"}
    narrow = {"intake": "dibao", "urgent": True, "overdue": True}
    return [
        Case("a", "window: first page, unfiltered", "window", {}),
        Case("b", f"window: deep page, unfiltered (page {depth + 1})", "window", {}, depth),
        Case("c1", "window: first page, intake=dibao", "window", dibao),
        Case("c2", "window: first page, intake=dibao&urgent&overdue", "window", narrow),
        Case("c3", "window: first page, status=submitted", "window", {"status": ["submitted"]}),
        Case("c4", "window: first page, status=approved,rejected", "window",
             {"status": ["approved", "rejected"]}),
        Case("d", f"window: deep page, intake=dibao (page {depth + 1})", "window", dibao, depth),
        Case("e", "county: first page, all townships", "county", {}),
        Case("e2", f"county: deep page, all townships (page {depth + 1})", "county", {}, depth),
        Case("f", "county: first page, status=county_review", "county", {"status": ["county_review"]}),
        Case("g", "county: first page, status=approved", "county", {"status": ["approved"]}),
        Case("h", "county: first page, county_review&child_welfare&urgent&overdue", "county",
             {"status": ["county_review"], "intake": "child_welfare", "urgent": True, "overdue": True}),
    ]


class Capture:
    """Records the statements the engine sends while `on`."""

    def __init__(self, engine):
        self.on, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._hook)

    def _hook(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.on:
            self.statements.append((statement, dict(parameters or {})))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


def timed(fns, reps: int, warmup: int) -> list[list[float]]:
    """Calls the functions in turn, rep after rep, so that noise from a busy machine hits each alike."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    gc.collect()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(reps):
        for fn, out in zip(fns, samples, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return samples


def applications_access(plan: list[str]) -> str:
    """The plan node that reads `applications`, e.g. 'Index Scan using ix_applications_township_queue'."""
    for line in plan:
        m = re.search(r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)"
                      r"(?: Backward)?(?: using \w+)?) on applications\b", line)
        if m:
            access = m.group(1)
            if access.startswith("Bitmap Heap Scan"):
                bitmap = [re.search(r"Bitmap Index Scan on (\w+)", x) for x in plan]
                access += " via " + ", ".join(b.group(1) for b in bitmap if b)
            return access
    return "?"


def uses_index(access: str) -> bool:
    return ("Index" in access or "Bitmap" in access) and "Seq Scan" not in access


def execution_ms(plan: list[str]) -> float:
    return next((float(m.group(1)) for line in plan if (m := re.match(r"Execution Time: ([\d.]+) ms", line))),
                float("nan"))


def positional(statement: str, params: dict) -> tuple[str, list]:
    """%(name)s placeholders -> $1.. in order of first appearance, as psycopg numbers them."""
    names: list[str] = []

    def repl(m):
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", repl, statement), [params[n] for n in names]


def best_plan(pg, query, params=None, runs: int = 3) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) run `runs` times; the fastest, as the server's cost without the noise."""
    plans = [[r[0] for r in pg.execute(query, params)] for _ in range(runs)]
    return min(plans, key=execution_ms)


def explain(pg, statement: str, params: dict) -> tuple[list[str], list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) with the same parameters (custom plan), then the generic plan."""
    custom = best_plan(pg, "EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
    text, values = positional(statement, params)
    pg.execute(f"PREPARE bench_q AS {text}")
    pg.execute("SET plan_cache_mode = force_generic_plan")
    args = sql.SQL(", ").join(sql.Literal(v) for v in values)
    query = sql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q ({})").format(args)
    generic = best_plan(pg, query)
    pg.execute("RESET plan_cache_mode")
    pg.execute("DEALLOCATE bench_q")
    return custom, generic


def priority_bound(filters: dict) -> str | None:
    """The priority range the filters imply (0 urgent and open, 1 open, 2 closed), as proposed for list_queue."""
    statuses = set(filters.get("status") or OPEN_STATES)
    if statuses <= set(CLOSED_STATES):
        return "applications.priority = 2"
    if statuses <= set(OPEN_STATES):
        urgent = filters.get("urgent")
        return ("applications.priority < 2" if urgent is None else
                f"applications.priority = {0 if urgent else 1}")
    return None


def what_if(pg, case: Case) -> list[tuple[str, str, float]]:
    """EXPLAIN ANALYZE of the case's SQL as it is, with the priority bound its filters imply, with an
    index on (county_id, status, priority, queue_due, id), and with both; the index lives only inside a
    transaction that is rolled back, so relief_bench keeps the migrated schema."""
    bound = priority_bound(case.filters)
    bounded = case.statement.replace(" ORDER BY ", f" AND {bound} ORDER BY ", 1) if bound else None
    out = []

    def run(label, statement):
        plan = best_plan(pg, "EXPLAIN (ANALYZE, BUFFERS) " + statement, case.params)
        out.append((label, applications_access(plan), execution_ms(plan)))

    run("as list_queue emits it", case.statement)
    if bounded:
        run(f"+ AND {bound}", bounded)
    pg.execute("BEGIN")
    try:
        pg.execute("CREATE INDEX ix_whatif_county_status_queue "
                   "ON applications (county_id, status, priority, queue_due, id)")
        run("+ index (county_id, status, priority, queue_due, id)", case.statement)
        if bounded:
            run(f"+ index + AND {bound}", bounded)
    finally:
        pg.execute("ROLLBACK")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200, help="timed repetitions per case")
    parser.add_argument("--slow-reps", type=int, default=30,
                        help="repetitions for a case whose first call takes > 100 ms: it misses the target "
                             "whatever the count, and 200 of them keep a shared machine's cores busy for minutes")
    parser.add_argument("--wait-quiet", type=int, default=0, metavar="SECONDS",
                        help="first wait up to this long for the 1-minute load average to drop below 1.5")
    parser.add_argument("--warmup", type=int, default=30, help="untimed calls first (3 when a call > 100 ms)")
    parser.add_argument("--township", type=int, default=1, help="township id of the window clerk")
    parser.add_argument("--depth", type=int, default=50, help="pages to follow for the deep page")
    parser.add_argument("--limit", type=int, default=20, help="page size (the API default is 20)")
    parser.add_argument("--only", default="", help="comma-separated case keys (default: all)")
    parser.add_argument("--no-plans", action="store_true", help="skip printing the full plans")
    parser.add_argument("--what-if", action="store_true",
                        help="also EXPLAIN the proposed fixes (priority bound, county status index)")
    args = parser.parse_args(argv)

    deadline = time.monotonic() + args.wait_quiet
    while os.getloadavg()[0] >= 1.5 and time.monotonic() < deadline:
        time.sleep(5)

    from service import create_app
    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.extensions import db
    from service.intake.models import County
    from service.intake.queue import list_queue

    app = create_app(APP_CONFIG)
    with app.app_context():
        engine = db.engine
        capture = Capture(engine)
        county = db.session.scalars(select(County)).first()
        if county is None:
            sys.exit("relief_bench is empty: run bench/queue_generate.py first")
        today = dt.date.fromisoformat((county.settings or {}).get("bench_today") or str(dt.date.today()))
        users = {u.username: u for u in db.session.scalars(select(StaffUser))}
        actors = {"window": actor_of(users[f"bench_w{args.township:03d}"]),
                  "county": actor_of(users["bench_county"])}
        db.session.remove()
        pg = psycopg.connect(PG_URL, autocommit=True, prepare_threshold=None)  # for EXPLAIN only
        facts = pg.execute(
            "SELECT count(*), count(*) FILTER (WHERE township_id = %(t)s), "
            "count(*) FILTER (WHERE township_id = %(t)s AND priority < 2), "
            "count(*) FILTER (WHERE township_id = %(t)s AND priority < 2 AND intake = 'dibao') "
            "FROM applications", {"t": args.township}).fetchone()
        print(f"relief_bench: {facts[0]:,} applications; township {args.township}: {facts[1]:,} "
              f"({facts[2]:,} open, {facts[3]:,} open dibao); today={today}")
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}, "
              f"{pg.execute('SELECT version()').fetchone()[0].split(' on ')[0]}")
        print(f"reps={args.reps} (slow cases {args.slow_reps}) warmup={args.warmup} limit={args.limit}; "
              f"load average at start "
              f"{os.getloadavg()[0]:.2f}\n")

        def call(actor, filters):
            def service_call():
                list_queue(actor, filters, today=today)
                db.session.remove()  # as at the end of a request: the connection goes back to the pool
            return service_call

        selected = set(filter(None, args.only.split(",")))
        results: dict[str, Case] = {}
        for case in cases(args.depth):
            if selected and case.key not in selected:
                continue
            actor = actors[case.who]
            first_filters = {**case.filters, "limit": args.limit}
            filters = dict(first_filters)
            for _ in range(case.depth):  # follow next_cursor like a client paging down
                cursor = list_queue(actor, filters, today=today)["next_cursor"]
                db.session.remove()
                if cursor is None:
                    break
                filters["cursor"] = cursor
                case.page += 1
            capture.statements.clear()
            capture.on = True
            t0 = time.perf_counter()
            case.items = len(list_queue(actor, filters, today=today)["items"])
            slow = time.perf_counter() - t0 > 0.1
            capture.on = False
            db.session.remove()
            case.statement, case.params = next(
                (s, p) for s, p in capture.statements if "FROM applications" in s)

            def sql_alone(case=case):
                with engine.connect() as conn:
                    conn.exec_driver_sql(case.statement, case.params).fetchall()

            fns = [call(actor, filters), sql_alone]
            if case.depth:  # the first page of the same filters, timed in the same loop for the ratio
                fns.append(call(actor, first_filters))
            reps = args.slow_reps if slow else args.reps
            samples = timed(fns, reps, 3 if slow else args.warmup)
            case.service_ms, case.sql_ms = samples[0], samples[1]
            case.first_ms = samples[2] if case.depth else []
            with engine.connect() as conn:  # the pooled connection the loops used: which plan did it run?
                row = conn.exec_driver_sql(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %(s)s",
                    {"s": positional(case.statement, case.params)[0]}).fetchone()
                case.plan_use = (
                    f"a prepared statement ({row[0]} generic / {row[1]} custom plans)" if row else
                    "a custom plan every call (psycopg never prepared it: it drops its prepared "
                    "statements at each ROLLBACK, which the pool issues when a request ends)")
            case.plan, case.generic_plan = explain(pg, case.statement, case.params)
            if args.what_if and (execution_ms(case.plan) > 2 or not uses_index(applications_access(case.plan))):
                case.what_if = what_if(pg, case)
            results[case.key] = case
            p50, p95, p99 = percentiles(case.service_ms)
            print(f"[{case.key}] {case.label}: page {case.page}, {case.items} items, "
                  f"p50 {p50:.2f} / p95 {p95:.2f} / p99 {p99:.2f} ms; "
                  f"SQL alone p50 {percentiles(case.sql_ms)[0]:.2f} ms", flush=True)
        pg.close()
        print(f"load average at end {os.getloadavg()[0]:.2f} (other work on the machine adds noise)")

    report(results, args)


def report(results: dict, args) -> None:
    print("\n## Figures (ms)\n")
    print("| case | page | items | reps | p50 | p95 | p99 | SQL alone p50 | SQL alone p95 | server (best of 3) "
          "| service/SQL (p50) | deep/first (p50) | p95 < 20 ms | applications read by |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in results.values():
        p50, p95, p99 = percentiles(case.service_ms)
        s50, s95, _ = percentiles(case.sql_ms)
        deep = f"{p50 / percentiles(case.first_ms)[0]:.2f}" if case.first_ms else ""
        access = applications_access(case.plan)
        met = "yes" if p95 < TARGET_P95_MS else "NO"
        print(f"| {case.key} {case.label} | {case.page} | {case.items} | {len(case.service_ms)} | {p50:.2f} "
              f"| {p95:.2f} | {p99:.2f} | {s50:.2f} | {s95:.2f} | {execution_ms(case.plan):.2f} "
              f"| {p50 / s50:.1f} | {deep} | {met} | {access} |")
    what_ifs = [c for c in results.values() if c.what_if]
    if what_ifs:
        print("\n## What if (EXPLAIN ANALYZE server time, best of 3, ms; the index exists only inside a "
              "rolled-back transaction)\n")
        print("| case | variant | applications read by | server exec |")
        print("|---|---|---|---|")
        for case in what_ifs:
            for label, access, ms in case.what_if:
                print(f"| {case.key} | {label} | {access} | {ms:.2f} |")
    print("\n## Plans\n")
    for case in results.values():
        access, generic = applications_access(case.plan), applications_access(case.generic_plan)
        print(f"### [{case.key}] {case.label}")
        print(f"custom plan (EXPLAIN with the same parameters): {access} -> "
              f"{'index' if uses_index(access) else 'NO INDEX'}")
        print(f"generic plan (prepared statement): {generic} -> "
              f"{'index' if uses_index(generic) else 'NO INDEX'}; the timed loop ran {case.plan_use}")
        if not args.no_plans:
            print("\n" + case.statement + "\n" + repr(case.params) + "\n")
            print("\n".join(case.plan))
            if generic != access:
                print("\n-- generic plan --\n" + "\n".join(case.generic_plan))
        print()


if __name__ == "__main__":
    main()
