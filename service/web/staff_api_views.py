"""Small JSON endpoints the call form's script uses while the operator types (session + CSRF header).

POST, not GET: phone numbers and what a resident said stay out of URLs, browser history and proxy logs.
"""

from flask import request

from service.errors import InvalidInput
from service.intake.identity import normalise_phone, phone_problem
from service.nlp import route as classify
from service.web import queue_data
from service.web.pages import CALL_ROLES, INTAKE_SHORT, bp, staff_page

MAX_TEXT = 4000


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("请求内容不是有效的 JSON")
    return body


@bp.route("/api/suggest", methods=["POST"])
@staff_page(*CALL_ROLES)
def suggest(actor):
    """The classifier's intake for what the caller said so far."""
    text = str(_body().get("text") or "")[:MAX_TEXT]
    if len(text.strip()) < 2:
        return {"category": None}
    decision = classify(text).to_dict()
    return {
        "category": decision["category"], "label": INTAKE_SHORT.get(decision["category"]),
        "confidence": decision["confidence"], "keywords": decision["keywords"], "urgent": decision["urgent"],
        "urgent_keywords": decision["urgent_keywords"],
    }


@bp.route("/api/phone", methods=["POST"])
@staff_page(*CALL_ROLES)
def phone_lookup(actor):
    """Who already called from this number and their open applications, as far as this actor may know."""
    raw = str(_body().get("phone") or "")
    if phone_problem(raw):
        return {"applicants": [], "applications": [], "withheld": []}
    return queue_data.callers_by_phone(actor, normalise_phone(raw))
