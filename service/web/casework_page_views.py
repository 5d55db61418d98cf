"""The case page's 家庭成员 and 入户调查 forms: save the household, reveal a member's ID number (audited),
record an investigation. Each posts to one use case, the same as /api/v1/applications/<case_no>/…"""

from flask import flash, redirect, request, url_for

from service.errors import Conflict, InvalidInput
from service.intake import household_services, investigation_services, services
from service.web import casework_forms as forms
from service.web.detail_views import render_detail
from service.web.pages import bp, staff_page


def _again(actor, case_no: str, status: int, **state):
    return render_detail(actor, services.detail(actor, case_no), status=status, casework=state)


@bp.route("/applications/<case_no>/household", methods=["POST"])
@staff_page("window", "county")
def save_household(case_no, actor):
    """Add, edit and remove members in one save (the use case replaces the household whole)."""
    # the 本人 row's name box is left blank on the page (the applicant's name is masked there): blank keeps it
    current = household_services.get_household(actor, case_no)["members"]
    self_names = {str(m["id"] or ""): m["name"] for m in current if m["relation"] == "self"}
    payload, version, positions, errors = forms.household_from_form(request.form, self_names)
    rows = forms.posted_member_rows(request.form)
    if errors:
        return _again(actor, case_no, 422, hh_errors=errors, member_rows=rows, area=payload["area"])
    try:
        saved = household_services.save_household(actor, case_no, payload, version)
    except InvalidInput as exc:
        fields = forms.nested_errors(exc.fields or {"household": [exc.message]}, {"members": ("m", positions)})
        return _again(actor, case_no, 422, hh_errors=fields, member_rows=rows, area=payload["area"])
    except Conflict as exc:  # a stale page, or a member the investigation still names
        return _again(actor, case_no, 409, hh_errors={"household": [exc.message]}, member_rows=rows,
                      area=payload["area"])
    flash(f"已保存家庭成员 {len(saved['members'])} 人（计入 {saved['counted_members']} 人）", "ok")
    return redirect(url_for("web.application", case_no=case_no) + "#household-title")


@bp.route("/applications/<case_no>/household/members/<int:member_id>/reveal-id", methods=["POST"])
@staff_page("window", "county")
def reveal_member_id(case_no, member_id, actor):
    # audited by the use case, granted or refused; shown once in this response, never kept in the session
    revealed = household_services.reveal_member_id_number(actor, case_no, member_id, request.remote_addr)
    return _again(actor, case_no, 200, revealed_member={"id": revealed["member_id"],
                                                         "id_number": revealed["id_number"] or "（未登记身份证号）"})


@bp.route("/applications/<case_no>/investigations", methods=["POST"])
@staff_page("window", "county")
def record_investigation(case_no, actor):
    payload, incomes_at, assets_at, errors = forms.investigation_from_form(request.form)
    if errors:
        return _again(actor, case_no, 422, inv_errors=errors, inv_values=request.form)
    try:
        investigation_services.record_investigation(actor, case_no, payload)
    except InvalidInput as exc:
        fields = forms.nested_errors(exc.fields or {"investigation": [exc.message]},
                                     {"incomes": ("inc", incomes_at), "assets": ("ast", assets_at)})
        return _again(actor, case_no, 422, inv_errors=fields, inv_values=request.form)
    except Conflict as exc:  # not accepted yet, or closed
        return _again(actor, case_no, 409, inv_errors={"investigation": [exc.message]}, inv_values=request.form)
    flash("已登记入户调查记录", "ok")
    return redirect(url_for("web.application", case_no=case_no) + "#investigation-title")

