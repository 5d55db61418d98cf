"""County dashboard: intake × township × status, overdue now, working days to decision, 先行救助 paid."""

from flask import render_template, request

from service.clock import today as beijing_today
from service.errors import InvalidInput
from service.web import charts, stats
from service.web.pages import FIGURES_ROLES, INTAKE_SHORT, bp, staff_page

INTAKE_COLOURS = dict(zip(stats.INTAKES, charts.PALETTE, strict=False))


def selection(actor, today):
    """The month and township asked for; a bad month re-renders with the message, like any form."""
    error = None
    try:
        month = stats.month_of(request.args.get("month"), today)
    except InvalidInput as exc:
        month, error = stats.month_of(None, today), exc.fields["month"][0]
    townships = stats.townships(actor.county_id)
    try:
        township_id = int(request.args.get("township_id") or 0) or None
    except ValueError:
        township_id = None
    if township_id not in {t for t, _name in townships}:
        township_id = None
    return month, township_id, townships, error


@bp.route("/dashboard")
@staff_page(*FIGURES_ROLES)
def dashboard(actor):
    today = beijing_today()
    month, township_id, townships, error = selection(actor, today)
    matrix = stats.status_matrix(actor.county_id, month, township_id)
    overdue = stats.overdue_now(actor.county_id, today, township_id)
    average = stats.average_days(actor.county_id, month, township_id)
    aid = stats.emergency_aid_by_township(actor.county_id, month, township_id)
    series = [(INTAKE_SHORT[i], INTAKE_COLOURS[i]) for i in stats.INTAKES]
    per_township: dict[str, list[int]] = {}
    for row in matrix:
        per_township.setdefault(row["township"], [0] * len(stats.INTAKES))
        per_township[row["township"]][stats.INTAKES.index(row["intake"])] += row["total"]
    chart = {
        "received": charts.stacked(f"{month.label}收到的申请（按乡镇、类别）", list(per_township.items()), series, "件"),
        "overdue": charts.stacked("当前超期未办（按乡镇、类别）", [(r["township"], r["by_intake"]) for r in overdue],
                                  series, "件"),
        "average": charts.bars(f"{month.label}平均办理工作日（受理至决定）",
                               [(INTAKE_SHORT[a["intake"]], a["average"]) for a in average if a["decided"]], "天",
                               charts.PALETTE[2]),
        "aid": charts.bars(f"{month.label}先行救助金额（按乡镇）", [(a["township"], a["amount"]) for a in aid], "元",
                           charts.PALETTE[1]),
    }
    return render_template(
        "dashboard.html", month=month, township_id=township_id, townships=townships, error=error,
        matrix=matrix, groups=[label for label, _s in stats.STATUS_GROUPS], overdue=overdue, average=average,
        aid=aid, chart=chart, intakes=stats.INTAKES, agreement=stats.route_agreement(actor.county_id, month,
                                                                                      township_id),
        today=today,
    ), (422 if error else 200)
