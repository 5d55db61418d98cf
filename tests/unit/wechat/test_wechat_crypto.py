"""Signatures and safe-mode crypto against the published vectors (see WECHAT.md for sources)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from service.wechat.crypto import (
    DecryptError,
    InvalidSignature,
    MessageCrypto,
    check_msg_signature,
    check_signature,
    decode_aes_key,
    msg_signature,
    signature,
)
from service.wechat.xmlsafe import parse_xml

# Official WXBizMsgCrypt sample (Tencent's sample code, reproduced in many SDKs' tests).
SAMPLE_TOKEN = "spamtest"
SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SAMPLE_APPID = "wx2c2769f8efd9abc2"
SAMPLE_TIMESTAMP = "1409735669"
SAMPLE_NONCE = "1320562132"
SAMPLE_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
SAMPLE_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFm"
    "OD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8d"
    "KOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5R"
    "JSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNP"
    "fUM669WuMyVWQLCzpu9GhglF2PE="
)

# wechatpy's tests/test_crypto.py
WECHATPY_TOKEN = "123456"
WECHATPY_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WECHATPY_APPID = "wx49f0ab532d5d035a"
WECHATPY_TIMESTAMP = "1411525903"
WECHATPY_NONCE = "461056294"
WECHATPY_MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
WECHATPY_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv28"
    "3dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/"
    "nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHq"
    "IrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K"
    "9QaNWHp91eBdCRxthuL0="
)

# WxJava's WxCryptUtilTest: fixed random prefix, UTF-8 multibyte plaintext
WXJAVA_APPID = "wxb11529c136998cb6"
WXJAVA_CIPHERTEXT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="


def sample_crypto() -> MessageCrypto:
    return MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)


def test_plain_signature_wechatpy_vector():
    assert signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")


@pytest.mark.parametrize(
    "given, timestamp, nonce",
    [
        ("f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "1410685589", "test"),  # one digit off
        ("f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685590", "test"),  # other timestamp
        (None, "1410685589", "test"),
        ("", "1410685589", "test"),
        ("f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", None, "test"),
        ("f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", None),
        ("签名", "1410685589", "test"),  # non-ASCII must not crash the comparison
    ],
)
def test_plain_signature_refuses_forged_or_missing(given, timestamp, nonce):
    with pytest.raises(InvalidSignature):
        check_signature("test", given, timestamp, nonce)


def test_official_sample_msg_signature():
    assert msg_signature(SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT) == SAMPLE_MSG_SIGNATURE
    check_msg_signature(SAMPLE_TOKEN, SAMPLE_MSG_SIGNATURE, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT)
    with pytest.raises(InvalidSignature):
        check_msg_signature(
            SAMPLE_TOKEN, SAMPLE_MSG_SIGNATURE, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT[:-4]
        )


def test_official_sample_decrypts_to_text_message():
    fields = parse_xml(sample_crypto().decrypt(SAMPLE_ENCRYPT))
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "abcdteT"
    assert fields["MsgId"] == "6054768590064713728"
    assert fields["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


def test_wechatpy_vector_signature_and_decryption():
    assert (
        msg_signature(WECHATPY_TOKEN, WECHATPY_TIMESTAMP, WECHATPY_NONCE, WECHATPY_ENCRYPT)
        == WECHATPY_MSG_SIGNATURE
    )
    fields = parse_xml(MessageCrypto(WECHATPY_TOKEN, WECHATPY_KEY, WECHATPY_APPID).decrypt(WECHATPY_ENCRYPT))
    assert fields["Content"] == "test"
    assert fields["FromUserName"] == "messense"


def test_wxjava_vector_utf8_byte_length_prefix():
    crypto = MessageCrypto("pamtest", SAMPLE_KEY, WXJAVA_APPID)
    assert crypto.encrypt("我是中文abcd123", random_prefix=b"aaaabbbbccccdddd") == WXJAVA_CIPHERTEXT
    assert crypto.decrypt(WXJAVA_CIPHERTEXT) == "我是中文abcd123"


@pytest.mark.parametrize("text", ["", "a", "x" * 31, "x" * 32, "😀 中文 ]]> \n", "y" * 5000])
def test_round_trip_including_block_boundaries(text):
    crypto = sample_crypto()
    encrypted = crypto.encrypt(text)
    assert crypto.decrypt(encrypted) == text
    assert len(base64.b64decode(encrypted)) % 32 == 0


def test_encrypt_uses_fresh_randomness():
    crypto = sample_crypto()
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_decrypt_refuses_other_appid():
    other = MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, "wx0000000000000000")
    with pytest.raises(DecryptError, match="appid"):
        other.decrypt(SAMPLE_ENCRYPT)


def _encrypt_raw(crypto: MessageCrypto, plain: bytes) -> str:
    """AES-256-CBC with IV = key[:16] straight from `cryptography`, to build payloads no SDK would."""
    key = decode_aes_key(SAMPLE_KEY)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def test_decrypt_refuses_length_prefix_beyond_plaintext():
    crypto = sample_crypto()
    plain = b"r" * 16 + (10_000).to_bytes(4, "big") + b"<xml/>" + SAMPLE_APPID.encode()
    plain += bytes([32 - len(plain) % 32]) * (32 - len(plain) % 32)
    with pytest.raises(DecryptError, match="length prefix"):
        crypto.decrypt(_encrypt_raw(crypto, plain))


@pytest.mark.parametrize("last_bytes", [b"\x00" * 32, b"\x21" * 32, b"\x05\x05\x05\x04\x05"])
def test_decrypt_refuses_bad_padding(last_bytes):
    crypto = sample_crypto()
    plain = b"r" * (64 - len(last_bytes)) + last_bytes
    with pytest.raises(DecryptError):
        crypto.decrypt(_encrypt_raw(crypto, plain))


@pytest.mark.parametrize("value", ["not base64!!", "", "YWJj", SAMPLE_ENCRYPT[:-8] + "%%%%%%%="])
def test_decrypt_refuses_malformed_input(value):
    with pytest.raises(DecryptError):
        sample_crypto().decrypt(value)


@pytest.mark.parametrize("key", ["short", SAMPLE_KEY + "A", "!" * 43])
def test_bad_encoding_aes_key_is_refused_at_construction(key):
    with pytest.raises(ValueError):
        MessageCrypto("t", key, "wx")


def test_reply_envelope_is_signed_and_decryptable():
    crypto = sample_crypto()
    envelope = parse_xml(
        crypto.encrypt_reply("<xml><Content><![CDATA[hi]]></Content></xml>", "nonce1", "1409735669")
    )
    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert envelope["TimeStamp"] == "1409735669"
    assert envelope["Nonce"] == "nonce1"
    check_msg_signature(SAMPLE_TOKEN, envelope["MsgSignature"], "1409735669", "nonce1", envelope["Encrypt"])
    assert crypto.decrypt(envelope["Encrypt"]) == "<xml><Content><![CDATA[hi]]></Content></xml>"
