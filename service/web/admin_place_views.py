"""乡镇和村 for the county's administrator: the list, one place added or renamed, a CSV imported through the
same use case as `flask divisions import` (its line-numbered problems shown on the page)."""

from flask import flash, redirect, render_template, request, url_for

from service.county import divisions
from service.county.codes import KIND_LABELS, TOWNSHIP, VILLAGE
from service.county.services import county_by_id
from service.errors import InvalidInput, NotFound
from service.web.admin_staff_views import ADMIN_ROLES
from service.web.pages import bp, staff_page

MAX_UPLOAD = 2 * 1024 * 1024


def _render(actor, *, errors=None, values=None, problems=None, notes=None, status=200):
    townships = divisions.list_divisions(actor.county_id)
    return render_template("admin_places.html", townships=townships, county=county_by_id(actor.county_id),
                           village_count=sum(len(t["villages"]) for t in townships), errors=errors or {},
                           values=values or {}, problems=problems, notes=notes or []), status


def _summary(result: dict) -> str:
    return (f"新增乡镇 {result['townships_added']} 个、村 {result['villages_added']} 个，改名 {result['renamed']} 个，"
            f"更新坐标 {result['moved']} 个，未变 {result['unchanged']} 个")


@bp.route("/admin/places")
@staff_page(*ADMIN_ROLES)
def admin_places(actor):
    return _render(actor)


@bp.route("/admin/places", methods=["POST"])
@staff_page(*ADMIN_ROLES)
def admin_place_add(actor):
    values = {k: request.form.get(k, "").strip() for k in ("code", "name", "lat", "lng")}
    try:
        result = divisions.add_place(actor.county_id, values["code"], values["name"], values["lat"], values["lng"],
                                     by=actor, remote_addr=request.remote_addr)
    except divisions.DivisionsRefused as exc:
        return _render(actor, values=values, errors={"code": [t for _, t in exc.problems]}, status=422)
    except InvalidInput as exc:
        return _render(actor, values=values, errors=exc.fields or {}, status=422)
    flash(f"已新增{values['name']}（{_summary(result)}）。", "ok")
    return redirect(url_for("web.admin_places"))


@bp.route("/admin/places/import", methods=["POST"])
@staff_page(*ADMIN_ROLES)
def admin_places_import(actor):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render(actor, problems=[(0, "请选择要导入的 CSV 文件")], status=422)
    data = upload.read(MAX_UPLOAD + 1)
    try:
        county = county_by_id(actor.county_id)
        result = divisions.import_divisions(county.code, data, by=actor, remote_addr=request.remote_addr)
    except divisions.DivisionsRefused as exc:
        return _render(actor, problems=exc.problems, notes=exc.notes, status=422)
    flash(f"已导入 {upload.filename}：{_summary(result)}。从未删除任何乡镇或村。", "ok")
    for note in result["notes"]:
        flash(note, "info")
    return redirect(url_for("web.admin_places"))


@bp.route("/admin/places/<any(township, village):kind>/<int:place_id>", methods=["GET", "POST"])
@staff_page(*ADMIN_ROLES)
def admin_place_edit(kind, place_id, actor):
    place = _find(actor, kind, place_id)
    if request.method == "GET":
        return _edit(place, kind)
    values = {k: request.form.get(k, "").strip() for k in ("name", "lat", "lng")}
    try:
        divisions.change_place(actor.county_id, kind, place_id, values["name"], values["lat"], values["lng"],
                               by=actor, remote_addr=request.remote_addr)
    except divisions.DivisionsRefused as exc:
        return _edit(place, kind, values, {"name": [t for _, t in exc.problems]}, 422)
    except InvalidInput as exc:
        return _edit(place, kind, values, exc.fields or {"name": [exc.message]}, 422)
    flash(f"已保存{KIND_LABELS[kind]}「{values['name']}」。", "ok")
    return redirect(url_for("web.admin_places"))


def _find(actor, kind: str, place_id: int) -> dict:
    for township in divisions.list_divisions(actor.county_id):
        if kind == TOWNSHIP and township["id"] == place_id:
            return township
        for village in township["villages"] if kind == VILLAGE else ():
            if village["id"] == place_id:
                return {**village, "township": township["name"]}
    raise NotFound("没有这个乡镇或村")


def _edit(place, kind, values=None, errors=None, status=200):
    values = values or {"name": place["name"], "lat": place["lat"] or "", "lng": place["lng"] or ""}
    return render_template("admin_place_edit.html", place=place, kind=kind, kind_label=KIND_LABELS[kind],
                           values=values, errors=errors or {}), status
