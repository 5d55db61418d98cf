"""The doctor's database checks: reachable, migrated, the key opens what it encrypted, a county that can take
a call (townships, villages, the accounts it needs), a worker alive, nothing waiting dead in the outbox.

Accounts a county needs (each active): a window clerk (applications land in a township's queue), a county
reviewer (decides what townships send up), an administrator (accounts, places, settings) and an auditor
(等保 keeps the audit trail apart from administration). Warnings: no hotline operator (calls can still be
logged by window and county staff), a township without its own window clerk (county reviewers must take
its steps).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.config import DATABASE_POOL_SIZE
from service.ops.findings import HEARTBEAT_MAX_AGE, Finding, ok, problem, warning

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
NEEDED_ROLES = ("window", "county", "admin", "auditor")


def check_database(config: dict, *, now: dt.datetime | None = None) -> list[Finding]:
    url = config["SQLALCHEMY_DATABASE_URI"]
    found = []
    if url.startswith("sqlite"):
        found.append(problem("DATABASE_URL", "SQLite: one writer at a time, no pg_dump backups",
                             "set DATABASE_URL=postgresql://user:password@host/dbname"))
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=connect_args)
    try:
        with Session(engine) as session:
            try:
                session.execute(text("SELECT 1"))
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
                return found + [problem("database", f"unreachable ({type(exc).__name__}: {reason})",
                                        "check DATABASE_URL, that PostgreSQL is running, and its user and password")]
            found.append(ok("database", f"reachable ({engine.dialect.name})"))
            if engine.dialect.name == "postgresql":
                found.append(_connections(session, config))
            migrated = _migrations(session)
            found.append(migrated)
            if migrated.level != "ok":
                return found  # the tables below may not exist yet
            found += _field_key(session, config)
            found += _county(session, config)
            found.append(_heartbeat(session, now or _utcnow()))
            found += _outbox(session, config)
    finally:
        engine.dispose()
    if config.get("REDIS_URL"):
        found.append(_redis(config["REDIS_URL"]))
    return found


def _connections(session: Session, config: dict) -> Finding:
    """Each process holds at most its pool (no overflow, service/config.py), a gunicorn worker no more than one
    connection per thread; the notification worker and a command run beside the workers."""
    pool = (config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_size", DATABASE_POOL_SIZE)
    workers = int(os.environ.get("GUNICORN_WORKERS") or (os.cpu_count() or 1) * 2)  # deploy/gunicorn.conf.py's default
    per_worker = min(pool, int(os.environ.get("GUNICORN_THREADS") or 32))  # deploy/gunicorn.conf.py's default
    wanted = workers * per_worker + 2 * pool
    allowed = int(session.execute(text("SHOW max_connections")).scalar_one())
    if wanted <= allowed:
        return ok("connections", f"PostgreSQL max_connections {allowed} ≥ {wanted} this node may open")
    return warning("connections", f"this node may open {wanted} connections ({workers} workers × {per_worker} "
                   f"+ 2 × {pool} for the notice worker and a command) but PostgreSQL allows {allowed} "
                   "(max_connections), other nodes not counted",
                   "raise max_connections in postgresql.conf, or lower DATABASE_POOL_SIZE / GUNICORN_WORKERS")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _migrations(session: Session) -> Finding:
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(MigrationContext.configure(session.connection()).get_current_heads())
    if current == heads:
        return ok("migrations", f"at the latest revision ({', '.join(sorted(heads))})")
    where = ", ".join(sorted(current)) or "an empty database"
    return problem("migrations", f"database at {where}, code at {', '.join(sorted(heads))}",
                   "run: .venv/bin/flask --app service db upgrade")


def _field_key(session: Session, config: dict) -> list[Finding]:
    from service.intake.models import Applicant
    from service.intake.protection import FieldProtector

    sample = session.scalars(select(Applicant.id_number_encrypted)
                             .where(Applicant.id_number_encrypted.is_not(None)).limit(1)).first()
    if sample is None:
        return []
    try:
        FieldProtector(config["FIELD_ENCRYPTION_KEY"]).decrypt(sample)
    except ValueError:
        return [problem("FIELD_ENCRYPTION_KEY", "does not decrypt the ID numbers stored in this database",
                        "use the key this database was written with (a restored backup needs its own key)")]
    return [ok("FIELD_ENCRYPTION_KEY", "decrypts the stored ID numbers")]


def _county(session: Session, config: dict) -> list[Finding]:
    from service.auth.models import ROLE_LABELS, StaffUser
    from service.intake.models import County, Township, Village

    code = config["COUNTY_CODE"]
    county = session.scalars(select(County).where(County.code == code)).first()
    if county is None:
        others = session.scalars(select(County.code)).all()
        fix = (f"set COUNTY_CODE to your county's code ({', '.join(others)} is in the database)" if others else
               f"run: .venv/bin/flask --app service county init --code {code} --name 县名 (or set COUNTY_CODE)")
        return [problem("county", f"no county {code} (COUNTY_CODE) in the database", fix)]
    found = [ok("county", f"{county.code} {county.name}")]
    villages = dict(session.execute(select(Township.name, func.count(Village.id))
                                    .outerjoin(Village, Village.township_id == Township.id)
                                    .where(Township.county_id == county.id).group_by(Township.name)).all())
    import_fix = "run: .venv/bin/flask --app service divisions import FILE.csv (columns code,name[,lat,lng])"
    if not villages:
        found.append(problem("divisions", "no townships or villages", import_fix))
    elif empty := sorted(t for t, n in villages.items() if n == 0):
        found.append(problem("divisions", f"townships without villages: {'、'.join(empty)} (applications need a "
                                          "village)", "add their villages to the CSV and import it again"))
    else:
        found.append(ok("divisions", f"{len(villages)} townships, {sum(villages.values())} villages"))
    staff = session.execute(select(StaffUser.role, StaffUser.township_id).where(
        StaffUser.county_id == county.id, StaffUser.active.is_(True))).all()
    roles = {role for role, _ in staff}
    missing = [r for r in NEEDED_ROLES if r not in roles]
    if missing:
        found.append(problem("accounts", "no active " + ", ".join(f"{r} ({ROLE_LABELS[r]})" for r in missing) +
                             " account", "run: .venv/bin/flask --app service staff add USERNAME --role ROLE "
                                         "--name 姓名 [--township 乡镇] for each"))
    else:
        found.append(ok("accounts", f"{len(staff)} active: " + ", ".join(sorted(roles))))
    if "operator" not in roles:
        found.append(warning("accounts", "no hotline operator (operator): window and county staff log calls",
                             "add one if the county runs a hotline: staff add USERNAME --role operator --name 姓名"))
    served = {t for role, t in staff if role == "window"}
    unserved = session.scalars(select(Township.name).where(Township.county_id == county.id,
                                                           Township.id.not_in(served or {-1}))).all()
    if unserved and "window" in roles:
        found.append(warning("accounts", f"townships without a window clerk: {'、'.join(sorted(unserved))}",
                             "their applications wait for county staff; add window accounts with --township"))
    found.append(_template(county, config))
    return found


def _template(county, config: dict) -> Finding:
    notify = (county.settings or {}).get("notify") or {}
    ids = [config.get("NOTIFY_TEMPLATE_ID"), (notify.get("wechat") or {}).get("template_id")]
    ids += [((k or {}).get("wechat") or {}).get("template_id") for k in (notify.get("kinds") or {}).values()]
    if any(ids):
        return ok("notice template", "a WeChat template ID is set")
    return warning("notice template", "no WeChat template ID: every applicant notice goes by SMS",
                   "set NOTIFY_TEMPLATE_ID, or the template ID on the admin page 县设置 → 通知模板")


def _heartbeat(session: Session, now: dt.datetime) -> Finding:
    from service.notify.heartbeat import WorkerHeartbeat

    latest = session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    fix = "start it: .venv/bin/flask --app service notify worker (and keep it running under systemd)"
    if latest is None:
        return problem("notification worker", "has never run against this database: no notice would be sent", fix)
    age = now - latest
    if age > HEARTBEAT_MAX_AGE:
        return problem("notification worker", f"last heartbeat {int(age.total_seconds())} s ago: it has stopped",
                       fix + "; its log says why it stopped")
    return ok("notification worker", f"alive ({int(age.total_seconds())} s ago)")


def _outbox(session: Session, config: dict) -> list[Finding]:
    from service.notify.models import DEAD, Notification

    dead = session.scalar(select(func.count()).select_from(Notification).where(Notification.status == DEAD))
    if dead:
        return [warning("notifications", f"{dead} notice(s) could not be delivered (dead)",
                        "see .venv/bin/flask --app service notify dead, fix the cause, then notify retry ID")]
    return []


def _redis(url: str) -> Finding:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return problem("REDIS_URL", f"unreachable ({type(exc).__name__})", "start Redis or correct REDIS_URL")
    return ok("REDIS_URL", "reachable")
