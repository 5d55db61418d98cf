"""What the doctor reports: one finding per check, at a level (ok, warning, problem) with what to do."""

import datetime as dt
from dataclasses import dataclass

HEARTBEAT_MAX_AGE = dt.timedelta(minutes=5)  # the worker beats every 15 s; a scan or a slow batch may delay it


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    fix: str = ""
    level: str = "ok"  # ok | warning | problem


def ok(check: str, message: str) -> Finding:
    return Finding(check, message)


def problem(check: str, message: str, fix: str) -> Finding:
    return Finding(check, message, fix, "problem")


def warning(check: str, message: str, fix: str) -> Finding:
    return Finding(check, message, fix, "warning")
