"""What each intake asks a resident in the chat, and reading numbers the way people type them."""

import re

from service.intake.procedures import INTAKES, definition

# what the chat asks for each intake, in order: the intake's procedure definition says (chat.fields)
FIELDS_BY_INTAKE = {intake: definition(intake).chat_fields for intake in INTAKES}
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9,
                   "俩": 2, "仨": 3}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_count(text: str) -> int | None:
    """3, ３, 三, 十二, 3口人, 一家五口 → the number; None when there is none."""
    text = (text or "").translate(_FULL_WIDTH)
    counted = re.search(r"([\d零〇一二两三四五六七八九十俩仨]+)\s*(口|个人|人)", text)
    if counted:  # 一家五口: the number next to 口/人, not the 一 of 一家
        text = counted.group(1)
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    chars = re.search(r"[零〇一二两三四五六七八九十俩仨]+", text)
    if not chars:
        return None
    word = chars.group()
    if "十" in word:
        tens, _, ones = word.partition("十")
        return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
    return _CHINESE_DIGITS.get(word[0])


def parse_choice(text: str, count: int) -> int | None:
    """A menu answer 1..count, from '1', '１', '一', '第一个', '1.'."""
    value = parse_count((text or "").strip()[:4])
    return value if value is not None and 1 <= value <= count else None

