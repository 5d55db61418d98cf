"""With Redis as the dedupe store, a message whose first handler died is not lost: the claim is a short
lease, a retry waits for the first answer and takes the message over once the lease has run out."""

import threading
import time

import pytest
from sqlalchemy import func, select

from service.devtools.simulator import inbound_xml
from service.extensions import db
from service.intake.models import Application
from service.wechat.dedupe import PENDING
from service.wechat.messages import message_from_dict
from service.wechat.xmlsafe import parse_xml
from tests.integration.chat.test_chat import DIBAO

URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_store(app):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    app.config.update(REDIS_URL=URL, WECHAT_DEDUPE_LEASE_SECONDS=2)
    app.extensions.pop("wechat_redis_dedupe", None)
    yield client
    app.extensions.pop("wechat_redis_dedupe", None)
    client.close()


def _key(xml: str) -> str:
    from service.wechat.messages import dedupe_key

    return "wechat:seen:" + dedupe_key(message_from_dict(parse_xml(xml)))


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
def test_a_retry_takes_over_a_message_whose_first_handler_died(app, wechat, redis_store):
    for line in DIBAO:
        wechat.say(line)
    xml = inbound_xml("1", "o_resident_a")
    # the first delivery was claimed by a worker killed before it answered: only its lease is left
    redis_store.set(_key(xml), PENDING, ex=app.config["WECHAT_DEDUPE_LEASE_SECONDS"])
    started = time.monotonic()
    response = wechat.post_xml(xml)  # WeChat's retry, five seconds later
    assert response.status_code == 200
    assert "案件号" in parse_xml(response.get_data(as_text=True))["Content"]
    assert time.monotonic() - started < 4.5  # inside WeChat's 5-second deadline
    assert db.session.scalar(select(func.count(Application.id))) == 1
    retry = wechat.post_xml(xml)
    assert parse_xml(retry.get_data(as_text=True))["Content"] == parse_xml(response.get_data(as_text=True))["Content"]


def test_a_retry_waits_for_a_slow_first_handler_and_gets_its_answer(app, wechat, redis_store):
    xml = inbound_xml("想申请低保", "o_resident_a")
    key = _key(xml)
    redis_store.set(key, PENDING, ex=30)  # a live worker, slow: it answers one second from now
    threading.Timer(1.0, lambda: redis_store.set(key, "第一次的回答", ex=60)).start()
    response = wechat.post_xml(xml)
    assert response.status_code == 200
    assert parse_xml(response.get_data(as_text=True))["Content"] == "第一次的回答"


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
def test_a_retry_that_finds_the_first_handler_still_busy_asks_wechat_to_come_back(app, wechat, redis_store):
    xml = inbound_xml("想申请低保", "o_resident_a")
    redis_store.set(_key(xml), PENDING, ex=30)
    response = wechat.post_xml(xml)
    # not "success", which would tell WeChat the message was answered and drop it
    assert response.status_code == 503 and response.get_data(as_text=True) == ""
    assert redis_store.get(_key(xml)) == PENDING.encode()  # the other worker's claim is left alone
