"""微信留言: the chat's handed-off messages for hotline operators and county staff, answered from the page.

Every step is service.handoffs.services: the same use cases as /api/v1/handoffs.
"""

from flask import flash, redirect, render_template, request, url_for

from service.errors import Conflict, InvalidInput
from service.handoffs import services as handoffs
from service.request_limits import bounded_int
from service.web.pages import bp, staff_page


def _render(actor, status: str, *, code: int = 200, errors: dict | None = None, problem: str | None = None,
            open_id: int | None = None, draft: str = ""):
    listing = handoffs.list_handoffs(actor, status=status, before_id=request.args.get("before", type=bounded_int))
    return render_template(
        "handoffs.html", tab=status, tabs=handoffs.STATUS_LABELS_ZH, listing=listing, errors=errors or {},
        problem=problem, open_id=open_id, draft=draft, max_answer=handoffs.MAX_ANSWER,
    ), code


def _tab() -> str:
    tab = request.args.get("tab", "open")
    return tab if tab in handoffs.STATUSES else "open"


@bp.route("/handoffs")
@staff_page(*handoffs.ROLES)
def handoff_list(actor):
    return _render(actor, _tab())


@bp.route("/handoffs/<int:handoff_id>/answer", methods=["POST"])
@staff_page(*handoffs.ROLES)
def handoff_answer(handoff_id, actor):
    text = request.form.get("answer", "")
    try:
        result = handoffs.answer(actor, handoff_id, text)
    except InvalidInput as exc:
        return _render(actor, "open", code=422, errors=exc.fields or {"answer": [exc.message]}, open_id=handoff_id,
                       draft=text)
    except Conflict as exc:  # someone answered first, or the resident can no longer be reached
        return _render(actor, "open", code=409, problem=exc.message, open_id=handoff_id, draft=text)
    via = "微信客服消息" if result["window_open"] else "短信"
    flash(f"已回复居民 {result['resident']}，将通过{via}送达。", "ok")
    return redirect(url_for("web.handoff_list"))


@bp.route("/handoffs/<int:handoff_id>/close", methods=["POST"])
@staff_page(*handoffs.ROLES)
def handoff_close(handoff_id, actor):
    try:
        handoffs.close(actor, handoff_id)
    except Conflict as exc:
        return _render(actor, "open", code=409, problem=exc.message)
    flash("已关闭这条留言（未给居民发消息）。", "ok")
    return redirect(url_for("web.handoff_list"))
