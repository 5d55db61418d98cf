"""Where service.wechat.crypto adds to wechatpy 1.8.18's crypto, each shown against wechatpy itself.

The view turns CallbackError (DecryptError is one) into 400/403; any other exception would be a 500.
"""

from __future__ import annotations

import base64
import binascii
import struct

import pytest
import test_wechat_crypto as v
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.utils import random_string

from service.wechat.crypto import DecryptError, decode_aes_key
from service.wechat.errors import CallbackError, ProtocolError
from service.wechat.xmlsafe import parse_xml

KEY = decode_aes_key(v.SAMPLE_KEY)


def _raw(plain: bytes) -> str:
    encryptor = Cipher(algorithms.AES(KEY), modes.CBC(KEY[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def _frame(body: bytes, appid: bytes = v.SAMPLE_APPID.encode()) -> bytes:
    plain = b"r" * 16 + len(body).to_bytes(4, "big") + body + appid
    pad = 32 - len(plain) % 32
    return plain + bytes([pad]) * pad


def test_wechatpy_accepts_a_non_canonical_encrypt_we_refuse():
    # junk between base64 characters: b64decode without validate drops it, so one message has many spellings
    spelled_twice = v.SAMPLE_ENCRYPT[:40] + "!*" + v.SAMPLE_ENCRYPT[40:]
    assert "abcdteT" in PrpCrypto(KEY).decrypt(spelled_twice, v.SAMPLE_APPID)
    with pytest.raises(DecryptError, match="base64"):
        v.sample_crypto().decrypt(spelled_twice)


@pytest.mark.parametrize(
    "encrypt, wechatpy_raises",
    [
        (_raw(b"r" * 32 + b"\x00" * 32), struct.error),  # pad byte 0: empty frame
        (_raw(_frame(b"<xml>\xff\xfe</xml>")), UnicodeDecodeError),  # message not UTF-8
        (_raw(_frame(b"<xml/>", b"wx0000000000000000")), InvalidAppIdException),
        (base64.b64encode(b"x" * 17).decode(), ValueError),  # not whole AES blocks
        ("YWJ", binascii.Error),  # base64 cut short
    ],
)
def test_every_wechatpy_failure_becomes_one_decrypt_error(encrypt, wechatpy_raises):
    with pytest.raises(wechatpy_raises) as raised:
        PrpCrypto(KEY).decrypt(encrypt, v.SAMPLE_APPID)
    assert not isinstance(raised.value, CallbackError)  # alone, each would be a 500
    with pytest.raises(DecryptError):
        v.sample_crypto().decrypt(encrypt)


def test_wechatpy_reply_envelope_breaks_on_cdata_end_and_ours_does_not():
    nonce = "n]]><Nonce>x"
    theirs = WeChatCrypto(v.SAMPLE_TOKEN, v.SAMPLE_KEY, v.SAMPLE_APPID).encrypt_message("<xml/>", nonce, "1")
    with pytest.raises(ProtocolError):
        parse_xml(theirs)
    ours = parse_xml(v.sample_crypto().encrypt_reply("<xml/>", nonce, "1"))
    assert ours["Nonce"] == nonce


def test_random_prefix_is_16_bytes_from_the_os_not_16_distinct_letters():
    # wechatpy draws 16 distinct characters of 62 with the `random` module: about 93 bits, guessable state
    assert all(len(set(random_string(16))) == 16 and random_string(16).isalnum() for _ in range(200))
    crypto = v.sample_crypto()
    prefixes = [_decrypt_raw(crypto.encrypt("m"))[:16] for _ in range(50)]
    assert len(set(prefixes)) == 50
    # all 16 bytes alphanumeric by chance: (62/256)**16, about 1e-10 per draw
    assert not all(p.isalnum() for p in prefixes)


def _decrypt_raw(encrypt: str) -> bytes:
    decryptor = Cipher(algorithms.AES(KEY), modes.CBC(KEY[:16])).decryptor()
    return decryptor.update(base64.b64decode(encrypt)) + decryptor.finalize()
