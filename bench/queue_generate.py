"""Load a synthetic county into PostgreSQL for the window-queue benchmark (bench/queue_bench.py).

    .venv/bin/python bench/queue_generate.py --rows 1000000 [--reset]

One county, 100 townships of ~10 villages, a window clerk per township plus a county reviewer, an
operator and an admin, ~0.9*N applicants and N applications spread over five years. Statuses, intakes,
urgency and deadlines follow realistic proportions; priority and queue_due follow the model's rules
(service/intake/services.py::_set_clock). Materials and events are not generated: the queue never reads
them.

The database is `relief_bench` (never `test`, whose schema the test suite drops). It is created when
missing and migrated with flask_migrate.upgrade exactly as tests/conftest.py does. The whole load is one
transaction: TRUNCATE, drop the secondary indexes, COPY ... FREEZE, recreate the same indexes (their DDL
is read back from pg_indexes first), setval the sequences, commit; then VACUUM ANALYZE. Foreign-key
triggers are skipped during COPY (session_replication_role = replica) and the references are checked
with anti-joins afterwards instead. The date the deadlines are spread around is kept in the county's
settings as `bench_today`, so that bench/queue_bench.py counts overdue from the same day.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from array import array
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = str(ROOT / "migrations")
SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DB_NAME = "relief_bench"
PG_URL = f"{SERVER}/{DB_NAME}"
SQLALCHEMY_URL = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
APP_CONFIG = {
    "SQLALCHEMY_DATABASE_URI": SQLALCHEMY_URL,
    "SERVICE_ENV": "development",
    "LOG_LEVEL": "WARNING",
    "RATELIMIT_ENABLED": False,
}
STAFF_PASSWORD = "bench2026"
COUNTY_CODE, COUNTY_NAME = "349901", "基准县"
NO_DEADLINE = dt.date(9999, 12, 31)  # service.intake.deadlines.NO_DEADLINE

TOWN_CHARS = "临韩孙百铁双古杨柳马桥新安青龙河集庄南北东西五四高王李刘陈张黄白石岗湖山"
VILLAGE_CHARS = "前后上下大小东西南北新老王李张刘陈杨赵周吴徐朱胡郭何林罗宋楼圩庄集湾寨店岭沟"
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏"
GIVEN = ("秀英 桂兰 建国 德明 玉梅 国强 春花 志刚 淑珍 永华 海燕 长林 金凤 福全 翠英 小军 明亮 红霞 "
         "文 静 强 伟 芳 娜 敏 丽 军 杰 磊 勇 艳 涛 超 霞 平 刚 桂英 玉兰 秀兰 凤英 德胜 宝山").split()

OPEN_WEIGHTS = {"submitted": 20, "awaiting_materials": 12, "accepted": 18, "investigating": 25,
                "public_notice": 10, "county_review": 15}
CLOSED_WEIGHTS = {"approved": 58, "rejected": 20, "referred": 9, "withdrawn": 13}
OPEN_STATES = tuple(OPEN_WEIGHTS)
INTAKE_WEIGHTS = {"temporary_relief": 45, "dibao": 40, "child_welfare": 15}
URGENT_RATE = {"temporary_relief": 0.08, "dibao": 0.02, "child_welfare": 0.06}  # ~5.3% overall
SCHEMES = {"dibao": ("dibao", "dibao", "dibao", "tekun", "dibao_edge"),
           "temporary_relief": ("expenditure",),
           "child_welfare": ("orphan", "de_facto_unsupported", "child_in_difficulty", None)}
CHANNELS = ("hotline",) * 5 + ("wechat",) * 3 + ("window",) * 2
VERSIONS = {"submitted": (1, 2), "awaiting_materials": (2, 3), "accepted": (2, 3), "investigating": (3, 4),
            "public_notice": (4, 5), "county_review": (4, 6), "approved": (5, 7), "rejected": (3, 7),
            "referred": (2, 3), "withdrawn": (2, 4)}
REJECT_REASONS = ("家庭人均收入高于本县低保标准", "家庭拥有营运车辆", "经调查不符合临时救助条件",
                  "申请人未按期补正材料", "已纳入其他救助，不重复救助")
REFERRALS = ("县人社局劳动保障监察大队（0561-6012345）", "县医保局", "县残联", "县教育局学生资助中心")
DESCRIPTIONS = (
    "昨晚家里失火，房子烧了一半，老人孩子没地方住", "老伴突发脑溢血在县医院抢救，押金交不起",
    "孩子上大学学费凑不齐，家里就靠我打零工", "做手术花了八万多，报销后还欠四万",
    "车祸后腿断了干不了活，家里断了收入", "俺家老汉瘫在床上好几年了，俺一个人种二亩地，想申请低保",
    "我今年七十多了，无儿无女，想吃低保", "丈夫去世，两个孩子上学，收入很低",
    "残疾人，没有劳动能力，申请低保",
    "家里三口人都有慢性病，每月药费上千", "邻居家孩子一个人在家好几天了，爹妈都不在",
    "孩子父母都去世了，跟着爷爷奶奶过", "娃他爹重残，他妈改嫁了，娃没人管", "冬天取暖没钱，老人怕冷",
    "房子漏雨塌了一间，没钱修", "孩子白血病化疗，花了二十多万",
)


def log(message: str) -> None:
    print(message, flush=True)


def ensure_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            log(f"created database {DB_NAME}")


def migrate_and_hash() -> str:
    """Migrate relief_bench like tests/conftest.py does; return the hash the app stores for STAFF_PASSWORD."""
    from flask_migrate import upgrade

    from service import create_app
    from service.auth.services import hash_password
    from service.extensions import db

    app = create_app(APP_CONFIG)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        password_hash = hash_password(STAFF_PASSWORD)
        db.engine.dispose()
    return password_hash


def luhn(digits: str) -> str:
    """The check digit of service.intake.case_numbers (verified against is_well_formed below)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def workday_table(today: dt.date) -> dict[int, dt.date]:
    """Offset in calendar days -> the first official working day on or after today+offset."""
    from service.intake.workdays import OFFICIAL

    is_workday = OFFICIAL.is_workday

    table = {}
    for offset in range(-90, 91):
        day = today + dt.timedelta(days=offset)
        while not is_workday(day):
            day += dt.timedelta(days=1)
        table[offset] = day
    return table


class Places:
    def __init__(self, rng: random.Random, townships: int, password_hash: str, now: dt.datetime,
                 today: dt.date):
        settings = {"hotline": "0561-12345", "office_hours": "工作日 8:30-12:00，14:30-17:30",
                    "bench_today": today.isoformat()}  # bench/queue_bench.py counts overdue from this date
        self.county = (1, COUNTY_CODE, COUNTY_NAME, json.dumps(settings, ensure_ascii=False))
        pairs = [a + b for a in TOWN_CHARS for b in TOWN_CHARS if a != b]
        self.townships = [(i, 1, f"{COUNTY_CODE}{i:03d}", name + ("镇" if i % 3 else "乡"))
                          for i, name in enumerate(rng.sample(pairs, townships), start=1)]
        village_pairs = [a + b for a in VILLAGE_CHARS for b in VILLAGE_CHARS if a != b]
        self.villages, self.village_township = [], [0]  # village id -> township id (index 0 unused)
        self.villages_of: dict[int, list[int]] = {}
        for tid, _county, code, _name in self.townships:
            for k, name in enumerate(rng.sample(village_pairs, rng.randint(8, 12)), start=1):
                self.villages.append((len(self.villages) + 1, tid, f"{code}{k:03d}", name + "村"))
                self.village_township.append(tid)
                self.villages_of.setdefault(tid, []).append(len(self.villages))
        self.staff = []
        self.clerk_of = {}  # township id -> window clerk id
        for tid, *_ in self.townships:
            self.clerk_of[tid] = len(self.staff) + 1
            self.staff.append(self._staff(f"bench_w{tid:03d}", "window", rng, tid, password_hash, now))
        others = (("bench_county", "county"), ("bench_hotline", "operator"), ("bench_admin", "admin"))
        for username, role in others:
            self.staff.append(self._staff(username, role, rng, None, password_hash, now))
        self.county_reviewer, self.operator = len(self.staff) - 2, len(self.staff) - 1

    def _staff(self, username, role, rng, township_id, password_hash, now):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return (len(self.staff) + 1, username, name, password_hash, role, 1, township_id, True, 0, None, 0,
                now)


def plan_applicants(rng: random.Random, rows: int, places: Places) -> tuple[array, array]:
    """Per application its applicant id; per applicant (index id-1) its village. ~10% apply again."""
    app_applicant, applicant_village = array("i"), array("i")
    for i in range(rows):
        if i > 1000 and rng.random() < 0.10:
            app_applicant.append(rng.randint(1, len(applicant_village)))
        else:
            township = rng.randint(1, len(places.townships))  # townships alike, whatever their village count
            applicant_village.append(rng.choice(places.villages_of[township]))
            app_applicant.append(len(applicant_village))
    return app_applicant, applicant_village


def created_at(i: int, rows: int, start: dt.datetime, span_s: float, rng: random.Random) -> dt.datetime:
    slot = span_s / rows
    return start + dt.timedelta(seconds=slot * i + rng.random() * slot)


class ApplicationRows:
    """Builds one applications row at a time; open ones get deadlines around today, some overdue."""

    def __init__(self, rng, places: Places, today: dt.date, rows: int):
        self.rng, self.places, self.today, self.rows = rng, places, today, rows
        self.open_pairs: set[tuple[int, str]] = set()
        self.workday = workday_table(today)
        self.intakes, self.intake_w = list(INTAKE_WEIGHTS), list(INTAKE_WEIGHTS.values())
        self.open_s, self.open_w = list(OPEN_WEIGHTS), list(OPEN_WEIGHTS.values())
        self.closed_s, self.closed_w = list(CLOSED_WEIGHTS), list(CLOSED_WEIGHTS.values())
        self.routes = {
            intake: [json.dumps({"category": intake, "confidence": c, "keywords": [], "urgent": False},
                                ensure_ascii=False) for c in (0.52, 0.78, 0.91, 0.97)]
            for intake in INTAKE_WEIGHTS
        }

    def status(self, i: int) -> str:
        age = 1 - i / self.rows  # 0 = newest: recent applications are more often still open (mean ~40%)
        if self.rng.random() < 0.1 + 0.9 * (1 - age) ** 2:
            return self.rng.choices(self.open_s, self.open_w)[0]
        return self.rng.choices(self.closed_s, self.closed_w)[0]

    def deadline(self, urgent: bool, status: str) -> dt.date:
        rng = self.rng
        if status == "public_notice":
            return self.today + dt.timedelta(days=rng.randint(0, 7))  # 7 calendar days from its start
        if urgent:
            offset = rng.randint(-4, 3)  # urgent cases are due the same day or within days
        elif rng.random() < 0.2:
            offset = rng.randint(-30, -1)  # overdue
        else:
            offset = rng.randint(0, 21 if status != "county_review" else 15)
        return self.workday[offset]

    def row(self, i: int, applicant_id: int, village_id: int, created: dt.datetime) -> tuple:
        rng, today = self.rng, self.today
        intake = rng.choices(self.intakes, self.intake_w)[0]
        urgent = rng.random() < URGENT_RATE[intake]
        status = self.status(i)
        if status == "public_notice" and intake == "child_welfare":
            status = "investigating"  # child welfare is never publicly noticed
        if status in OPEN_STATES and (applicant_id, intake) in self.open_pairs:
            status = "withdrawn"  # the database keeps one open application per applicant and intake
        open_ = status in OPEN_STATES
        if open_:
            self.open_pairs.add((applicant_id, intake))
        township_id = self.places.village_township[village_id]
        clerk = self.places.clerk_of[township_id]
        channel = rng.choice(CHANNELS)
        scheme = "emergency" if intake == "temporary_relief" and urgent else rng.choice(SCHEMES[intake])
        opened = created.date()
        step = final = paused_step = paused_final = resume = accepted_on = decided_on = None
        amount = first_month = aid = reason = referred = None
        if status == "awaiting_materials":
            resume = rng.choice(("submitted", "accepted", "investigating"))
            paused_step = rng.randint(0, 10)
            paused_final = rng.randint(5, 25) if resume != "submitted" else None
        elif open_:
            step = self.deadline(urgent, status)
            if status != "submitted":
                final = step + dt.timedelta(days=rng.randint(7, 30))
        if status not in ("submitted", "withdrawn", "referred") and not (
                status == "awaiting_materials" and resume == "submitted"):
            accepted_on = min(today, opened + dt.timedelta(days=rng.randint(0, 3)))
        if status in ("approved", "rejected"):
            decided_on = min(today, opened + dt.timedelta(days=rng.randint(10, 45)))
        if status == "approved":
            amount = {"dibao": rng.randint(30, 90) * 10, "child_welfare": rng.randint(50, 150) * 10,
                      "temporary_relief": rng.randint(5, 50) * 100}[intake]
            first_month = f"{decided_on:%Y-%m}" if intake != "temporary_relief" else None
        elif status == "rejected":
            reason = rng.choice(REJECT_REASONS)
        elif status == "referred":
            referred = rng.choice(REFERRALS)
        paid_aid = intake == "temporary_relief" and urgent and status not in ("submitted", "withdrawn")
        if paid_aid and rng.random() < 0.6:
            aid = rng.randint(3, 10) * 100
        assigned = clerk if status != "submitted" and rng.random() < 0.6 else None
        if status == "county_review" and rng.random() < 0.5:
            assigned = self.places.county_reviewer
        created_by = {"hotline": self.places.operator, "window": clerk, "wechat": None}[channel]
        route = rng.choice(self.routes[intake]) if channel != "window" else None
        lo, hi = VERSIONS[status]
        updated = created + dt.timedelta(hours=rng.randint(1, 24 * 20)) if status != "submitted" else created
        case_body = f"{opened.year % 100:02d}{(i * 73939133 + 12345) % 10**8:08d}"  # bijection: unique
        return (
            i + 1, case_body + luhn(case_body), intake, scheme, channel, rng.choice(DESCRIPTIONS),
            urgent, status, (0 if urgent else 1) if open_ else 2, step, final, step or NO_DEADLINE,
            paused_step, paused_final, resume, 1, township_id, village_id, applicant_id, rng.randint(1, 6),
            assigned, created_by, route, amount, first_month, aid, reason, referred, accepted_on,
            decided_on, created, updated, rng.randint(lo, hi),
        )


APPLICATION_COLUMNS = (
    "id, case_no, intake, scheme, channel, description, urgent, status, priority, step_deadline, "
    "final_deadline, queue_due, paused_step_remaining, paused_final_remaining, resume_status, "
    "county_id, township_id, village_id, applicant_id, household_size, assigned_to_id, created_by_id, "
    "route, approved_amount, first_month, emergency_aid_amount, decision_reason, referred_to, "
    "accepted_on, decided_on, created_at, updated_at, version"
)


STAFF_COLUMNS = ("id, username, display_name, password_hash, role, county_id, township_id, active, "
                 "failed_logins, locked_until, session_epoch, created_at")


def secondary_indexes(cur, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX ...) of the indexes that back no constraint, exactly as migrated."""
    return cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
        "AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
        "ORDER BY i.indexname", (list(tables),)
    ).fetchall()


def load(conn, args, password_hash: str) -> dict:
    rng = random.Random(args.seed)
    today = args.today
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    timings = {}
    cur = conn.cursor()
    tables = [r[0] for r in cur.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
    cur.execute("SET LOCAL session_replication_role = replica")  # skip FK triggers; checked after commit
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    indexes = secondary_indexes(cur, ("applications", "applicants"))
    for name, _ddl in indexes:
        cur.execute(f'DROP INDEX "{name}"')

    places = Places(rng, args.townships, password_hash, now, today)
    for table, columns, rows in (
        ("counties", "id, code, name, settings", [places.county]),
        ("townships", "id, county_id, code, name", places.townships),
        ("villages", "id, township_id, code, name", places.villages),
        ("staff_users", STAFF_COLUMNS, places.staff),
    ):
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    start = dt.datetime.combine(today - dt.timedelta(days=365 * args.years), dt.time(0, 30))
    span_s = (dt.datetime.combine(today, dt.time(0, 30)) - start).total_seconds()  # newest: today 00:30 UTC
    t0 = time.perf_counter()
    app_applicant, applicant_village = plan_applicants(rng, args.rows, places)
    first_app = array("i", [0]) * len(applicant_village)
    for i in range(args.rows - 1, -1, -1):
        first_app[app_applicant[i] - 1] = i
    with cur.copy("COPY applicants (id, name, phone, village_id, created_at, "
                  "id_number_encrypted, id_number_hash) FROM STDIN (FREEZE)") as copy:
        for k, village in enumerate(applicant_village):
            applicant_id = k + 1
            name, phone = rng.choice(SURNAMES) + rng.choice(GIVEN), f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            rng.random()  # was the WeChat binding (now application_followers); kept so the data stays the same
            copy.write_row((applicant_id, name, phone, village,
                            created_at(first_app[k], args.rows, start, span_s, rng), None, None))
    timings["applicants_copy_s"] = time.perf_counter() - t0
    log(f"  {len(applicant_village):,} applicants copied in {timings['applicants_copy_s']:.1f} s")

    t0 = time.perf_counter()
    builder = ApplicationRows(rng, places, today, args.rows)
    with cur.copy(f"COPY applications ({APPLICATION_COLUMNS}) FROM STDIN (FREEZE)") as copy:
        for i in range(args.rows):
            applicant_id = app_applicant[i]
            village = applicant_village[applicant_id - 1]
            created = created_at(i, args.rows, start, span_s, rng)
            copy.write_row(builder.row(i, applicant_id, village, created))
            if i and i % 200_000 == 0:
                log(f"  {i:,} applications ...")
    timings["applications_copy_s"] = time.perf_counter() - t0
    log(f"  {args.rows:,} applications copied in {timings['applications_copy_s']:.1f} s")

    t0 = time.perf_counter()
    for _name, ddl in indexes:
        cur.execute(ddl)
    timings["indexes_s"] = time.perf_counter() - t0
    log(f"  {len(indexes)} secondary indexes rebuilt in {timings['indexes_s']:.1f} s")
    for table in ("counties", "townships", "villages", "staff_users", "applicants", "applications"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
    return timings


FK_CHECKS = (
    ("applications.applicant_id", "applications a LEFT JOIN applicants p ON p.id = a.applicant_id "
                                  "WHERE p.id IS NULL"),
    ("applications.village_id", "applications a LEFT JOIN villages v ON v.id = a.village_id "
                                "WHERE a.village_id IS NOT NULL "
                                "AND (v.id IS NULL OR v.township_id <> a.township_id)"),
    ("applications.assigned_to_id", "applications a LEFT JOIN staff_users s ON s.id = a.assigned_to_id "
                                    "WHERE a.assigned_to_id IS NOT NULL AND s.id IS NULL"),
    ("applications.created_by_id", "applications a LEFT JOIN staff_users s ON s.id = a.created_by_id "
                                   "WHERE a.created_by_id IS NOT NULL AND s.id IS NULL"),
    ("applications priority/queue_due rule", "applications a WHERE a.priority <> CASE WHEN a.status IN "
     "('submitted','awaiting_materials','accepted','investigating','public_notice','county_review') "
     "THEN CASE WHEN a.urgent THEN 0 ELSE 1 END ELSE 2 END "
     "OR a.queue_due <> coalesce(a.step_deadline, DATE '9999-12-31')"),
)


def report(conn, args) -> None:
    for label, source in FK_CHECKS:
        bad = conn.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        if bad:
            sys.exit(f"consistency check failed: {bad} rows break {label}")
    from service.intake.case_numbers import is_well_formed

    sample = [r[0] for r in conn.execute("SELECT case_no FROM applications TABLESAMPLE SYSTEM (0.1)")]
    if not all(is_well_formed(c) for c in sample):
        sys.exit("consistency check failed: a case number does not pass service.intake.case_numbers")
    log("  references, case numbers and the priority/queue_due rule checked: all consistent")
    stats = conn.execute(
        "SELECT count(*), avg((status IN ('approved','rejected','referred','withdrawn'))::int), "
        "avg(urgent::int), avg((priority < 2 AND queue_due < %s)::int) / nullif(avg((priority < 2)::int), 0) "
        "FROM applications", (args.today,)
    ).fetchone()
    per_township = conn.execute(
        "SELECT min(n), max(n) FROM (SELECT count(*) n FROM applications GROUP BY township_id) t").fetchone()
    sizes = conn.execute(
        "SELECT pg_size_pretty(pg_total_relation_size('applications')), "
        "pg_size_pretty(pg_relation_size('applications'))").fetchone()
    log(f"  {stats[0]:,} applications: {stats[1]:.1%} closed, {stats[2]:.1%} urgent, {stats[3]:.1%} of open "
        f"overdue on {args.today}; {per_township[0]:,}-{per_township[1]:,} per township; "
        f"table {sizes[1]}, with indexes {sizes[0]}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="applications (default 1,000,000)")
    parser.add_argument("--townships", type=int, default=100)
    parser.add_argument("--years", type=int, default=5, help="created_at spread over this many years")
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="the date deadlines are spread around (default: today in Beijing)")
    parser.add_argument("--reset", action="store_true", help="truncate every table first (on a loaded db)")
    args = parser.parse_args(argv)
    if args.today is None:
        from service.clock import today

        args.today = today()

    started = time.perf_counter()
    ensure_database()
    password_hash = migrate_and_hash()
    with psycopg.connect(PG_URL) as conn:
        existing = conn.execute("SELECT count(*) FROM applications").fetchone()[0]
        if existing and not args.reset:
            sys.exit(f"{DB_NAME} already holds {existing:,} applications: pass --reset to reload")
    log(f"loading {args.rows:,} applications over {args.townships} townships into {DB_NAME} "
        f"(today={args.today})")
    t0 = time.perf_counter()
    with psycopg.connect(PG_URL) as conn:  # one transaction: all of it lands or none of it
        load(conn, args, password_hash)
    loaded = time.perf_counter()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        log(f"  VACUUM (ANALYZE) in {time.perf_counter() - loaded:.1f} s; load to analyzed: "
            f"{time.perf_counter() - t0:.1f} s")
        report(conn, args)
    log(f"done in {time.perf_counter() - started:.1f} s (migrate + load + commit + vacuum); staff password "
        f"'{STAFF_PASSWORD}', window clerks bench_w001..bench_w{args.townships:03d}, reviewer bench_county")


if __name__ == "__main__":
    main()
