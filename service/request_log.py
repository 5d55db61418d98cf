"""Structured logs: one JSON line per request with a request id, and no personal data."""

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request

from service import redaction

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(redaction.redact_value(getattr(record, "fields", {})))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = redaction.redact(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    redaction.install()
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(redaction.PersonalDataFilter())
        root.handlers = [handler]
    root.setLevel(level)
    # SQLAlchemy's statement log prints result rows (names, phones, the resident's words) at DEBUG: never
    # inherited from LOG_LEVEL; an engineer who needs it raises this logger on purpose.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def install(app: Flask) -> None:
    log = logging.getLogger("service.request")

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        # The route template, not the path: paths carry case numbers and query strings carry phone numbers.
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        log.info("request", extra={"fields": {
            "request_id": g.get("request_id"), "method": request.method, "route": route,
            "status": response.status_code, "ms": round((time.perf_counter() - g.get("started", 0)) * 1000, 1),
            "staff_id": g.get("staff_id"),
        }})
        return response
