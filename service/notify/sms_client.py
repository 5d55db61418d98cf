"""Adapter for the SMS gateway's one call: send(phone, text, idempotency_key) -> message id."""

from __future__ import annotations

import json
import logging

import requests

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10.0)
_RETRYABLE_STATUS = {408, 425, 429}


class SMSError(Exception):
    transient = False

    def __init__(self, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


class SMSTransientError(SMSError):
    """Timeout, connection trouble, 5xx or throttling: retry later with the same idempotency_key."""

    transient = True


class SMSPermanentError(SMSError):
    """The gateway refused this message (bad number, bad text): retrying will not help."""


class SMSClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ):
        self.url = base_url.rstrip("/") + "/sms/send"
        self.timeout = timeout
        self.session = session or requests.Session()

    def send(self, phone: str, text: str, idempotency_key: str) -> str:
        body = json.dumps(
            {"phone": phone, "text": text, "idempotency_key": idempotency_key}, ensure_ascii=False
        ).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            resp = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise SMSTransientError("timeout") from None
        except requests.RequestException as exc:
            raise SMSTransientError(type(exc).__name__) from None
        if resp.status_code >= 500 or resp.status_code in _RETRYABLE_STATUS:
            raise SMSTransientError(f"HTTP {resp.status_code}", http_status=resp.status_code)
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code >= 400 or not isinstance(data, dict) or not data.get("ok"):
            reason = data.get("error") if isinstance(data, dict) else "unreadable answer"
            # the key, not the phone number, identifies the message in logs
            log.warning("sms %s refused: HTTP %s %s", idempotency_key, resp.status_code, reason)
            raise SMSPermanentError(f"refused: {reason}", http_status=resp.status_code)
        return str(data.get("id", ""))
