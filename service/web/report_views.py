"""The monthly report page and its CSV / XLSX downloads (the same figures in all three)."""

import io

from flask import render_template, send_file

from service.clock import today as beijing_today
from service.extensions import db
from service.intake.models import County
from service.web import report_data, report_files
from service.web.dashboard_views import selection
from service.web.pages import FIGURES_ROLES, bp, staff_page

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report(actor):
    month, township_id, townships, error = selection(actor, beijing_today())
    county = db.session.get(County, actor.county_id)
    place = county.name + (dict(townships)[township_id] if township_id else "")
    title = f"{place}社会救助受理月报（{month.label}）"
    rows = report_data.monthly_rows(actor.county_id, month, township_id)
    return month, township_id, townships, error, place, title, rows


@bp.route("/reports/monthly")
@staff_page(*FIGURES_ROLES)
def monthly_report(actor):
    month, township_id, townships, error, _place, title, rows = _report(actor)
    return render_template(
        "report.html", month=month, township_id=township_id, townships=townships, error=error, title=title,
        rows=rows, columns=report_data.COLUMNS, definitions=report_data.DEFINITIONS,
    ), (422 if error else 200)


@bp.route("/reports/monthly.<any(csv, xlsx):fmt>")
@staff_page(*FIGURES_ROLES)
def monthly_report_file(fmt, actor):
    month, _township_id, _townships, _error, place, title, rows = _report(actor)
    data = report_files.to_csv(title, rows) if fmt == "csv" else report_files.to_xlsx(title, rows)
    return send_file(io.BytesIO(data), mimetype=MIME[fmt], as_attachment=True,
                     download_name=f"救助月报-{place}-{month.key}.{fmt}")
