"""CPU time and SQL statements per /wechat message kind, in one process: where the load benchmark's cores go.

    .venv/bin/python bench/wechat_cost.py --db sqlite|postgres [--residents 150] [--profile]

Prepares a fresh database exactly as bench/wechat_load.py does (PostgreSQL: `relief_bench_wechat`, never
`test`), then replays the same resident conversations through the Flask test client (no HTTP, no gunicorn,
no second process), interleaving residents as the load run does. For each message kind it reports the CPU
time of this process (time.process_time, so other jobs on the machine barely move it) and the SQL
statements executed; GET /livez and GET /healthz (one `SELECT 1`) are the floors. --profile adds a cProfile
(CPU clock) of the /wechat messages, by own time and by cumulative time. --db-cpu (PostgreSQL on this host)
adds the CPU of the database backend per request kind, read from /proc in clock ticks (10 ms), so only its
average over many requests means anything.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wechat_load as W  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--residents", type=int, default=150)
    parser.add_argument("--floor-requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--db-cpu", action="store_true", help="PostgreSQL on this host: also the CPU of the "
                        "database backends per request kind (/proc, clock ticks: an average over many requests)")
    parser.add_argument("--profile-dump", metavar="FILE", default="", help="with --profile: also write the raw "
                        "cProfile stats there (pstats.Stats(FILE) to read callers and callees)")
    parser.add_argument("--show", metavar="KIND", action="append", default=[],
                        help="list the SQL statements of the first message of this kind (e.g. submit, field)")
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="relief_bench_wechat")
    parser.add_argument("--redis", default="", metavar="URL", help="REDIS_URL for the app, as production sets it "
                        "(deploy/relief.env.example): the WeChat dedupe and replay cache then live in Redis, not in "
                        "the database; e.g. redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="wechat_cost_"))
    try:
        database_url = W.prepare_database(args, workdir)
        env = W.server_env(database_url, args.redis)
        with (workdir / "setup.log").open("w") as log:
            W.migrate_and_seed(env, log)
        os.environ.update(env)
        print(measure(args, database_url))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def measure(args, database_url: str) -> str:
    from sqlalchemy import create_engine, event
    from wechat_floor import create_app  # the real app plus the floor's /parse and /floor

    from service.extensions import db

    app = create_app()
    client = app.test_client()
    statements: collections.Counter = collections.Counter()
    current = ["setup"]
    shown: dict[str, list[str]] = {kind: [] for kind in args.show}  # the first message of each kind asked for
    first_of_kind = {kind: True for kind in args.show}

    def counted(conn, cursor, statement, *rest):
        statements.update([current[0]])
        if first_of_kind.get(current[0]):
            shown[current[0]].append(" ".join(statement.split())[:150])

    backends: set[int] = set()  # this process's PostgreSQL backends (one pool, one thread: usually one)
    db_cpu: collections.Counter = collections.Counter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counted)
        if args.db_cpu and args.db == "postgres":
            event.listen(db.engine, "checkout", lambda conn, *_: backends.add(conn.info.backend_pid))
    engine = create_engine(database_url)
    floors = {"POST /parse": W.floor_requests("/parse", 200, args.floor_requests)}
    if args.db == "postgres":  # the floor's SQL is PostgreSQL's; its 4 statements go to the driver, uncounted here
        W.floor_conversations(engine, 200)
        floors["POST /floor"] = W.floor_requests("/floor", 200, 2 * args.floor_requests)
    rng = random.Random(args.seed)
    residents = W.build_residents("cost", args.residents, rng, W.People(rng), W.village_names(engine))
    engine.dispose()
    cpu: collections.Counter = collections.Counter()
    count: collections.Counter = collections.Counter()

    def timed(kind: str, call) -> None:
        current[0] = kind
        db_started = backend_seconds(backends)
        started = time.process_time()
        response = call()
        cpu[kind] += time.process_time() - started
        db_cpu[kind] += backend_seconds(backends) - db_started
        count[kind] += 1
        if first_of_kind.get(kind):
            first_of_kind[kind] = False
        if response.status_code != 200:
            raise SystemExit(f"{kind}: HTTP {response.status_code} {response.get_data(as_text=True)[:200]}")

    for path in ("/livez", "/healthz"):
        for _ in range(args.floor_requests):
            timed("GET " + path, lambda p=path: client.get(p))

    def post(raw: bytes):
        head, _, body = raw.partition(b"\r\n\r\n")
        path, _, query = head.split(b" ")[1].decode().partition("?")
        return client.post(path, query_string=query, data=body, content_type="text/xml")

    def run_floor(half: int) -> None:  # half of the floor requests before the dialogue mix, half after
        for kind, raws in floors.items():
            for raw in raws[half::2]:
                timed(kind, lambda raw=raw: post(raw))

    run_floor(0)

    profile = cProfile.Profile(time.process_time) if args.profile else None
    if profile:
        profile.enable()
    active = list(residents)
    while active:  # one message from each resident in turn, as many residents talk at once in the load run
        for resident in list(active):
            step = resident.steps[resident.pos]
            timed(step.kind, lambda raw=step.raw: post(raw))
            resident.pos += 1
            if resident.pos == len(resident.steps):
                active.remove(resident)
    if profile:
        profile.disable()
    run_floor(1)
    wechat = [k for k in count if not k.startswith(("GET ", "POST "))]
    total_n = sum(count[k] for k in wechat)
    shows_db = bool(backends)
    lines = [f"{args.db}: CPU of this process and SQL statements per request ({total_n} /wechat messages)", "",
             f"{'request':16} {'n':>6} {'CPU ms':>8} {'SQL':>6}" + (f" {'DB CPU ms':>10}" if shows_db else "")]
    for kind in sorted(count, key=lambda k: cpu[k] / count[k]):
        lines.append(f"{kind:16} {count[kind]:6d} {cpu[kind] / count[kind] * 1000:8.2f} "
                     f"{statements[kind] / count[kind]:6.1f}" + (f" {db_cpu[kind] / count[kind] * 1000:10.2f}" if shows_db else ""))
    mix_ms = sum(cpu[k] for k in wechat) / total_n * 1000
    lines.append(f"{'all /wechat':16} {total_n:6d} {mix_ms:8.2f} {sum(statements[k] for k in wechat) / total_n:6.1f}"
                 + (f" {sum(db_cpu[k] for k in wechat) / total_n * 1000:10.2f}" if shows_db else ""))
    if count["POST /floor"]:
        floor_ms = cpu["POST /floor"] / count["POST /floor"] * 1000
        lines += ["", f"CPU per message ÷ /floor's, this process: all /wechat {mix_ms / floor_ms:.2f}, "
                      + ", ".join(f"{k} {cpu[k] / count[k] * 1000 / floor_ms:.2f}" for k in ("field", "submit") if count[k])]
    for kind, listed in shown.items():
        lines += ["", f"statements of the first {kind} ({len(listed)}):", *(f"  {i:2d}. {x}" for i, x in enumerate(listed, 1))]
    if profile:
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream)
        if args.profile_dump:
            stats.dump_stats(args.profile_dump)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(60)
        lines += ["", stream.getvalue()]
    return "\n".join(lines)


def backend_seconds(pids: set[int]) -> float:
    """User + system CPU of these PostgreSQL backends so far (/proc/PID/stat, in clock ticks)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # a backend that has gone
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
