"""A callback is authentic only when signed, inside the timestamp window, and once: one URL out of an access
log must not let anyone speak as any resident (forged unsubscribes, handoff floods, guessed bindings)."""

import dataclasses
import time

import pytest
from sqlalchemy import func, select

from service.chat.models import Conversation
from service.devtools.simulator import inbound_xml
from service.extensions import db
from service.handoffs.models import Handoff
from service.wechat.callback import signed_request
from service.wechat.crypto import MessageCrypto, signature
from service.wechat.xmlsafe import parse_xml

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def _post(client, query, body: str):
    return client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")


def test_a_signed_request_from_2020_is_refused_and_changes_nothing(app, client, wechat):
    query, body = signed_request(app.config["WECHAT_TOKEN"], inbound_xml("人工", "o_resident_a"), timestamp="1590000000")
    assert _post(client, query, body).status_code == 403
    future = str(int(time.time()) + 3600)
    query, body = signed_request(app.config["WECHAT_TOKEN"], inbound_xml("人工", "o_resident_a"), timestamp=future)
    assert _post(client, query, body).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0
    assert db.session.get(Conversation, "o_resident_a") is None


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_logged_callback_url_cannot_carry_another_body(app, client, wechat, store, request):
    if store == "redis":
        app.config["REDIS_URL"] = request.getfixturevalue("redis_url")
    wechat.say("俺家老汉瘫在床上，想吃低保")
    assert wechat.say("1").startswith("好的")  # half-way through the form
    token = app.config["WECHAT_TOKEN"]
    query, body = signed_request(token, inbound_xml("张秀英", "o_resident_a"))
    first = _post(client, query, body)
    assert first.status_code == 200 and "身份证" in parse_xml(first.get_data(as_text=True))["Content"]
    # WeChat's retry of the same request is still answered, with the first answer
    retry = _post(client, query, body)  # CreateTime is rendered per reply: compare what the resident reads
    assert parse_xml(retry.get_data(as_text=True))["Content"] == parse_xml(first.get_data(as_text=True))["Content"]
    # the same signature, timestamp and nonce with a forged body: an unsubscribe, a handoff flood
    for forged in (inbound_xml("/unsubscribe", "o_resident_a"), inbound_xml("人工", "o_someone_else")):
        assert _post(client, query, forged).status_code == 403
    conversation = db.session.get(Conversation, "o_resident_a")
    assert conversation is not None and conversation.step == "id_number"
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0
    app.extensions.pop("wechat_redis_dedupe", None)


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_failed_turn_leaves_its_url_bound_to_its_body(app, client, wechat, store, request, monkeypatch):
    if store == "redis":
        app.config["REDIS_URL"] = request.getfixturevalue("redis_url")
    wechat.say("你好")
    query, body = signed_request(app.config["WECHAT_TOKEN"], inbound_xml("人工", "o_resident_a"))
    working = app.extensions["wechat_inbound"]

    def broken(msg):
        raise RuntimeError("the turn failed")

    monkeypatch.setitem(app.extensions, "wechat_inbound", dataclasses.replace(working, converse=broken))
    assert _post(client, query, body).status_code == 500  # rolled back: WeChat will retry it
    monkeypatch.setitem(app.extensions, "wechat_inbound", working)
    # the failed request's URL, out of a log, still carries no other body …
    assert _post(client, query, inbound_xml("/unsubscribe", "o_resident_a")).status_code == 403
    assert db.session.get(Conversation, "o_resident_a") is not None
    # … while WeChat's retry of that same request is handled, once
    assert _post(client, query, body).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 1
    app.extensions.pop("wechat_redis_dedupe", None)


def test_the_url_verification_signature_is_no_message_signature(app, client, wechat):
    token, now = app.config["WECHAT_TOKEN"], str(int(time.time()))
    query = {"signature": signature(token, now, "n1"), "timestamp": now, "nonce": "n1"}
    assert client.get("/wechat", query_string={**query, "echostr": "e1"}).get_data(as_text=True) == "e1"
    assert _post(client, query, inbound_xml("人工", "o_resident_a")).status_code == 403


def test_with_an_aes_key_plaintext_callbacks_are_refused(app, client, county):
    app.config["WECHAT_AES_KEY"] = AES_KEY
    app.extensions.pop("wechat_callback", None)
    token = app.config["WECHAT_TOKEN"]
    query, body = signed_request(token, inbound_xml("人工", "o_resident_a"))  # correctly signed, but plain
    assert _post(client, query, body).status_code == 403
    crypto = MessageCrypto(token, AES_KEY, app.config["WECHAT_APPID"])
    query, body = signed_request(token, inbound_xml("人工", "o_resident_a"), crypto=crypto)
    assert _post(client, query, body).status_code == 200
    app.extensions.pop("wechat_callback", None)


class Untouchable:
    """A request body of `size` bytes that must never be read."""

    read_calls = 0

    def __init__(self, size: int):
        self.size, self.position = size, 0

    def tell(self):
        return self.position

    def seek(self, offset, whence=0):
        self.position = self.size if whence == 2 else offset
        return self.position

    def read(self, *_args):
        Untouchable.read_calls += 1
        raise AssertionError("the body was read before the request was authenticated")

    readline = read


@pytest.mark.parametrize("case", ["forged", "stale", "plaintext_with_aes"])
def test_the_query_is_authenticated_before_a_byte_of_the_body_is_read(app, client, county, case):
    token, now = app.config["WECHAT_TOKEN"], str(int(time.time()))
    query = {"signature": signature(token, now, "n2"), "timestamp": now, "nonce": "n2"}
    if case == "forged":
        query["signature"] = "0" * 40
    if case == "stale":
        query = {"signature": signature(token, "1590000000", "n2"), "timestamp": "1590000000", "nonce": "n2"}
    if case == "plaintext_with_aes":
        app.config["WECHAT_AES_KEY"] = AES_KEY
        app.extensions.pop("wechat_callback", None)
    Untouchable.read_calls = 0
    response = client.post("/wechat", query_string=query, input_stream=Untouchable(1000), content_type="text/xml")
    assert response.status_code == 403 and Untouchable.read_calls == 0
    app.extensions.pop("wechat_callback", None)


def test_a_declared_oversized_body_is_refused_unread(app, client, county):
    token, now = app.config["WECHAT_TOKEN"], str(int(time.time()))
    query = {"signature": signature(token, now, "n3"), "timestamp": now, "nonce": "n3"}
    Untouchable.read_calls = 0
    response = client.post("/wechat", query_string=query, input_stream=Untouchable(10_000_000), content_type="text/xml")
    assert response.status_code == 413 and Untouchable.read_calls == 0, response.get_data()


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    return url
