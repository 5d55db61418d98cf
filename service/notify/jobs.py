"""The clock-driven jobs the worker runs every NOTIFY_SCAN_SECONDS, registered per app at the root
(create_app registers the overdue apologies, chat reminders, housekeeping and staff digests), so the
worker imports none of them. Each job is idempotent: any number of workers may run it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

EXTENSION = "periodic_jobs"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[dt.datetime, dt.datetime], object]  # (now: naive UTC, local: Beijing time)


def register(app: Flask, name: str, run: Callable[[dt.datetime, dt.datetime], object]) -> None:
    """Add a job to the app's scan, after those registered before it."""
    app.extensions.setdefault(EXTENSION, []).append(PeriodicJob(name, run))


def registered(app: Flask) -> list[PeriodicJob]:
    return list(app.extensions.get(EXTENSION, ()))
