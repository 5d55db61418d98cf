"""Everything the /wechat view needs: authenticate, decrypt, parse, and encode the reply.

Order matters: the query signature, the timestamp window and the mode are checked before the body is
read (`authenticate`), and the size cap before it is parsed, so an unsigned request never reaches the
XML parser. Compatible mode (plaintext fields beside Encrypt) is handled as safe mode: only the signed,
encrypted copy is trusted. With an EncodingAESKey configured, plaintext is refused.

In the view (read at most cap+1 bytes so an oversized body is refused without buffering it):

    try:
        handler.authenticate(request.args)      # 403 before a byte of the body is read
        body = request.stream.read(handler.max_body_bytes + 1)
        first_use(request.args, body)           # the replay cache: one signature, one body
        msg, encode = handler.open(request.args, body)
    except CallbackError as exc:
        abort(exc.http_status)                  # 403 not authentic, 413 size, 400 anything else
    if seen(dedupe_key(msg)): return "success"
    return Response(encode(text_reply(msg, answer)), mimetype="application/xml")
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple

from .crypto import MessageCrypto, check_msg_signature, check_signature, msg_signature, signature
from .errors import BodyTooLarge, PlaintextRefused, ProtocolError, StaleTimestamp
from .messages import InboundMessage, message_from_dict
from .replies import SUCCESS
from .xmlsafe import DEFAULT_MAX_BODY, cdata, parse_xml

ReplyEncoder = Callable[[str], str]
DEFAULT_TIMESTAMP_WINDOW = 300  # seconds either side of our clock: WeChat's retries all come within 15 s


class Callback(NamedTuple):
    message: InboundMessage
    encode: ReplyEncoder  # turns a plaintext reply (text_reply(...) or "success") into the body


class CallbackHandler:
    """One per account. Thread-safe: holds configuration only."""

    def __init__(
        self,
        token: str,
        *,
        appid: str | None = None,
        encoding_aes_key: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY,
        timestamp_window: int = DEFAULT_TIMESTAMP_WINDOW,
        clock: Callable[[], float] = time.time,
    ):
        if not token:
            raise ValueError("WeChat token is required")
        if encoding_aes_key and not appid:
            raise ValueError("safe mode needs the appid as well as the EncodingAESKey")
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.timestamp_window, self.clock = timestamp_window, clock
        self.crypto = MessageCrypto(token, encoding_aes_key, appid) if encoding_aes_key else None

    def verify_url(self, args: Mapping[str, str]) -> str:
        """GET /wechat: return echostr when the signature matches, else raise InvalidSignature."""
        self._check_query(args)
        echostr = args.get("echostr")
        if not echostr:
            raise ProtocolError("echostr missing")
        return echostr

    def authenticate(self, args: Mapping[str, str]) -> None:
        """Everything the query alone can prove, before the body is read: the signature, a timestamp
        inside the window, and a mode we accept (never plaintext while an EncodingAESKey is set)."""
        self._check_query(args)
        mode = (args.get("encrypt_type") or "raw").lower()
        if mode not in ("raw", "aes"):
            raise ProtocolError(f"unknown encrypt_type {mode[:20]!r}")
        if mode == "raw" and self.crypto is not None:
            raise PlaintextRefused("plaintext callback refused: safe mode is configured")

    def _check_query(self, args: Mapping[str, str]) -> None:
        timestamp = args.get("timestamp")
        check_signature(self.token, args.get("signature"), timestamp, args.get("nonce"))
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise StaleTimestamp("timestamp is not a Unix time")
        skew = int(timestamp) - self.clock()
        if abs(skew) > self.timestamp_window:
            raise StaleTimestamp(f"timestamp {skew:+.0f} s from our clock, window ±{self.timestamp_window} s")

    def open(self, args: Mapping[str, str], body: bytes | str) -> Callback:
        """POST /wechat: return (message, encode) or raise a CallbackError."""
        size = len(body.encode("utf-8") if isinstance(body, str) else body)
        if size > self.max_body_bytes:
            raise BodyTooLarge(f"body is {size} bytes, limit {self.max_body_bytes}")
        self.authenticate(args)
        if (args.get("encrypt_type") or "raw").lower() == "aes":
            return self._open_encrypted(args, body, args["timestamp"], args["nonce"])
        message = message_from_dict(parse_xml(body, self.max_body_bytes))
        return Callback(message, _plain)

    def _open_encrypted(self, args, body, timestamp: str, nonce: str) -> Callback:
        crypto = self.crypto
        if crypto is None:
            raise ProtocolError("encrypted callback but no EncodingAESKey configured")
        envelope = parse_xml(body, self.max_body_bytes)
        encrypt = envelope.get("Encrypt")
        if not isinstance(encrypt, str) or not encrypt.strip():
            raise ProtocolError("Encrypt field missing")
        encrypt = encrypt.strip()
        check_msg_signature(self.token, args.get("msg_signature"), timestamp, nonce, encrypt)
        inner = crypto.decrypt(encrypt)
        message = message_from_dict(parse_xml(inner, self.max_body_bytes))

        def encode(reply: str) -> str:
            # "success" and the empty body are acknowledgements WeChat accepts unencrypted
            if reply in ("", SUCCESS):
                return reply
            return crypto.encrypt_reply(reply, nonce)

        return Callback(message, encode)


def _plain(reply: str) -> str:
    return reply


def signed_request(
    token: str,
    xml: str,
    *,
    crypto: MessageCrypto | None = None,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> tuple[dict[str, str], str]:
    """What WeChat would send for `xml`: (query args, body), encrypted when crypto is given.
    For tests and the local simulator; the counterpart of CallbackHandler.open."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or secrets.token_hex(5)
    args = {"signature": signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    if crypto is None:
        return args, xml
    encrypted = crypto.encrypt(xml)
    args.update(encrypt_type="aes", msg_signature=msg_signature(token, timestamp, nonce, encrypted))
    return args, f"<xml><ToUserName>{cdata('')}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
