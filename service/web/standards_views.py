"""救助标准: the county's standards versions for county staff and the admin — see them, add one.

Every step is service.intake.standards_services, the same use cases as /api/v1/county/standards.
"""

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for

from service.errors import Conflict, InvalidInput
from service.intake import standards as st
from service.intake import standards_services
from service.intake.household_terms import INCOME_LABELS
from service.web.pages import bp, staff_page

# the form's sections, in the order a county's document lists them
GROUPS = [
    ("低保标准", ["rural_monthly", "urban_monthly", "basis"]),
    ("收入计算", ["employment_deduction"]),
    ("财产限额", ["deposit_months", "car_value_limit", "max_homes", "commercial_property_allowed"]),
    ("补差与低保边缘", ["floor_per_person", "edge_multiple", "taper_months"]),
    ("特困人员", ["tekun_multiple", "tekun_yearly", *[k for k in st.FIELDS if k.startswith("care_yearly.")]]),
    ("临时救助", [k for k in st.FIELDS if k.startswith("relief_multiples.")]),
]


def _flat(version: dict) -> dict:
    """A version as the form's fields: nested groups as dotted names, None as an empty box."""
    values = {}
    for key in st.FIELDS:
        group, _, sub = key.partition(".")
        value = version[group][sub] if sub else version.get(key)
        values[key] = "" if value is None else value
    values["exempt_kinds"] = list(version["exempt_kinds"])
    return values


def _from_form(form) -> dict:
    """The use case's payload from the form: every box as typed, checkboxes as lists and yes/no."""
    payload = {key: form.get(key, "") for key, spec in st.FIELDS.items() if spec.kind not in ("bool", "kinds")}
    payload["exempt_kinds"] = form.getlist("exempt_kinds")
    payload["commercial_property_allowed"] = form.get("commercial_property_allowed") == "1"
    payload["effective_from"] = form.get("effective_from", "").strip()
    return payload


def _percent(share: str) -> str:
    return f"{(Decimal(share) * 100).normalize():f}%"


def _page(actor, *, values=None, errors=None, problem=None, status=200):
    listing = standards_services.list_standards(actor)
    return render_template(
        "standards.html", listing=listing, groups=GROUPS, specs=st.FIELDS, income_kinds=INCOME_LABELS,
        deduction=_percent(listing["in_force"]["employment_deduction"]),
        values=values or {**_flat(listing["in_force"]), "effective_from": "", "basis": ""},
        errors=errors or {}, problem=problem,
    ), status


@bp.route("/standards")
@staff_page(*standards_services.EDITORS)
def standards_page(actor):
    return _page(actor)


@bp.route("/standards", methods=["POST"])
@staff_page(*standards_services.EDITORS)
def standards_add(actor):
    payload = _from_form(request.form)
    try:
        added = standards_services.add_version(actor, payload, request.remote_addr)
    except InvalidInput as exc:
        return _page(actor, values=payload, errors=exc.fields or {}, status=422)
    except Conflict as exc:
        return _page(actor, values=payload, problem=exc.message, status=409)
    flash(f"已新增 {added['effective_from']} 起执行的救助标准（农村 {added['rural_monthly']} 元/月）。", "ok")
    return redirect(url_for("web.standards_page"))
