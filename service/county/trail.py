"""Administration's audit rows: who changed what, with what it was before and after. Written in the
change's own transaction (service.auth.audit), so a change and its record land together or not at all."""

from __future__ import annotations

import getpass

from service.auth import audit
from service.auth.actor import Actor
from service.errors import Forbidden

ADMIN = "admin"


def command_line_user() -> str:
    """The shell account running a `flask` command, for rows no staff member wrote."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


def record_change(by: Actor | None, event: str, target_type: str, target_id: str | None, *, before, after,
                  remote_addr: str | None = None) -> None:
    details = {"before": before, "after": after}
    if by is None:
        details["via"] = f"命令行（{command_line_user()}）"
    audit.record(event, by.id if by else None, target_type, target_id, "granted", remote_addr, details=details)


def check_admin(by: Actor | None, county_id: int) -> None:
    """The command line (by=None) or the county's own administrator; nobody else administers."""
    if by is not None and (by.role != ADMIN or by.county_id != county_id):
        raise Forbidden("只有本县的系统管理员可以进行此操作")
