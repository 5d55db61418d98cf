"""One application: the resident's words, the classifier's route, masked identity, materials, history, actions.

Every step is services.act / services.claim / services.reveal_id_number: the same use cases as the API.
"""

from flask import abort, flash, redirect, render_template, request, url_for

from service.clock import today as beijing_today
from service.errors import Conflict, InvalidInput, NotFound
from service.intake import approval, approval_services, materials, materials_services, services
from service.intake import workflow as wf
from service.intake.procedures import INTAKES
from service.nlp import route as classify
from service.request_limits import bounded_int
from service.web import action_forms, casework_forms
from service.web.pages import INTAKE_SHORT, QUEUE_ROLES, bp, staff_page


def _route_view(detail: dict) -> dict:
    """The classifier's decision stored at intake; for older applications, computed now and said so."""
    stored = detail.get("route")
    if stored and stored.get("category"):
        return {**stored, "stored": True, "label": INTAKE_SHORT.get(stored["category"], stored["category"]),
                "chosen_label": INTAKE_SHORT.get(stored.get("chosen") or "", None)}
    decision = classify(detail["description"]).to_dict()
    return {**decision, "stored": False, "label": INTAKE_SHORT.get(decision["category"], decision["category"]),
            "chosen_label": None}


def _render(actor, detail: dict, *, status: int = 200, errors: dict | None = None, open_action: str | None = None,
            values=None, revealed: str | None = None, revealed_phone: str | None = None, problem: str | None = None,
            material_errors: dict | None = None, material_open: int | None = None, casework: dict | None = None):
    route = _route_view(detail)
    # 补正 offers only what is still owed and ticks every required item owed (一次性告知)
    requested = {m["name"] for m in detail["materials"] if m["status"] == "requested"} | set(detail["missing_materials"])
    missing_choices = [m["name"] for m in detail["materials"] if m["status"] not in materials.SETTLED]
    approving = any(a["action"] == "approve" for a in detail["allowed_actions"])
    form = approval_services.approval_form(actor, detail["case_no"]) if approving else None
    return render_template(
        "detail.html", d=detail, route=route,
        words=action_forms.highlight(detail["description"], route.get("keywords") or []),
        actions=action_forms.ordered(detail["allowed_actions"]), inputs=action_forms.ACTION_INPUTS,
        danger=action_forms.DANGER, history_labels=action_forms.HISTORY_LABELS, missing_choices=missing_choices,
        requested=requested, other_intakes=[i for i in INTAKES if i != detail["intake"]],
        can_reveal=actor.role in wf.CASEWORKERS, can_claim=actor.role in wf.CASEWORKERS
        and detail["assigned_to"] is None and detail["status"] in wf.OPEN_STATES,
        errors=errors or {}, open_action=open_action, values=values or {}, revealed=revealed,
        revealed_phone=revealed_phone, problem=problem, next_month=wf.first_payable_month(detail["intake"], beijing_today()),
        approval_form=form, approval_lines=approval.history_lines, material_statuses=materials.STATUSES,
        platforms=materials.PLATFORMS, material_errors=material_errors or {}, material_open=material_open,
        cw=casework_forms.context(actor, detail, casework or {}),
    ), status


render_detail = _render  # the casework forms re-render the page with their errors through this


@bp.route("/applications/<case_no>")
@staff_page(*QUEUE_ROLES)
def application(case_no, actor):
    return _render(actor, services.detail(actor, case_no))


def _version() -> int:
    try:
        return bounded_int(request.form["version"])
    except (KeyError, ValueError):
        abort(400)


@bp.route("/applications/<case_no>/actions/<action>", methods=["POST"])
@staff_page("window", "county")
def act(case_no, action, actor):
    if action not in wf.ACTIONS:
        abort(404)
    version = _version()
    params = action_forms.params_from_form(action, request.form)
    try:
        result = services.act(actor, case_no, action, params, version)
    except InvalidInput as exc:
        fields = exc.fields or {"_": [exc.message]}
        return _render(actor, services.detail(actor, case_no), status=422, errors=fields, open_action=action,
                       values=request.form)
    except Conflict as exc:  # a stale page or a step someone else took meanwhile
        return _render(actor, services.detail(actor, case_no), status=409, problem=exc.message)
    flash(f"已完成：{wf.ACTION_LABELS[action]}。申请人将收到通知：{result['applicant_message']}", "ok")
    return redirect(url_for("web.application", case_no=result["case_no"]))


@bp.route("/applications/<case_no>/materials/<int:material_id>", methods=["POST"])
@staff_page("window", "county")
def mark_material(case_no, material_id, actor):
    """One checklist item: received, waived with a reason, looked up on a platform, or undone (audited)."""
    body = {k: request.form.get(k, "") for k in ("status", "reason", "platform")}
    try:
        materials_services.mark_material(actor, case_no, material_id, body, remote_addr=request.remote_addr)
    except InvalidInput as exc:
        return _render(actor, services.detail(actor, case_no), status=422, values=request.form,
                       material_errors=exc.fields or {"_": [exc.message]}, material_open=material_id)
    except (Conflict, NotFound) as exc:
        return _render(actor, services.detail(actor, case_no), status=exc.status, problem=exc.message)
    flash("已记录材料核对结果", "ok")
    return redirect(url_for("web.application", case_no=case_no) + "#materials-title")


@bp.route("/applications/<case_no>/claim", methods=["POST"])
@staff_page("window", "county")
def claim(case_no, actor):
    try:
        result = services.claim(actor, case_no, _version())
    except Conflict as exc:
        return _render(actor, services.detail(actor, case_no), status=409, problem=exc.message)
    flash("已认领，此申请由您负责办理", "ok")
    return redirect(url_for("web.application", case_no=result["case_no"]))


@bp.route("/applications/<case_no>/file/<field>", methods=["POST"])
@staff_page("window", "county")
def review_file(case_no, field, actor):
    """与档案不同: confirm the application's value into the applicant's file, or reject it (audited)."""
    decision = request.form.get("decision", "")
    try:
        services.review_file_difference(actor, case_no, field, decision, remote_addr=request.remote_addr)
    except (InvalidInput, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        return _render(actor, services.detail(actor, case_no), status=status, problem=_reason(exc))
    flash("已确认，申请人档案已更新" if decision == "confirm" else "已记录：不采用，档案不变", "ok")
    return redirect(url_for("web.application", case_no=case_no))


@bp.route("/applications/<case_no>/followers/<int:follower_id>/remove", methods=["POST"])
@staff_page("window", "county")
def remove_follower(case_no, follower_id, actor):
    try:
        services.remove_follower(actor, case_no, follower_id, remote_addr=request.remote_addr)
    except (Conflict, NotFound) as exc:
        return _render(actor, services.detail(actor, case_no), status=exc.status, problem=exc.message)
    flash("已移除该微信的关注，此后的通知不再发给它", "ok")
    return redirect(url_for("web.application", case_no=case_no))


def _reason(exc) -> str:
    return "；".join(m for msgs in (exc.fields or {}).values() for m in msgs) or exc.message


@bp.route("/applications/<case_no>/reveal-id", methods=["POST"])
@staff_page(*QUEUE_ROLES, "auditor")  # the use case refuses and audits the roles that may not see it
def reveal_id(case_no, actor):
    # Audited by the use case, granted or refused; shown once in this response, never kept in the session.
    revealed = services.reveal_id_number(actor, case_no, request.remote_addr)
    return _render(actor, services.detail(actor, case_no), revealed=revealed["id_number"] or "（未登记身份证号）",
                   revealed_phone=revealed["phone"])
