"""审计日志: the audit trail for the county's auditor, filterable by event and user name."""

from flask import render_template, request

from service.auth import audit
from service.request_limits import bounded_int
from service.web.pages import bp, require_staff


@bp.route("/audit")
@require_staff(audit.AUDITOR, refusal="审计日志只有审计员可以查看")
def audit_log(actor):
    event = request.args.get("event") or None
    event = event if event in audit.EVENT_LABELS else None
    username = (request.args.get("username") or "").strip()[:40] or None
    listing = audit.list_audit(actor, event=event, username=username, before_id=request.args.get("before", type=bounded_int))
    return render_template("audit.html", listing=listing, events=audit.EVENT_LABELS, event=event,
                           username=username or "")
