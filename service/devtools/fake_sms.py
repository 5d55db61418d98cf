"""A local fake SMS gateway: POST /sms/send {"phone", "text", "idempotency_key"} -> {"ok": true, "id"}.

Records every request (.received, GET /_fake/received) and dedupes nothing, so tests can see
repeats by idempotency_key. Failures are scripted like the WeChat fake: fail(errcode=...) answers
HTTP 400 {"ok": false, "error": "rejected", "code": errcode}; http_status, delay and down as there.
Standalone: `python -m service.devtools.fake_sms --port 8802`.
"""

from __future__ import annotations

import argparse
import re
import threading
from typing import Any

from .fake_http import FailRule, FakeServer, Outcome, Request

PHONE = re.compile(r"1\d{10}")
MAX_TEXT = 500


class FakeSMSGateway(FakeServer):
    ROUTES = {("POST", "/sms/send"): "send"}

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self._next_id = 0
        self._id_lock = threading.Lock()

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Accepted messages only, as sent."""
        return [r["json"] for r in self.received if r["status"] == 200]

    def scripted_error(self, rule: FailRule) -> Outcome:
        return Outcome(400, {"ok": False, "error": "rejected", "code": rule.errcode})

    def handle_send(self, req: Request) -> Outcome:
        data = req.json
        if not isinstance(data, dict):
            return Outcome(400, {"ok": False, "error": "body must be a JSON object"})
        phone, text, key = data.get("phone"), data.get("text"), data.get("idempotency_key")
        if not isinstance(phone, str) or not PHONE.fullmatch(phone):
            return Outcome(400, {"ok": False, "error": "invalid phone"})
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            return Outcome(400, {"ok": False, "error": "invalid text"})
        if not isinstance(key, str) or not key:
            return Outcome(400, {"ok": False, "error": "idempotency_key required"})
        with self._id_lock:
            self._next_id += 1
            sms_id = f"sms-{self._next_id}"
        return Outcome(200, {"ok": True, "id": sms_id})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local fake SMS gateway.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8802)
    args = parser.parse_args(argv)
    FakeSMSGateway(args.host, args.port).serve_until_interrupted("fake SMS gateway on {url}; Ctrl-C stops")


if __name__ == "__main__":
    main()
