"""Operating the service: the worker's heartbeat, `flask doctor` and the /metrics endpoint."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.ops import heartbeat as _heartbeat  # noqa: F401  (table for Alembic)
    from service.ops import metrics

    metrics.init_app(app)
