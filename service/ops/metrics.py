"""/metrics in Prometheus' text format, for the county's monitoring and nobody else.

Two kinds of figure:
- events counted where they happen (WeChat callbacks by type and outcome, routing decisions by scheme,
  request latency by route template). gunicorn runs several worker processes, each counting its own, so
  with PROMETHEUS_MULTIPROC_DIR set (scripts/run.sh, the systemd unit) prometheus_client writes them to
  files in that folder and a scrape adds every process's up;
- state read from the database at scrape time (applications by intake and state, overdue, the outbox,
  the worker's heartbeat): shared by all processes already, so whichever process answers gives the truth.

Access: only addresses in METRICS_ALLOW (default 127.0.0.1) or a request carrying METRICS_TOKEN as a
Bearer token; anyone else gets the ordinary 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from service.config import ConfigError
from service.telemetry import CALLBACKS, EVENTS, LATENCY, METHODS


def init_app(app: Flask) -> None:
    app.extensions["metrics_allow"] = _networks(app.config.get("METRICS_ALLOW", "127.0.0.1"))
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _metrics)


def _networks(spec: str) -> list:
    try:
        return [ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()]
    except ValueError as exc:
        raise ConfigError(f"METRICS_ALLOW must list addresses or networks (10.0.0.0/8), got {spec!r}: {exc}") from None


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    route = request.url_rule.rule if request.url_rule else "<unmatched>"  # templates, never paths
    method = request.method if request.method in METHODS else "other"
    LATENCY.labels(method, route).observe(time.perf_counter() - started)
    if request.endpoint == "wechat.receive" and response.status_code >= 400:
        CALLBACKS.labels("unverified" if response.status_code < 500 else "unknown",
                         "refused" if response.status_code < 500 else "error").inc()
    return response


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    if not current_app.config.get("PROXY_HOPS") and request.headers.get("X-Forwarded-For"):
        return False  # a proxy we were not told about: remote_addr is the proxy's, not the caller's
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.extensions["metrics_allow"])


def _metrics():
    if not _allowed():
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        sources = [registry]
    else:
        sources = [EVENTS, registry]
    registry.register(DatabaseFigures())
    body = b"".join(generate_latest(source) for source in sources)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], headers={"Cache-Control": "no-store"})


class DatabaseFigures:
    """State the database holds, read once per scrape (one grouped query each)."""

    def describe(self):
        return []

    def collect(self):
        from service.extensions import db

        up = GaugeMetricFamily("relief_database_up", "1 when the database answered this scrape")
        try:
            families = list(self._read(db.session))
        except SQLAlchemyError:
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self, session):
        from service.clock import today, utcnow
        from service.intake.models import Application
        from service.notify.heartbeat import WorkerHeartbeat
        from service.notify.models import DEAD, UNSETTLED, Notification

        apps = GaugeMetricFamily("relief_applications", "Applications by intake and state",
                                 labels=["intake", "status"])
        for intake, status, count in session.execute(
                select(Application.intake, Application.status, func.count()).group_by(Application.intake,
                                                                                       Application.status)):
            apps.add_metric([intake, status], count)
        yield apps
        overdue = session.scalar(select(func.count()).select_from(Application).where(
            Application.priority < 2, Application.queue_due < today()))
        yield GaugeMetricFamily("relief_applications_overdue", "Open applications past their step's deadline",
                                value=overdue)
        outbox = GaugeMetricFamily("relief_outbox_notifications", "Notices waiting (pending, sending) or given up "
                                   "(dead)", labels=["status"])
        counts = dict(session.execute(select(Notification.status, func.count())
                                      .where(Notification.status.in_((*UNSETTLED, DEAD))).group_by(Notification.status)).all())
        for status in (*UNSETTLED, DEAD):
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox
        now = utcnow()
        oldest = session.scalar(select(func.min(Notification.created_at)).where(Notification.status.in_(UNSETTLED)))
        yield GaugeMetricFamily("relief_outbox_oldest_pending_age_seconds", "Age of the oldest notice not yet sent "
                                "(0 when none waits)", value=(now - oldest).total_seconds() if oldest else 0.0)
        beat = session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
        yield GaugeMetricFamily("relief_worker_heartbeat_age_seconds", "Seconds since a notification worker last "
                                "said it was alive (+Inf: never)",
                                value=max(0.0, (now - beat).total_seconds()) if beat else float("inf"))
