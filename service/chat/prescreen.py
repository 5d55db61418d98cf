"""The 低保 pre-screen: the household's monthly income as residents say it, and how it compares with the
county's standard, in plain words that never turn anyone away (应保尽保: the window decides, not the bot).

Pure functions: no Flask, no database. The standard comes from the ports (the county's version in force).
Only 低保 asks (its chat.fields in procedures.json): 临时救助 is judged by the hardship and the spending.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from service.chat import prompts as P

SKIP = re.compile(r"不知道|不清楚|说不清|说不好|不好说|不晓得|不知|不想说|不说|跳过|算不清|没算过|不一定")
NONE = re.compile(r"^(没有?|无|木有|没得|零|0)$|没收入|没有收入|无收入|没得收入|没啥收入|没什么收入|没进项|没钱")
_YEAR = re.compile(r"年")
# words around the number that are not the number: 一家人, 一个月, 每年, 3口人
_PERIOD = re.compile(r"一家人?|全家|(?:一|每|1)个?(?:年|月)|全年|[\d一二两三四五六七八九十俩仨]+口人?")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# a number of yuan: digits, or Chinese numerals with a unit (一个人, 二亩地 are not money)
_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?\s*[万千百]?|[零〇一幺二两俩三仨四五六七八九]*[十百千万][零〇一幺二两俩三仨四五六七八九十百千万]*"
                     r"|[零〇一幺二两俩三仨四五六七八九]+(?=元|块))(?![\d亩口个人岁头只间斤])")
MAX_MONTHLY = 1_000_000  # beyond this it is a typo or an ID number, not an income


def read_income(text: str) -> tuple[str, int | None]:
    """("amount", 元 per month), ("none", 0), ("skip", None) or ("unclear", None).

    2000, 两千, 一千五 (1500), 大概1500块, 三百多, 1.5万, 一年一万二 (per month: 1000), 没收入, 不知道."""
    said = re.sub(r"[\s,，。.!！?？、]+(?!\d)", "", unicodedata.normalize("NFKC", text or ""))
    said = said.replace(",", "")
    if SKIP.search(said):
        return "skip", None
    if NONE.search(said):
        return "none", 0
    yearly = bool(_YEAR.search(said)) and "月" not in said.replace("个月", "").replace("每月", "").replace("一月", "")
    said = _PERIOD.sub("", said)
    found = _NUMBER.search(said)
    if not found:
        return "unclear", None
    value = _number(found.group())
    if value is None or value > MAX_MONTHLY:
        return "unclear", None
    if 0 < value < 10 and not re.search(r"[元块万千百]", said):
        return "unclear", None  # a household living on "2" a month: a slip (the household size again?), ask
    if yearly:
        value = value / 12
    return ("none", 0) if value == 0 else ("amount", int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)))


def _number(word: str) -> float | None:
    word = word.strip()
    digits = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([万千百]?)", word)
    if digits:
        return float(digits.group(1)) * _UNITS.get(digits.group(2), 1)
    return _chinese(word)


def _chinese(word: str) -> int | None:
    """一千五 → 1500, 两万三 → 23000, 三百五 → 350, 一千零五十 → 1050, 十二 → 12, 一万二千 → 12000."""
    total, section, digit, last_unit = 0, 0, None, None
    for char in word:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
            last_unit = unit
        else:
            return None
    if digit is not None:  # 一千五: the trailing digit counts in the unit below the last one said
        if last_unit and last_unit >= 100 and not word.endswith("零" + word[-1]):
            digit *= last_unit // 10
        section += digit
    value = total + section
    return value if any(c in _UNITS or c in _DIGITS for c in word) else None


def area_of(village_code: str | None) -> str | None:
    """A village's 12-digit statistical code says which: 001–199 a residents' committee (社区, urban),
    200–399 a villagers' committee (村, rural); None when the code is missing."""
    if not village_code or len(village_code) != 12 or not village_code.isdigit():
        return None
    number = int(village_code[9:])
    if 1 <= number <= 199:
        return "urban"
    if 200 <= number <= 399:
        return "rural"
    return None


def money(value: Decimal | int) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def comparison(kind: str, monthly: int | None, household: int | None, standard: dict | None) -> str:
    """What the resident is told after the income answer. Never a refusal: above the line still applies."""
    if kind == "skip" or monthly is None:
        return P.INCOME_SKIPPED
    if not standard or not household:
        return P.INCOME_NOTED
    line = Decimal(standard["monthly"])
    per_person = Decimal(monthly) / household
    shown = money(per_person.quantize(Decimal(1), ROUND_HALF_UP))
    which = {"urban": "城市", "rural": "农村"}.get(standard.get("area", ""), "")
    estimated = P.RURAL_ESTIMATE if standard.get("estimated") else ""
    each = P.NO_INCOME if monthly == 0 else P.PER_PERSON.format(amount=shown)
    words = {"each": each, "which": which, "line": money(line), "estimated": estimated}
    if shown == money(line.quantize(Decimal(1), ROUND_HALF_UP)):  # 439.33 against 439: not "above" in words
        return P.CLOSE.format(**words)
    return (P.BELOW if per_person < line else P.ABOVE).format(**words)


def description_note(value: dict | None) -> str:
    """What the window reads in the application's description: the resident's own rough figure."""
    if not value or value.get("monthly") is None:
        return ""
    amount = "没有收入" if value["monthly"] == 0 else f"约{value['monthly']}元"
    return f"家庭月收入（居民自述，仅供参考）：{amount}（原话：{value.get('said', '')[:30]}）"
