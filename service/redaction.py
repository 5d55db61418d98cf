"""Personal data never reaches a log line: ID numbers, mobile numbers and openids are masked in every
record (message, arguments, exception text, stack, extra fields), whoever logged it — our code,
SQLAlchemy, psycopg or a library. Installed once per process as the log-record factory."""

from __future__ import annotations

import logging
import re

_D = "0-9０-９"  # residents type full-width digits; a log line quoting them must be masked too
_ID_NUMBER = re.compile(rf"(?<![{_D}])[1-9１-９][{_D}]{{16}}[{_D}XxＸｘ](?![{_D}A-Za-z])")
_MOBILE = re.compile(rf"(?<![{_D}])[1１][3-9３-９][{_D}]{{9}}(?![{_D}])")
_OPENID = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")  # WeChat openids: 28 chars


def redact(text: str) -> str:
    """The text with every ID number, mobile number and openid in it masked."""
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda m: m.group()[:3] + "*" * 15, text)
    text = _MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], text)
    return _OPENID.sub(lambda m: m.group()[:4] + "…" + m.group()[-2:], text)


def redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v) for v in value)
    return value


_plain = logging.Formatter()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask a record in place: the message is rendered once (so no argument escapes), exceptions are
    rendered to text and the live exception dropped, so no handler can print what the filter did not see."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001  (a bad format string must not lose the log line)
        message = f"{record.msg!r} {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = _plain.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class PersonalDataFilter(logging.Filter):
    """For handlers: also masks the structured `fields` a record carries (added after the factory ran)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        if isinstance(getattr(record, "fields", None), dict):
            record.fields = redact_value(record.fields)
        return True


def install() -> None:
    """Every record created from now on in this process is masked, before any handler sees it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacting", False):
        return

    def factory(*args, **kwargs):
        return redact_record(previous(*args, **kwargs))

    factory.redacting = True
    logging.setLogRecordFactory(factory)
