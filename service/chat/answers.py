"""Reading residents' answers the way they type and dictate them: pure functions, no state, no ports.

Full-width digits, Chinese numerals, voice transcripts without punctuation, a relative's phone, a
landline, no phone at all, a scheme named in words, a field to change named in words.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from service.chat.forms import parse_count

# C0/C1 controls and zero-width or direction marks: pasted and dictated text carries them; never meant
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_DIGIT_WORDS = str.maketrans("零〇洞一幺二两三四五六七八九", "00011223456789")
_DIGIT_RUN = re.compile(r"[零〇洞一幺二两三四五六七八九]{7,}")
# an ID number's X read out by voice input: 叉, 艾克斯, 埃克斯 right after the digits
_SPOKEN_X = re.compile(r"(?<=\d)\s*(?:大写的?)?(?:叉|艾克斯|埃克斯|爱克斯|艾克思|埃克思)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{7,8})(?!\d)")
_LOCAL_ONLY = re.compile(r"(?<!\d)\d{7,8}(?!\d)")
_ID = re.compile(r"(?<![0-9])(\d{17}[\dXx])(?![0-9])")
_NO_PHONE = re.compile(r"没有|没得|没手机|没电话|无手机|不会用|不用手机|^无$|^没$|^木有")
_RELATIVES = ("儿子", "女儿", "闺女", "儿媳", "女婿", "孙子", "孙女", "外孙", "侄子", "侄女", "外甥", "老伴",
              "老头", "老婆", "媳妇", "丈夫", "爱人", "哥哥", "姐姐", "弟弟", "妹妹", "亲戚", "邻居", "村干部",
              "村主任", "村书记", "村会计", "网格员", "大儿", "二儿", "小儿", "大闺女", "他大", "他娘")
YES = {"是", "是的", "对", "对的", "对了", "嗯", "好", "好的", "中", "中的", "行", "可以", "确认", "没错", "就是"}
NO = {"不是", "不对", "否", "错了", "不是的", "不"}

INTAKE_WORDS = (  # a scheme named in words at a choice prompt; the first that occurs wins
    ("none", ("都不是", "都不", "别的", "其他", "其它", "人工")),
    ("child_welfare", ("儿童", "孩子", "孤儿", "娃", "小孩", "孙子", "孙女", "困境")),
    ("dibao", ("低保", "地保", "低包", "特困", "五保", "供养", "最低生活")),
    ("temporary_relief", ("临时", "救急", "急难", "救助")),
)


def cleaned(text: str | None) -> str:
    """A message without control or invisible characters, surrounding blanks gone."""
    return _CONTROLS.sub("", text or "").strip()


def typed(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC), digits said in words as digits when there are 7+,
    and an X dictated after digits (…002叉) as X."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPOKEN_X.sub("X", _DIGIT_RUN.sub(lambda m: m.group().translate(_DIGIT_WORDS), text))


def last4(text: str) -> str:
    """The last four of an ID number as typed or dictated: ００２ｘ, 零零二叉, 0 0 2 X → 002X."""
    plain = (text or "").translate(_DIGIT_WORDS)
    return re.sub(r"[\s\W_]+", "", typed(plain)).upper()


def bare(text: str) -> str:
    """For matching short replies: no punctuation, no blanks, NFKC."""
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text or ""))


def is_yes(text: str) -> bool:
    word = bare(text)
    return word in YES or word.rstrip("啊呀吧哦呢") in YES


def is_no(text: str) -> bool:
    return bare(text) in NO


@dataclass(frozen=True)
class Phone:
    kind: str  # "mobile", "relative", "landline", "none"
    number: str | None = None  # digits only (landline with its area code)
    whose: str = ""  # 儿子, 邻居: when the number is someone else's

    def note(self) -> str:
        """What the window reads about reaching the resident (in the application's description)."""
        if self.kind == "relative":
            return f"联系电话是{self.whose}的手机"
        if self.kind == "landline":
            return f"只有座机：{self.number}，没有手机（短信收不到，请打座机或通过村委会联系）"
        if self.kind == "none":
            return "申请人没有电话：请通过村委会联系或上门"
        return ""


def phone_of(value: object) -> Phone:
    """The stored phone answer (a plain number in conversations saved before landlines were taken)."""
    if isinstance(value, dict):
        return Phone(value.get("kind", "mobile"), value.get("number"), value.get("whose", ""))
    return Phone("mobile", str(value) if value else None)


def read_phone(text: str) -> tuple[Phone | None, str | None]:
    """A way to reach the resident, or the reason the answer is not one (a sentence for the resident)."""
    plain = typed(text)
    squeezed = re.sub(r"(?<=\d)[\s\-－—]+(?=\d)", "", plain)
    whose = _whose(plain)
    mobile = _MOBILE.search(squeezed)
    if mobile:
        return Phone("relative" if whose else "mobile", mobile.group(1), whose), None
    landline = _LANDLINE.search(re.sub(r"(?<=\d)[\s－—]+(?=\d)", "", plain))
    if landline and len(landline.group(1) + landline.group(2)) in (10, 11, 12):
        return Phone("landline", landline.group(1) + landline.group(2), whose), None
    if _LOCAL_ONLY.search(squeezed):
        return None, "座机号码请带上区号，比如 0561-1234567。"
    digits = re.sub(r"\D", "", squeezed)
    if find_id_number(plain):
        return None, "这像是身份证号码。这一步请发电话号码；没有电话就回复“没有”。"
    if digits:
        return None, f"手机号码应为1开头的11位数字，您发的是{len(digits)}位。"
    if _NO_PHONE.search(bare(plain)):
        return Phone("none"), None
    return None, "请发一个电话号码；没有电话就回复“没有”。"


def _whose(text: str) -> str:
    return next((word for word in _RELATIVES if word in text), "")


def read_intake(text: str) -> str | None:
    """临时救助, 低保, 孩子的事 → the intake; 都不是 → "none"; None when no scheme is named."""
    said = bare(text)
    for intake, words in INTAKE_WORDS:
        if any(word in said for word in words):
            return intake
    return None


def read_choice(text: str, count: int) -> int | None:
    """A menu answer 1..count: 1, １, 一, 第二个, 选3, 2号."""
    said = bare(text)
    match = re.fullmatch(r"(?:第|选|要)?([0-9零〇一二两三四五六七八九十]{1,2})(?:个|项|号|条|吧|啊)?", said)
    if not match:
        return None
    value = parse_count(match.group(1))
    return value if value is not None and 1 <= value <= count else None


def find_id_number(text: str) -> str | None:
    found = _first(_ID, typed(text), r"(?<=[0-9])[\s\-]+(?=[0-9Xx])")
    return found.upper() if found else None


def find_mobile(text: str) -> str | None:
    return _first(_MOBILE, typed(text), r"(?<=\d)[\s\-]+(?=\d)")


def _first(pattern: re.Pattern[str], text: str, gaps: str) -> str | None:
    """As written first (an ID then a phone, a blank between), else read out in groups (138 1234 5678)."""
    found = pattern.search(text) or pattern.search(re.sub(gaps, "", text))
    return found.group(1) if found else None


def name_part(text: str) -> str:
    """What is left of a message once its numbers are taken: 张三 13812345678 → 张三."""
    rest = re.sub(r"[0-9Xx+\-\s]{7,}", " ", typed(text))
    rest = re.sub(r"^(我叫|俺叫|我是|俺是|名字叫|名字是|叫|姓名)", "", rest.strip())
    rest = re.sub(r"(身份证号?码?是?|手机号?码?是?|电话号?码?是?)", " ", rest)
    return re.sub(r"[\s，,。.:：;；、]+", " ", rest).strip()


def birth_problem(id_number: str, today: dt.date) -> str | None:
    """The ID number's birth date as a sentence when it cannot be right (not a date, future, over 120)."""
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return "身份证号码里的出生日期不是真实的日子，请核对后再发。"
    if born > today:
        return "身份证号码里的出生日期在今天以后，请核对后再发。"
    if today.year - born.year > 120:
        return f"身份证号码里的出生年份是{born.year}年，超过120岁了，请核对后再发。"
    return None


def read_age(text: str, today: dt.date) -> tuple[int | None, str | None]:
    """A child's age from 8, 八岁, 8岁半, 2016年生的; the reason when it cannot be a child's."""
    plain = typed(text)
    year = re.search(r"((?:19|20)\d\d)\s*年", plain)
    if year:
        born = int(year.group(1))
        if born > today.year:
            return None, "出生年份在今年以后，请核对后再发。"
        age = today.year - born
    elif re.search(r"个?月|刚生|刚出生", plain) and "岁" not in plain:
        age = 0  # 三个月, 刚出生: a baby
    else:
        age = parse_count(re.sub(r"(岁|周岁|虚岁).*$", "", plain) or plain)
        if age is None:
            return None, "请回复孩子的年龄，比如 8 或“八岁”。"
    if not 0 <= age <= 17:
        return None, "儿童福利是给不满18岁的孩子的，请核对孩子的年龄。"
    return age, None


CHANGE_WORDS = (  # at the summary: which answer the resident wants to change
    ("child_name", ("孩子名字", "孩子姓名", "孩子叫", "娃的名字", "娃名字")),
    ("child_age", ("年龄", "几岁", "岁数", "多大")),
    ("child_situation", ("孩子情况", "孩子的情况", "娃的情况")),
    ("guardian_relation", ("关系",)),
    ("id_number", ("身份证", "证号", "身份号")),
    ("phone", ("电话", "手机", "号码", "联系")),
    ("village", ("村", "户籍", "地址", "住址", "镇", "户口")),
    ("income", ("收入", "挣", "工资")),
    ("household", ("人口", "几口", "人数", "口人")),
    ("situation", ("情况", "困难")),
    ("name", ("名字", "姓名", "名")),
)
_CHANGE_VERB = re.compile(r"改|错|不对|修改|更正|换|重填|写错|填错")
_ALIASES = {"name": "guardian_name", "id_number": "guardian_id_number", "village": "child_village",
            "situation": "child_situation"}


def field_to_change(text: str, fields: tuple[str, ...]) -> str | None:
    """改电话, 名字错了, 村写错了, or the field's number in the summary → the field's key; else None."""
    said = bare(text)
    number = re.fullmatch(r"(?:改|修改)?(?:第)?([0-9一二三四五六七八九十]{1,2})(?:项|条|个)?", said)
    if number and said not in {"1", "2", "一", "二"}:
        value = parse_count(number.group(1))
        at = (value or 0) - 3  # the summary numbers fields from 3: 1 submits, 2 starts over
        return fields[at] if 0 <= at < len(fields) else None
    if not _CHANGE_VERB.search(said):
        return None
    for key, words in CHANGE_WORDS:
        if any(word in said for word in words):
            for candidate in (key, _ALIASES.get(key)):
                if candidate in fields:
                    return candidate
    return None
