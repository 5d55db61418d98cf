"""Reading untrusted WeChat XML safely and writing CDATA that cannot break out."""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import BodyTooLarge, ProtocolError, UnsafeXML

DEFAULT_MAX_BODY = 16 * 1024

# Everything outside XML 1.0's Char production (C0 controls, lone surrogates, U+FFFE/U+FFFF).
_ILLEGAL_XML_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_C0_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))


def strip_illegal_xml_chars(text: str) -> str:
    return _ILLEGAL_XML_CHARS.sub("", text)


def cdata(text: str) -> str:
    """Wrap text in CDATA; ']]>' is split across two sections so it cannot close the first early."""
    return "<![CDATA[" + strip_illegal_xml_chars(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def parse_xml(body: bytes | str, max_bytes: int = DEFAULT_MAX_BODY) -> dict[str, Any]:
    """Parse a WeChat <xml> document into a dict; nested elements become dicts, repeats become lists.

    Raises BodyTooLarge, UnsafeXML (any DTD, entity or external reference) or ProtocolError.
    """
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if len(data) > max_bytes:
        raise BodyTooLarge(f"body is {len(data)} bytes, limit {max_bytes}")
    if not data.strip():
        raise ProtocolError("empty body")
    # a resident's message may carry C0 controls (pasted text, some keyboards) that XML 1.0 forbids; WeChat
    # passes them on raw, and refusing the body would make WeChat retry and then show "service unavailable".
    # In UTF-8 these bytes never occur inside a multi-byte character, so dropping them is safe.
    data = data.translate(None, _C0_BYTES)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXML(type(exc).__name__) from None
    except (ParseError, ValueError) as exc:
        raise ProtocolError(f"not well-formed XML: {exc}") from None
    if root.tag != "xml":
        raise ProtocolError("root element is not <xml>")
    return _children(root)


def _children(element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        value: Any = _children(child) if len(child) else (child.text or "")
        if child.tag in out:
            previous = out[child.tag]
            out[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[child.tag] = value
    return out
