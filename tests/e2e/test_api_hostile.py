"""Every operation in the OpenAPI document, fed bodies and queries no client should send: always a 4xx
in the one error shape (or a harmless 2xx), never a 500, and the data unchanged."""

import json

import pytest
from sqlalchemy import func, select

from service.auth.models import ApiToken
from service.extensions import db
from service.handoffs.models import Handoff
from service.intake.models import Application, ApplicationEvent
from service.notify.models import Notification
from tests.conftest import login
from tests.e2e.test_api import CALL

DEEP = json.dumps({"x": json.loads("[" * 400 + "]" * 400)})
DEEPER = '{"x": ' + "[" * 200_000 + "]" * 200_000 + "}"  # past Python's recursion limit: parsed, it is a 500
INT4 = 2**31
BODIES = [
    ("text/plain", "hello"), ("application/json", "{not json"), ("application/json", "null"),
    ("application/json", "[]"), ("application/json", '"a string"'), ("application/json", "1e999"),
    ("application/json", json.dumps({"version": "x", "amount": "NaN", "first_month": "2026-13"})),
    ("application/json", json.dumps({"version": 10**30, "limit": -1})),
    ("application/json", json.dumps({"version": True, "village_id": 1e308, "phone": ["138"], "urgent": "maybe"})),
    ("application/json", json.dumps({"answer": None, "username": {"$ne": ""}, "password": []})),
    ("application/json", json.dumps({"description": "\u0000\ud800", "name": "a" * 100_000})),
    ("application/json", DEEP),
    ("application/json", DEEPER),
    ("application/json", json.dumps({"version": INT4, "village_id": INT4, "household_size": INT4, "limit": INT4,
                                     "amount": "9" * 40, "name": "张\u0000三", "phone": "138\ud800"})),
    ("application/json", json.dumps({"username": "\ud800", "password": "x\u0000", "name": "\udfff" * 3,
                                     "answer": "好\u0000", "case_no": "\u0000", "id_last4": "\ud800abc"})),
    ("application/json", b"\xff\xfe\x00{"),
]
QUERIES = ["limit=abc", "limit=-1", "limit=99999999999999999999", "cursor=%ff%fe", "cursor=garbage",
           "status=nonsense", "intake=dibao&intake=other", "before_id=0", "urgent=maybe", "q=%00",
           "township_id=1e9", "month=2026-13", f"township_id={INT4}", f"before_id={INT4}", f"limit={INT4}",
           "before_id=-99999999999999999999", "case_no=%00", "phone=%ED%A0%80", "username=%00"]
# log-out and token revocation would end the session the sweep runs in
SKIP = {("post", "/api/v1/auth/logout"), ("delete", "/api/v1/auth/tokens/{token_id}")}


def _operations(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        for method in ops:
            if method != "parameters" and (method, path) not in SKIP:
                yield method, path


def _url(path: str, case_no: str, number: int = 1) -> str:
    return (path.replace("{case_no}", case_no).replace("{action}", "approve")
            .replace("{handoff_id}", str(number)).replace("{notification_id}", str(number))
            .replace("{token_id}", str(number)))


def _check(response, label):
    assert response.status_code < 500, (label, response.status_code, response.get_data()[:300])
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert body and isinstance(body["error"]["message"], str) and body["error"]["message"], label


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
@pytest.mark.parametrize("username", ["county", "suntuan", "audit"])
def test_no_operation_answers_hostile_input_with_a_500_or_a_change(client, county, username):
    login(client, "hotline")
    case_no = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    login(client, username)
    before = _snapshot()
    for method, path in _operations(client):
        url = _url(path, case_no)
        if method == "get":
            for query in QUERIES:
                _check(client.get(f"{url}?{query}"), f"GET {url}?{query}")
            continue
        for content_type, body in BODIES:
            response = client.open(url, method=method.upper(), data=body, content_type=content_type)
            _check(response, f"{method} {url} {body[:40]!r}")
        for query in QUERIES[:3]:
            _check(client.open(f"{url}?{query}", method=method.upper(), json={}), f"{method} {url}?{query}")
        for number in (INT4, 10**20):  # ids past PostgreSQL's integer in the path
            big = _url(path, "9" * 20, number)
            _check(client.open(big, method=method.upper(), json={"version": 1}), f"{method} {big}")
    assert _snapshot() == before
    assert client.get("/api/v1/auth/me").get_json()["username"] == username  # still logged in as the same person


def _snapshot() -> tuple:
    """Everything a stray request could have changed: cases, their state, events, tokens, handoffs, notices."""
    db.session.expire_all()
    cases = db.session.execute(select(Application.case_no, Application.status, Application.version,
                                      Application.assigned_to_id).order_by(Application.id)).all()
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (ApplicationEvent, ApiToken, Handoff, Notification)]
    return cases, counts


@pytest.mark.parametrize("username", ["\ud800", "sun\u0000tuan", "\udfff\ud800"])
def test_a_nul_or_a_lone_surrogate_in_a_username_is_a_400_not_a_500(client, county, username):
    body = json.dumps({"username": username, "password": "demo2026"})  # json escapes what UTF-8 cannot carry
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_a_body_200000_levels_deep_is_a_400_before_any_parser_recurses(client, county):
    response = client.post("/api/v1/public/lookup", data=DEEPER, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
