"""Operating the service: `flask doctor` and the /metrics endpoint (both read the notification worker's
heartbeat, service.notify.heartbeat)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.ops import metrics

    metrics.init_app(app)
