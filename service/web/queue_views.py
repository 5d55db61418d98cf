"""The window queue: tabs with counts, urgent first then nearest deadline, filters and one search box."""

from flask import render_template, request
from sqlalchemy import select

from service.clock import today as beijing_today
from service.extensions import db
from service.intake import procedures
from service.intake import queue as intake_queue
from service.intake import workflow as wf
from service.intake.models import Township
from service.request_limits import bounded_int
from service.web import queue_data
from service.web.pages import QUEUE_ROLES, bp, staff_page

PAGE_SIZE = 20


def _int(value: str | None) -> int | None:
    try:
        return bounded_int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _filters(actor) -> dict:
    args = request.args
    filters = {
        "intake": args.get("intake") if args.get("intake") in procedures.LABELS else None,
        "urgent": args.get("urgent") == "1" or None,
        "overdue": args.get("overdue") == "1" or None,
        "mine": args.get("mine") == "1" or None,
        "township_id": _int(args.get("township_id")) if actor.role != "window" else None,
    }
    return {k: v for k, v in filters.items() if v is not None}


@bp.route("/queue")
@staff_page(*QUEUE_ROLES)
def queue(actor):
    today = beijing_today()
    default_tab = "county" if actor.role == "county" else "open"  # a reviewer's own 审核确认 queue first
    tab = request.args.get("tab") if request.args.get("tab") in queue_data.TAB_STATUSES else default_tab
    filters = _filters(actor)
    query_text = request.args.get("q", "").strip()
    search = queue_data.classify_search(query_text)
    next_cursor = None
    if search and search[0] == "name":
        items = queue_data.search_by_name(actor, search[1], filters, today)
    elif search:
        found = intake_queue.list_queue(actor, {**filters, "status": list(wf.STATES), search[0]: search[1],
                                                "limit": 50}, today=today)
        items = found["items"]
    else:
        page = intake_queue.list_queue(actor, {**filters, "status": queue_data.TAB_STATUSES[tab],
                                               "limit": PAGE_SIZE, "cursor": request.args.get("cursor")},
                                       today=today)
        items, next_cursor = page["items"], page["next_cursor"]
    townships = []
    if actor.role != "window":
        townships = db.session.execute(
            select(Township.id, Township.name).where(Township.county_id == actor.county_id).order_by(Township.id)
        ).all()
    return render_template(
        "queue.html", items=items, tabs=queue_data.TABS, tab=tab,
        counts=queue_data.tab_counts(actor, filters, today), filters=filters, query_text=query_text,
        filter_args={k: 1 if v is True else v for k, v in filters.items()},
        search=search, next_cursor=next_cursor, townships=townships, intakes=procedures.LABELS,
        paged=bool(request.args.get("cursor")),
    )
