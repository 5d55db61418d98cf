"""Resident identifiers: ID numbers (GB 11643-1999), mobile numbers, and how they are shown masked."""

import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would let other scripts through
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


def typed(raw: str | None) -> str:
    """What a person typed, as plain characters: full-width digits and letters (Chinese keyboards, 全角 X)
    become ASCII (NFKC), surrounding blanks go."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def normalise_id_number(raw: str) -> str:
    # Residents type full-width digits and a lower-case x; spaces come from reading it out in groups.
    return re.sub(r"[\s-]", "", typed(raw)).upper()


def normalise_last4(raw: str | None) -> str:
    """The last four characters of an ID number as a resident types them: ００２ｘ, 002x, ' 002X '."""
    return re.sub(r"\s", "", typed(raw)).upper()


def id_number_problem(raw: str) -> str | None:
    """What is wrong with an ID number, in words a clerk or resident understands; None if valid."""
    value = normalise_id_number(raw)
    if not value:
        return "请填写身份证号码"
    if len(value) != 18:
        return f"身份证号码应为18位，现在是{len(value)}位"
    if not _ID_SHAPE.match(value):
        return "身份证号码前17位应为数字，最后一位为数字或X"
    month, day = int(value[10:12]), int(value[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31) or int(value[6:10]) < 1880:
        return "身份证号码中的出生日期不正确"
    if value[17] != check_character(value[:17]):
        return "身份证号码校验位不对，请核对是否有数字输错"
    return None


def check_character(first17: str) -> str:
    """The 18th character GB 11643 derives from the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_phone(raw: str) -> str:
    value = re.sub(r"[\s-]", "", typed(raw))
    return value[3:] if value.startswith("+86") else value


def phone_problem(raw: str) -> str | None:
    value = normalise_phone(raw)
    if not value:
        return "请填写手机号码"
    if not _PHONE.match(value):
        return "手机号码应为以1开头的11位数字"
    return None


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters, as the issue and the bureau's practice ask."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    return value[:3] + "****" + value[-4:] if value and len(value) == 11 else value


def mask_name(value: str) -> str:
    # 张三 → 张*, 欧阳小明 → 欧***: enough for a clerk to recognise a caller, not for a stranger.
    return value[:1] + "*" * max(len(value) - 1, 1) if value else value


def mask_openid(openid: str | None) -> str:
    """A WeChat account as logs and staff see it: enough to tell two apart, not to message one."""
    if not openid:
        return "-"
    return openid[:4] + "…" + openid[-2:] if len(openid) > 8 else "…"
