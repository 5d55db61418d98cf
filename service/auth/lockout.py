"""Log-in back-off that a guesser cannot turn against staff: wrong passwords are counted per account and
address (every log-in door shares the count, every worker sees it), and the whole account is locked only
when wrong passwords come from many addresses. Unknown user names are counted exactly like real ones, so
the answers tell a guesser nothing about which accounts exist."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from service.attempts import counters


class Budget:
    def __init__(self, username: str, address: str | None):
        config = current_app.config
        self.max_failures, self.minutes = config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"]
        self.max_addresses = config["LOGIN_LOCK_ADDRESSES"]
        self.window = dt.timedelta(minutes=self.minutes)
        self.store = counters()
        account = username[:60]
        self.pair_key = f"login:pair:{account}|{address or '-'}"[:200]
        self.addresses_key, self.lock_key = f"login:addresses:{account}", f"login:lock:{account}"
        self.used = 0

    def reserve(self) -> bool:
        """Count this attempt; True when it must be refused without looking at the password."""
        if self.store.peek(self.lock_key) > 0:
            return True
        self.used = self.store.hit(self.pair_key, self.window)
        return self.used > self.max_failures

    def failed(self) -> str | None:
        """A wrong password (or unknown user): the audit outcome when it locked something, else None."""
        if self.used == 1:  # this address's first failure in the window: one more address guessing
            if self.store.hit(self.addresses_key, self.window) >= self.max_addresses:
                self.store.hit(self.lock_key, self.window)
                return "locked_account"
        if self.used == self.max_failures:
            return "locked_now"  # this address is paused for the account (outcome column: 20 chars)
        return None

    def succeeded(self) -> None:
        self.store.clear(self.pair_key)

    def locked_message(self) -> str:
        return f"连续输错密码次数过多，账号已锁定，请 {self.minutes} 分钟后再试"


def is_locked(username: str) -> bool:
    """Whether wrong passwords from many addresses have locked the whole account."""
    return counters().peek(f"login:lock:{username[:60]}") > 0


def unlock(username: str) -> None:
    """An administrator's reset or re-enable: the account-wide lock, its address count and every address's
    back-off for the account end."""
    store = counters()
    store.clear(f"login:lock:{username[:60]}")
    store.clear(f"login:addresses:{username[:60]}")
    store.clear_prefix(f"login:pair:{username[:60]}|")
