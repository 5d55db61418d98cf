"""The port the worker sends through, and the outcomes it understands.

An adapter (wechat_sender.WeChatSender, sms_sender.SMSSender, chosen at the root) takes one `Outgoing`
message and either returns (sent; WeChat's msgid where there is one) or raises `SendFailed` with what
the worker should do next. The protocol's own error codes stay inside the adapter:

- RETRY: transient trouble; try again with back-off, up to the retry budget;
- SLOW_DOWN: the platform's quota, not the notice; pause the account's sends (`brief`: a minute's
  quota) and try again without counting the attempt;
- FALLBACK: this recipient cannot be reached this way; send it by SMS when there is a phone;
- DEAD: retrying will not help; dead-letter with the reason for staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

RETRY, SLOW_DOWN, FALLBACK, DEAD = "retry", "slow_down", "fallback", "dead"
OUTCOMES = (RETRY, SLOW_DOWN, FALLBACK, DEAD)


@dataclass(frozen=True)
class Outgoing:
    """One message for one recipient. `key` is the notice's idempotency key (a repeat is dropped)."""

    channel: str  # wechat_template | wechat_cs | sms
    key: str
    text: str = ""
    openid: str | None = None
    phone: str | None = None
    template_id: str | None = None
    fields: dict = field(default_factory=dict)
    url: str | None = None


class SendFailed(Exception):
    """A send that did not go through, as the worker sees it."""

    def __init__(self, outcome: str, reason: str, *, brief: bool = False):
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason  # Chinese, for staff; never a phone number, openid or message text
        self.brief = brief  # SLOW_DOWN only: the quota resets within the minute


class Sender(Protocol):
    def send(self, message: Outgoing) -> int | None:
        """Send `message`; returns WeChat's msgid (None for other channels). Raises SendFailed."""
