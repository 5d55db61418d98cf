"""Encryption at rest and keyed look-up hashes for personal data (PIPL: ID numbers never stored in clear)."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, purpose: bytes) -> bytes:
    # One configured secret, separate subkeys, so the look-up hash never shares a key with the cipher.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"relief-intake", info=purpose).derive(
        secret.encode("utf-8")
    )


class FieldProtector:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("FIELD_ENCRYPTION_KEY is empty")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"field-encryption")))
        self._hash_key = _derive(secret, b"lookup-hash")

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("field cannot be decrypted with the configured key") from exc

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
