"""The 公示 list page and its CSV, for the village noticeboard: name, household size, proposed amount."""

import csv
import io

from flask import render_template, request, send_file

from service.intake import notice_board
from service.request_limits import bounded_int
from service.web.pages import bp, staff_page

COLUMNS = [("village", "村（社区）"), ("name", "姓名"), ("intake_label", "救助类别"), ("household_size", "家庭人口"),
           ("proposed_amount", "拟救助金额"), ("amount_unit", "单位"), ("notice_from", "公示开始"),
           ("notice_until", "公示截止")]


def _place_args() -> dict:
    args = {}
    for key in ("township_id", "village_id"):
        raw = request.args.get(key, "").strip()
        if raw:
            try:
                args[key] = bounded_int(raw)
            except ValueError:
                args[key] = 0  # a place that cannot exist: answered as not found by the use case
    return args


def _title(board: dict) -> str:
    return f"{board['township']}{board['village'] or ''}拟救助对象公示名单"


@bp.route("/public-notices")
@staff_page(*notice_board.NOTICE_ROLES)
def public_notices(actor):
    places = notice_board.places_for(actor)
    args = _place_args()
    if not args and actor.township_id is None:  # county staff choose a township first
        return render_template("public_notices.html", board=None, places=places, columns=COLUMNS, args=args)
    board = notice_board.notice_list(actor, **args)
    return render_template("public_notices.html", board=board, places=places, columns=COLUMNS, args=args,
                           title=_title(board))


@bp.route("/public-notices.csv")
@staff_page(*notice_board.NOTICE_ROLES)
def public_notices_csv(actor):
    board = notice_board.notice_list(actor, **_place_args())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_title(board)])
    writer.writerow([heading for _key, heading in COLUMNS])
    for row in board["items"]:
        writer.writerow(["" if row[key] is None else row[key] for key, _heading in COLUMNS])
    name = f"公示名单-{board['township']}{board['village'] or ''}-{board['on']}.csv"
    return send_file(io.BytesIO(out.getvalue().encode("utf-8-sig")), mimetype="text/csv; charset=utf-8",
                     as_attachment=True, download_name=name)
