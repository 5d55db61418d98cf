"""The /wechat endpoint: signatures before parsing, hostile bodies, retries handled once, safe mode."""

import threading
import time

import pytest
from sqlalchemy import func, select

from service.devtools.simulator import inbound_xml
from service.extensions import db
from service.intake.models import Application
from service.wechat.callback import signed_request
from service.wechat.crypto import MessageCrypto, signature
from service.wechat.models import DeliveredMessage
from service.wechat.xmlsafe import parse_xml
from tests.integration.chat.test_chat import DIBAO

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def test_url_verification_echoes_only_a_valid_signature(client, app):
    token, now = app.config["WECHAT_TOKEN"], str(int(time.time()))
    good = {"signature": signature(token, now, "nonce1"), "timestamp": now, "nonce": "nonce1", "echostr": "hello123"}
    assert client.get("/wechat", query_string=good).get_data(as_text=True) == "hello123"
    assert client.get("/wechat", query_string={**good, "signature": "0" * 40}).status_code == 403
    assert client.get("/wechat", query_string={"echostr": "x"}).status_code == 403


def test_forged_or_missing_signature_is_403_and_stores_nothing(client, wechat):
    xml = inbound_xml("想申请低保", "o_forger")
    args, body = signed_request("not-the-token", xml)
    assert client.post("/wechat", query_string=args, data=body, content_type="text/xml").status_code == 403
    assert client.post("/wechat", data=body, content_type="text/xml").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(DeliveredMessage)) == 0


@pytest.mark.parametrize("body, status", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>', 400),
    ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml>&lol2;</xml>', 400),
    ("this is not xml", 400),
    ("<xml><MsgType>text</MsgType></xml>", 400),
    ("<xml>" + "<Content>x</Content>" * 2000 + "</xml>", 413),
])
def test_hostile_and_garbage_bodies_get_4xx_never_500(wechat, body, status):
    assert wechat.post_xml(body).status_code == status


def test_replies_stay_well_formed_whatever_the_resident_typed(wechat):
    for line in ("]]><xml>注入</xml>", "控制字符\x01\x08\x0b结束", "😀🙏 救救孩子", "低保" * 1000):
        response = wechat.post_xml(inbound_xml(line, "o_weird"))
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert text != "success" and parse_xml(text)["Content"]  # every text message gets an answer


def test_a_message_delivered_three_times_is_handled_once_and_answered_alike(wechat, app):
    for line in DIBAO:
        wechat.say(line)
    xml = inbound_xml("1", "o_resident_a")
    replies = [wechat.post_xml(xml).get_data(as_text=True) for _ in range(3)]
    assert db.session.scalar(select(func.count(Application.id))) == 1
    contents = [parse_xml(r)["Content"] for r in replies]
    assert "案件号" in contents[0] and contents == [contents[0]] * 3


def test_two_deliveries_racing_on_two_workers_create_one_application(app, county, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race needs PostgreSQL's concurrent transactions")
    from tests.wechat_client import WeChat

    first = WeChat(app.test_client(), app.config["WECHAT_TOKEN"])
    for line in DIBAO:
        first.say(line)
    xml = inbound_xml("1", "o_resident_a")
    query, body = signed_request(app.config["WECHAT_TOKEN"], xml)
    start = threading.Barrier(2)
    results = []

    def deliver():
        client = app.test_client()
        start.wait()
        response = client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert [code for code, _ in results] == [200, 200]
    assert db.session.scalar(select(func.count(Application.id))) == 1
    assert all(text != "success" and "案件号" in parse_xml(text)["Content"] for _, text in results)


def test_a_new_residents_first_two_messages_racing_make_one_conversation_and_both_are_answered(app, county, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race needs PostgreSQL's concurrent transactions")
    from service.chat.models import Conversation

    start, results = threading.Barrier(2), []

    def deliver(xml):
        query, body = signed_request(app.config["WECHAT_TOKEN"], xml)
        start.wait()
        response = app.test_client().post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")
        results.append((response.status_code, response.get_data(as_text=True)))

    # two different messages (two MsgIds) of a resident with no conversation yet, one per worker
    threads = [threading.Thread(target=deliver, args=(inbound_xml(text, "o_brand_new"),)) for text in ("你好", "进度")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert [code for code, _ in results] == [200, 200]
    assert all(parse_xml(text)["Content"] for _, text in results)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Conversation).where(Conversation.openid == "o_brand_new")) == 1


def test_safe_mode_decrypts_and_answers_encrypted(app, client, county):
    app.config["WECHAT_AES_KEY"] = AES_KEY
    app.extensions.pop("wechat_callback", None)
    token, appid = app.config["WECHAT_TOKEN"], app.config["WECHAT_APPID"]
    crypto = MessageCrypto(token, AES_KEY, appid)
    query, body = signed_request(token, inbound_xml("想申请低保", "o_secure"), crypto=crypto)
    response = client.post("/wechat", query_string=query, data=body.encode(), content_type="text/xml")
    envelope = parse_xml(response.get_data(as_text=True))
    assert set(envelope) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert "低保" in parse_xml(crypto.decrypt(envelope["Encrypt"]))["Content"]
    bad = dict(query, msg_signature="0" * 40)
    assert client.post("/wechat", query_string=bad, data=body.encode(), content_type="text/xml").status_code == 403


def test_unsubscribe_forgets_the_conversation_and_template_results_are_silent(wechat):
    from service.chat.models import Conversation

    wechat.say("想申请低保")
    assert db.session.get(Conversation, "o_resident_a") is not None
    assert wechat.say("/unsubscribe") == ""
    assert db.session.get(Conversation, "o_resident_a") is None
    xml = ("<xml><ToUserName>gh</ToUserName><FromUserName>o_resident_a</FromUserName><CreateTime>1</CreateTime>"
           "<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>42</MsgID>"
           "<Status>success</Status></xml>")
    assert wechat.post_xml(xml).get_data(as_text=True) == "success"


def test_with_redis_configured_retries_are_deduped_there(app, wechat):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    app.config["REDIS_URL"] = url
    for line in DIBAO:
        wechat.say(line)
    xml = inbound_xml("1", "o_resident_a")
    replies = [parse_xml(wechat.post_xml(xml).get_data(as_text=True))["Content"] for _ in range(3)]
    assert db.session.scalar(select(func.count(Application.id))) == 1
    assert "案件号" in replies[0] and replies == [replies[0]] * 3
    assert db.session.scalar(select(func.count()).select_from(DeliveredMessage)) == 0  # nothing in the DB store
    app.extensions.pop("wechat_redis_dedupe", None)
