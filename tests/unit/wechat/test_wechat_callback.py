"""The view's entry points: URL verification, plaintext and safe-mode callbacks, reply encoding."""

from __future__ import annotations

import time

import pytest
import test_wechat_crypto as v
import wechat_samples as s

from service.wechat.callback import CallbackHandler, signed_request
from service.wechat.crypto import MessageCrypto, msg_signature, signature
from service.wechat.errors import (
    BodyTooLarge,
    DecryptError,
    InvalidSignature,
    NotAuthentic,
    PlaintextRefused,
    ProtocolError,
    StaleTimestamp,
    UnsafeXML,
)
from service.wechat.replies import SUCCESS, text_reply
from service.wechat.xmlsafe import parse_xml

TOKEN = "test"
TS, NONCE = "1410685589", "test"
SIGNED = {"signature": "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "timestamp": TS, "nonce": NONCE}


def plain_handler(**kw) -> CallbackHandler:
    kw.setdefault("clock", lambda: int(TS) + 1)  # the published vectors are signed in 2014
    return CallbackHandler(TOKEN, **kw)


def sample_handler(**kw) -> CallbackHandler:
    kw.setdefault("clock", lambda: int(v.SAMPLE_TIMESTAMP) - 1)
    return CallbackHandler(v.SAMPLE_TOKEN, appid=v.SAMPLE_APPID, encoding_aes_key=v.SAMPLE_KEY, **kw)


def sample_args(**extra) -> dict:
    args = {
        "signature": signature(v.SAMPLE_TOKEN, v.SAMPLE_TIMESTAMP, v.SAMPLE_NONCE),
        "timestamp": v.SAMPLE_TIMESTAMP,
        "nonce": v.SAMPLE_NONCE,
        "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
        "encrypt_type": "aes",
        "msg_signature": v.SAMPLE_MSG_SIGNATURE,
    }
    return {**args, **extra}


SAMPLE_ENVELOPE = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
    f"<Encrypt><![CDATA[{v.SAMPLE_ENCRYPT}]]></Encrypt></xml>"
)


def test_verify_url_returns_echostr_only_when_signed():
    assert plain_handler().verify_url({**SIGNED, "echostr": "shr5ch"}) == "shr5ch"
    with pytest.raises(InvalidSignature):
        plain_handler().verify_url({**SIGNED, "signature": "0" * 40, "echostr": "shr5ch"})
    with pytest.raises(ProtocolError):
        plain_handler().verify_url(SIGNED)


def test_plaintext_callback_and_reply_pass_through():
    msg, encode = plain_handler().open(SIGNED, s.TEXT.encode())
    assert msg.content == "俺娃病了咋办"
    reply = text_reply(msg, "收到")
    assert encode(reply) == reply


@pytest.mark.parametrize(
    "args",
    [
        {},
        {**SIGNED, "signature": "0" * 40},
        {**SIGNED, "signature": SIGNED["signature"].upper()[:-1] + "0"},
        {k: val for k, val in SIGNED.items() if k != "nonce"},
        {**SIGNED, "timestamp": "1410685590"},
    ],
)
def test_forged_or_missing_signature_is_refused(args):
    with pytest.raises(InvalidSignature):
        plain_handler().open(args, s.TEXT.encode())


def test_signature_is_checked_before_the_body_is_parsed():
    hostile = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>'
    with pytest.raises(InvalidSignature):
        plain_handler().open({**SIGNED, "signature": "0" * 40}, hostile)
    with pytest.raises(UnsafeXML):
        plain_handler().open(SIGNED, hostile)


def test_oversized_body_is_refused_before_anything_else():
    with pytest.raises(BodyTooLarge):
        plain_handler(max_body_bytes=100).open({}, s.TEXT.encode())


def test_official_sample_in_safe_mode():
    msg, encode = sample_handler().open(sample_args(), SAMPLE_ENVELOPE.encode())
    assert "<Encrypt>" in encode(text_reply(msg, "ok"))
    assert (msg.content, msg.msg_id, msg.msg_type) == ("abcdteT", "6054768590064713728", "text")


def test_compatible_mode_trusts_only_the_encrypted_copy():
    # the plaintext fields beside Encrypt claim another content; the signed ciphertext wins
    body = SAMPLE_ENVELOPE.replace(
        "<Encrypt>",
        "<FromUserName>oFORGED</FromUserName><MsgType>text</MsgType><Content>伪造</Content><Encrypt>",
    )
    msg, _ = sample_handler().open(sample_args(), body.encode())
    assert (msg.content, msg.from_user) == ("abcdteT", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")


def test_encrypted_reply_round_trips_through_the_envelope():
    msg, encode = sample_handler().open(sample_args(), SAMPLE_ENVELOPE.encode())
    reply = text_reply(msg, "已受理 ]]> 😀")
    envelope = parse_xml(encode(reply))
    assert envelope["Nonce"] == v.SAMPLE_NONCE
    expected = msg_signature(v.SAMPLE_TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    assert envelope["MsgSignature"] == expected
    inner = parse_xml(
        MessageCrypto(v.SAMPLE_TOKEN, v.SAMPLE_KEY, v.SAMPLE_APPID).decrypt(envelope["Encrypt"])
    )
    assert inner["Content"] == "已受理 ]]> 😀" and inner["ToUserName"] == msg.from_user


def test_success_is_sent_unencrypted_in_safe_mode():
    _, encode = sample_handler().open(sample_args(), SAMPLE_ENVELOPE.encode())
    assert encode(SUCCESS) == SUCCESS and encode("") == ""


@pytest.mark.parametrize(
    "args",
    [
        sample_args(msg_signature="0" * 40),
        {k: val for k, val in sample_args().items() if k != "msg_signature"},
        sample_args(signature="0" * 40),
    ],
)
def test_safe_mode_refuses_bad_signatures(args):
    with pytest.raises(InvalidSignature):
        sample_handler().open(args, SAMPLE_ENVELOPE.encode())


def test_safe_mode_refuses_envelope_without_encrypt():
    with pytest.raises(ProtocolError, match="Encrypt"):
        sample_handler().open(sample_args(), s.TEXT.encode())


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize(
    "index, error",
    [(10, ProtocolError), (-10, DecryptError)],  # garbles the XML inside; garbles the padding
)
def test_safe_mode_refuses_tampered_ciphertext_even_when_signed(index, error):
    tampered = _flip(v.SAMPLE_ENCRYPT, index)
    body = SAMPLE_ENVELOPE.replace(v.SAMPLE_ENCRYPT, tampered)
    args = sample_args(
        msg_signature=msg_signature(v.SAMPLE_TOKEN, v.SAMPLE_TIMESTAMP, v.SAMPLE_NONCE, tampered)
    )
    with pytest.raises(error):
        sample_handler().open(args, body.encode())


def test_mode_mismatches_are_protocol_errors():
    with pytest.raises(ProtocolError, match="EncodingAESKey"):
        CallbackHandler(v.SAMPLE_TOKEN, clock=lambda: int(v.SAMPLE_TIMESTAMP)).open(sample_args(), SAMPLE_ENVELOPE.encode())
    with pytest.raises(PlaintextRefused, match="safe mode"):
        plain_handler(appid="wx", encoding_aes_key=v.SAMPLE_KEY).open(SIGNED, s.TEXT)
    with pytest.raises(ProtocolError, match="encrypt_type"):
        plain_handler().open({**SIGNED, "encrypt_type": "rot13"}, s.TEXT)


def test_configuration_errors_fail_fast():
    with pytest.raises(ValueError):
        CallbackHandler("")
    with pytest.raises(ValueError):
        CallbackHandler("t", encoding_aes_key=v.SAMPLE_KEY)


@pytest.mark.parametrize("encrypted", [False, True])
def test_signed_request_is_what_open_accepts(encrypted):
    crypto = MessageCrypto(v.SAMPLE_TOKEN, v.SAMPLE_KEY, v.SAMPLE_APPID) if encrypted else None
    args, body = signed_request(v.SAMPLE_TOKEN, s.VOICE, crypto=crypto)
    assert ("encrypt_type" in args) is encrypted
    handler = sample_handler(clock=time.time) if encrypted else CallbackHandler(v.SAMPLE_TOKEN)
    msg, _ = handler.open(args, body.encode())
    assert msg.text == "我想申请低保"
    with pytest.raises(InvalidSignature):
        CallbackHandler("other-token").open(args, body.encode())


@pytest.mark.parametrize("offset, accepted", [(0, True), (299, True), (-299, True), (301, False), (-301, False),
                                              (-6 * 365 * 86400, False)])
def test_a_signed_request_is_accepted_only_inside_the_timestamp_window(offset, accepted):
    # a request whose signature, timestamp and nonce came from an access log of 2020 is no longer WeChat
    handler = plain_handler(clock=lambda: int(TS) - offset)
    if accepted:
        assert handler.open(SIGNED, s.TEXT.encode()).message.content == "俺娃病了咋办"
        assert handler.verify_url({**SIGNED, "echostr": "e"}) == "e"
    else:
        for call in (lambda: handler.open(SIGNED, s.TEXT.encode()), lambda: handler.verify_url({**SIGNED, "echostr": "e"})):
            with pytest.raises(StaleTimestamp) as refused:
                call()
            assert isinstance(refused.value, NotAuthentic) and refused.value.http_status == 403


def test_the_window_is_configurable_and_a_non_numeric_timestamp_is_refused():
    assert plain_handler(clock=lambda: int(TS) + 1000, timestamp_window=1200).open(SIGNED, s.TEXT.encode())
    for timestamp in ("１４１０６８５５８９", "1e9", "9" * 40):
        args = {"signature": signature(TOKEN, timestamp, NONCE), "timestamp": timestamp, "nonce": NONCE}
        with pytest.raises(StaleTimestamp):
            plain_handler().open(args, s.TEXT.encode())


def test_with_an_aes_key_plaintext_is_refused_before_the_body_is_looked_at():
    handler = sample_handler(clock=lambda: int(TS))
    plain = {"signature": signature(v.SAMPLE_TOKEN, TS, NONCE), "timestamp": TS, "nonce": NONCE}
    with pytest.raises(PlaintextRefused):
        handler.authenticate(plain)
    with pytest.raises(PlaintextRefused):
        handler.open(plain, b"<not even xml")
