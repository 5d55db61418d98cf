"""Callback signatures and safe-mode message encryption (the WXBizMsgCrypt scheme).

Plaintext layout: 16 random bytes + 4-byte big-endian UTF-8 byte length + message + appid,
PKCS#7-padded to 32-byte blocks, AES-256-CBC with IV = key[:16], then base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

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

_BLOCK = 32


def _sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature(token: str, timestamp: str, nonce: str) -> str:
    """The plain callback signature: sha1 of the sorted, concatenated token, timestamp and nonce."""
    return _sha1_sorted(token, timestamp, nonce)


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """The safe-mode signature, computed over the Encrypt field as well."""
    return _sha1_sorted(token, timestamp, nonce, encrypt)


def _same(expected: str, given: str | None) -> bool:
    # compare_digest on bytes: constant time and no TypeError on non-ASCII input
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
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("EncodingAESKey is not base64") from None
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


class MessageCrypto:
    """Encrypts and decrypts safe-mode payloads for one account (token, EncodingAESKey, appid)."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str):
        self.token = token
        self.appid = appid
        self._key = decode_aes_key(encoding_aes_key)

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        """Return the base64 Encrypt value; random_prefix is for reproducing published vectors only."""
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        body = message.encode("utf-8")
        plain = prefix + len(body).to_bytes(4, "big") + body + self.appid.encode("utf-8")
        pad = _BLOCK - len(plain) % _BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """Return the inner message; raise DecryptError for any malformed or foreign payload."""
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("Encrypt is not valid base64") from None
        if not raw or len(raw) % 16:
            raise DecryptError("ciphertext is not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= _BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise DecryptError("bad padding")
        content = plain[16:-pad]
        if len(content) < 4:
            raise DecryptError("plaintext too short")
        length = int.from_bytes(content[:4], "big")
        if length > len(content) - 4:
            raise DecryptError("length prefix exceeds plaintext")
        appid = content[4 + length :]
        if not hmac.compare_digest(appid, self.appid.encode("utf-8")):
            raise DecryptError("appid mismatch")
        try:
            return content[4 : 4 + length].decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptError("message is not UTF-8") from None

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
