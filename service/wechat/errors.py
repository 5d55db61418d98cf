"""Reasons to refuse a WeChat callback request, each with the HTTP status the view should answer."""


class CallbackError(Exception):
    """Base of every refusal; catch this one in the view."""

    http_status = 400


class NotAuthentic(CallbackError):
    """The request cannot be shown to come from WeChat, now, once."""

    http_status = 403


class InvalidSignature(NotAuthentic):
    """signature or msg_signature missing or wrong: the request did not come from WeChat."""


class StaleTimestamp(NotAuthentic):
    """Signed, but outside the timestamp window: an old request (from an access log) played again."""


class Replayed(NotAuthentic):
    """A signature already used with another body: in plaintext mode the signature does not cover it."""


class PlaintextRefused(NotAuthentic):
    """Plaintext while an EncodingAESKey is configured: only the encrypted, body-signed form is trusted."""


class ProtocolError(CallbackError):
    """The body is not a WeChat message we can read (not XML, missing fields, wrong mode)."""


class BodyTooLarge(ProtocolError):
    http_status = 413


class UnsafeXML(ProtocolError):
    """DTDs, entities and external references are never legitimate in a callback."""


class DecryptError(ProtocolError):
    """Encrypt field unusable: bad base64, bad padding, length or appid mismatch."""
