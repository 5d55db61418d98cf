"""Callback signatures and safe-mode message encryption (the WXBizMsgCrypt scheme), on wechatpy.

wechatpy's `WeChatSigner` computes the signatures and its `PrpCrypto` does the AES frame (16 random
bytes + 4-byte big-endian UTF-8 byte length + message + appid, PKCS#7 to 32-byte blocks, AES-256-CBC
with IV = key[:16]). Kept here, each shown in tests/unit/wechat/test_wechat_crypto.py: a constant-time
comparison, strict base64, one exception type (DecryptError) for every malformed payload, a CSPRNG for
the random prefix, and a CDATA-safe reply envelope.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import struct
import time

from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.utils import WeChatSigner

from .errors import DecryptError, InvalidSignature
from .xmlsafe import cdata

__all__ = [
    "DecryptError",
    "InvalidSignature",
    "MessageCrypto",
    "check_msg_signature",
    "check_signature",
    "msg_signature",
    "signature",
]


def _sha1_sorted(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def signature(token: str, timestamp: str, nonce: str) -> str:
    """The plain callback signature: sha1 of the sorted, concatenated token, timestamp and nonce."""
    return _sha1_sorted(token, timestamp, nonce)


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """The safe-mode signature, computed over the Encrypt field as well."""
    return _sha1_sorted(token, timestamp, nonce, encrypt)


def _same(expected: str, given: str | None) -> bool:
    # constant time (wechatpy's check_signature uses !=) and no TypeError on non-ASCII input
    return given is not None and hmac.compare_digest(expected.encode(), given.lower().encode())


def check_signature(token: str, given: str | None, timestamp: str | None, nonce: str | None) -> None:
    if not (given and timestamp and nonce) or not _same(signature(token, timestamp, nonce), given):
        raise InvalidSignature("signature mismatch")


def check_msg_signature(
    token: str, given: str | None, timestamp: str | None, nonce: str | None, encrypt: str
) -> None:
    if not (given and timestamp and nonce):
        raise InvalidSignature("msg_signature missing")
    if not _same(msg_signature(token, timestamp, nonce, encrypt), given):
        raise InvalidSignature("msg_signature mismatch")


def decode_aes_key(encoding_aes_key: str) -> bytes:
    # wechatpy only asserts the length (gone under python -O) and ignores non-base64 characters
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("EncodingAESKey is not base64") from None
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


class _Prp(PrpCrypto):
    """wechatpy's frame with os.urandom for the prefix (its random_string uses the `random` module)."""

    def __init__(self, key: bytes, prefix: bytes | None = None):
        super().__init__(key)
        self._prefix = prefix

    def get_random_string(self) -> bytes:
        return os.urandom(16) if self._prefix is None else self._prefix


class MessageCrypto:
    """Encrypts and decrypts safe-mode payloads for one account (token, EncodingAESKey, appid)."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str):
        self.token = token
        self.appid = appid
        self._key = decode_aes_key(encoding_aes_key)

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        """Return the base64 Encrypt value; random_prefix is for reproducing published vectors only."""
        if random_prefix is not None and len(random_prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        return _Prp(self._key, random_prefix).encrypt(message, self.appid).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """Return the inner message; raise DecryptError for any malformed or foreign payload."""
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("Encrypt is not valid base64") from None
        if not raw or len(raw) % 16:
            raise DecryptError("ciphertext is not a whole number of AES blocks")
        try:
            return _Prp(self._key).decrypt(encrypt, self.appid)
        except InvalidAppIdException:
            raise DecryptError("appid mismatch (or a length prefix beyond the plaintext)") from None
        except UnicodeDecodeError:
            raise DecryptError("message is not UTF-8") from None
        except (ValueError, struct.error) as exc:
            raise DecryptError(f"malformed plaintext ({type(exc).__name__})") from None

    def encrypt_reply(self, reply_xml: str, nonce: str, timestamp: str | None = None) -> str:
        """Wrap a plaintext reply in the signed <xml><Encrypt/><MsgSignature/>… envelope."""
        timestamp = timestamp or str(int(time.time()))
        encrypted = self.encrypt(reply_xml)
        sig = msg_signature(self.token, timestamp, nonce, encrypted)
        return (
            f"<xml><Encrypt>{cdata(encrypted)}</Encrypt>"
            f"<MsgSignature>{cdata(sig)}</MsgSignature>"
            f"<TimeStamp>{int(timestamp)}</TimeStamp>"
            f"<Nonce>{cdata(nonce)}</Nonce></xml>"
        )
