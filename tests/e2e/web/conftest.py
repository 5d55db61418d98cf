"""Helpers for the staff pages through Flask's test client: log in through the form, carry the CSRF token."""

import re

import pytest

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A test client that submits forms as a browser would: with the page's CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, url, **kw):
        response = self.client.get(url, **kw)
        if response.mimetype == "text/html" and TOKEN.search(response.text):
            self.token = csrf_of(response.text)
        return response

    def post(self, url, data=None, *, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/staff/login")
            data.setdefault("csrf_token", self.token)
        response = self.client.post(url, data=data, **kw)
        if response.mimetype == "text/html" and TOKEN.search(response.text):
            self.token = csrf_of(response.text)
        return response

    def post_json(self, url, body, *, csrf=True):
        if self.token is None:
            self.get("/staff/login")
        headers = {"X-CSRFToken": self.token} if csrf else {}
        return self.client.post(url, json=body, headers=headers)

    def login(self, username, password="demo2026"):
        self.get("/staff/login")
        response = self.post("/staff/login", {"username": username, "password": password})
        assert response.status_code == 302, response.text
        self.get(response.location)
        return response


@pytest.fixture
def browser(client):
    return Browser(client)


def as_user(app, username: str) -> Browser:
    """Another person on another machine: a fresh client, logged in."""
    other = Browser(app.test_client())
    other.login(username)
    return other


def open_case(county, actor="hotline", *, village="孙疃村", **overrides) -> dict:
    """An application opened through the use case, as the API would."""
    from service.intake import opening

    payload = {"phone": "13812345678", "name": "张秀英", "id_number": None,
               "village_id": county["villages"][village], "intake": "dibao",
               "description": "俺家老汉瘫在床上，想申请低保", "household_size": 2, **overrides}
    today, route = payload.pop("today", None), payload.pop("route", None)
    return opening.open_application(county["actors"][actor], payload, channel="hotline", today=today, route=route)


def step(county, actor, case_no, action, **params) -> dict:
    from service.intake import services

    current = services.detail(county["actors"][actor], case_no)
    return services.act(county["actors"][actor], case_no, action, params, current["version"])
