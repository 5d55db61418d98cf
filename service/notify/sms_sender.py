"""The SMS adapter of the sender port (sender.py): one text through the gateway client (sms_client.py).
A gateway that is down, slow or throttling means RETRY under the same idempotency key; a refusal
(bad number, bad text) means DEAD with the reason."""

from __future__ import annotations

from service.notify.models import SMS
from service.notify.sender import DEAD, RETRY, Outgoing, SendFailed
from service.notify.sms_client import SMSClient, SMSError


class SMSSender:
    channels = (SMS,)

    def __init__(self, client: SMSClient):
        self.client = client

    def send(self, message: Outgoing) -> None:
        if message.channel != SMS:
            raise ValueError(f"not the SMS channel: {message.channel}")
        try:
            self.client.send(message.phone, message.text, message.key)
        except SMSError as exc:
            raise failure(exc) from exc
        return None


def describe(exc: SMSError) -> str:
    kind = "短信网关暂时不可用" if exc.transient else "短信网关拒收"
    status = f"（HTTP {exc.http_status}）" if exc.http_status else ""
    return f"{kind}{status}：{str(exc)[:80]}"


def failure(exc: SMSError) -> SendFailed:
    return SendFailed(RETRY if exc.transient else DEAD, describe(exc))
