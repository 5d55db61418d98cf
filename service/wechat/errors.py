"""Reasons to refuse a WeChat callback request, each with the HTTP status the view should answer."""


class CallbackError(Exception):
    """Base of every refusal; catch this one in the view."""

    http_status = 400


class InvalidSignature(CallbackError):
    """signature or msg_signature missing or wrong: the request did not come from WeChat."""

    http_status = 403


class ProtocolError(CallbackError):
    """The body is not a WeChat message we can read (not XML, missing fields, wrong mode)."""


class BodyTooLarge(ProtocolError):
    http_status = 413


class UnsafeXML(ProtocolError):
    """DTDs, entities and external references are never legitimate in a callback."""


class DecryptError(ProtocolError):
    """Encrypt field unusable: bad base64, bad padding, length or appid mismatch."""
