"""The hotline call form: typed while listening, the classifier pre-fills the intake, one keystroke submits.

Submitting calls opening.open_application, as POST /api/v1/calls does, with the classifier's decision and
the operator's choice stored on the application (route JSON) so its accuracy can be measured later.
"""

from flask import abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from service import telemetry
from service.errors import Conflict, InvalidInput
from service.extensions import db
from service.intake import opening, procedures
from service.intake.models import Township
from service.nlp import route as classify
from service.request_limits import bounded_int
from service.web.pages import CALL_ROLES, bp, staff_page

FIELDS = ("phone", "name", "id_number", "village_id", "description", "intake", "urgent", "household_size")


def _villages(actor) -> list[dict]:
    townships = db.session.scalars(
        select(Township).where(Township.county_id == actor.county_id).order_by(Township.id)).all()
    # A window clerk mostly registers residents of the own township: list it first.
    townships.sort(key=lambda t: t.id != actor.township_id)
    return [{"name": t.name, "villages": [(v.id, v.name) for v in t.villages]} for t in townships]


def _form(actor, *, values=None, errors=None, problem=None, status=200):
    return render_template(
        "call.html", values=values or {}, errors=errors or {}, problem=problem, townships=_villages(actor),
        intakes=procedures.LABELS,
    ), status


def route_record(description: str, chosen: str | None) -> dict:
    """What the classifier said and what the operator chose, kept on the application."""
    decision = classify(description)
    telemetry.routed("hotline", decision.category, "staff_form")
    return {
        "category": decision.category, "confidence": round(decision.confidence, 4),
        "keywords": list(decision.keywords), "urgent": decision.urgent, "chosen": chosen, "source": "staff_web",
    }


def _payload(form) -> tuple[dict, dict]:
    """The use case's payload from the form, plus the shape errors the API's schema would have reported."""
    errors: dict[str, list[str]] = {}
    payload = {
        "phone": form.get("phone", "").strip(), "name": form.get("name", "").strip(),
        "id_number": form.get("id_number", "").strip() or None, "description": form.get("description", "").strip(),
        "intake": form.get("intake") or None, "urgent": form.get("urgent") == "1",
    }
    try:
        payload["village_id"] = bounded_int(form.get("village_id") or 0)
    except ValueError:
        payload["village_id"] = 0
    size = form.get("household_size", "").strip()
    payload["household_size"] = None
    if size:
        if size.isdigit() and 1 <= int(size) <= 30:
            payload["household_size"] = int(size)
        else:
            errors["household_size"] = ["家庭人口应为 1 到 30 之间的整数"]
    if len(payload["description"]) < 2:
        errors["description"] = ["请记录来电人反映的情况（至少 2 个字）"]
    elif len(payload["description"]) > 4000:
        errors["description"] = ["最多 4000 个字"]
    if len(payload["name"]) > 40:
        errors["name"] = ["最多 40 个字"]
    return payload, errors


@bp.route("/calls/new")
@staff_page(*CALL_ROLES)
def new_call(actor):
    return _form(actor)


@bp.route("/calls", methods=["POST"])
@staff_page(*CALL_ROLES)
def log_call(actor):
    payload, errors = _payload(request.form)
    values = {k: request.form.get(k, "") for k in FIELDS}
    route = route_record(payload["description"], payload["intake"]) if not errors.get("description") else None
    if route and not payload["intake"] and route["category"] in procedures.LABELS:
        payload["intake"] = route["category"]  # "按系统建议" kept: the classifier's intake is the choice
        route["chosen"] = route["category"]
    if payload["intake"] is None:
        errors.setdefault("intake", ["系统无法判断救助类别，请人工选择"])
    if errors:
        return _form(actor, values=values, errors=errors, status=422)
    channel = "hotline" if actor.role == "operator" else "window"
    try:
        result = opening.open_application(actor, payload, channel=channel, route=route)
    except InvalidInput as exc:
        return _form(actor, values=values, errors=exc.fields or {}, problem=exc.message, status=422)
    except Conflict as exc:
        return _form(actor, values=values, problem=exc.message, status=409)
    # Kept for the next page only (post/redirect/get): a refresh there cannot log the call twice.
    session["last_call"] = {"case_no": result["case_no"], "intake": result["intake"],
                            "township": result["township"], "message": result["applicant_message"]}
    return redirect(url_for("web.call_logged", case_no=result["case_no"]))


@bp.route("/calls/<case_no>")
@staff_page(*CALL_ROLES)
def call_logged(case_no, actor):
    last = session.get("last_call")
    if not last or last["case_no"] != case_no:
        abort(404)
    spoken = " ".join([case_no[:2], case_no[2:6], case_no[6:10], case_no[10:]])
    return render_template("call_done.html", last=last, spoken=spoken)
