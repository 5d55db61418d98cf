"""Administrative division codes and place names, checked before anything is written: pure functions
with the Chinese messages a county's IT officer reads.

A county has a 6-digit GB/T 2260 code (340621 濉溪县). Below it the National Bureau of Statistics'
division codes: 9 digits for a township (340621109 孙疃镇) and 12 for a village or community whose first
9 digits are its township's (340621109201). The bureau's own table writes townships with 12 digits ending
in 000 (340621109000); that form is read as the 9-digit code.
"""

from __future__ import annotations

import re

# GB/T 2260 province-level prefixes (71 台湾, 81 香港, 82 澳门 included, as in the standard)
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82})
TOWNSHIP, VILLAGE = "township", "village"
KIND_LABELS = {TOWNSHIP: "乡镇", VILLAGE: "村（社区）"}
NAME_MAX = 40  # the columns' width
# China's extent, with a margin: a position outside it is a typo or latitude and longitude swapped
LAT_RANGE, LNG_RANGE = (3.0, 54.0), (73.0, 136.0)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def county_code_problem(code: str) -> str | None:
    """Why `code` is not a county-level GB/T 2260 code (None when it is one)."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return "县级行政区划代码应为 6 位数字（GB/T 2260），如 340621"
    if int(code[:2]) not in PROVINCES:
        return f"{code} 的前两位 {code[:2]} 不是省级代码"
    if code[2:4] == "00" or code[4:] == "00":
        return f"{code} 是省或地级市的代码，请填县（市、区）的代码，末两位不为 00"
    return None


def normalise_division_code(raw: str) -> str:
    """Spaces dropped; the statistics table's 12-digit township form (…000) read as 9 digits."""
    code = re.sub(r"\s+", "", raw or "")
    return code[:9] if len(code) == 12 and code.isdigit() and code.endswith("000") else code


def division_kind(code: str) -> str | None:
    if re.fullmatch(r"\d{9}", code):
        return TOWNSHIP
    if re.fullmatch(r"\d{12}", code):
        return VILLAGE
    return None


def division_code_problem(code: str, county_code: str) -> str | None:
    """Why `code` (normalised) cannot be a township or village of the county `county_code`."""
    if not code:
        return "代码为空"
    if _SCIENTIFIC.match(code):
        return f"代码「{code}」被表格软件改成了科学计数法：请把代码列设为“文本”后重新导出"
    kind = division_kind(code)
    if kind is None:
        return f"代码「{code}」应为 9 位（乡镇）或 12 位（村、社区）数字"
    if not code.startswith(county_code):
        return f"代码 {code} 不属于本县（本县代码 {county_code}，前 6 位应相同）"
    if code[6:9] == "000":
        return f"代码 {code} 的第 7–9 位不能是 000（那是县本身）"
    if kind == VILLAGE and code[9:] == "000":
        return f"代码 {code} 的末 3 位不能是 000"
    return None


def township_code_of(village_code: str) -> str:
    return village_code[:9]


def name_problem(name: str, what: str = "名称") -> str | None:
    """Why `name` (already stripped) cannot be a place's or person's name."""
    if not name:
        return f"{what}不能为空"
    if len(name) > NAME_MAX:
        return f"{what}最多 {NAME_MAX} 个字（现有 {len(name)} 个）"
    if _CONTROL.search(name):
        return f"{what}含有换行或控制字符"
    return None


def position(lat_raw: str, lng_raw: str) -> tuple[float | None, float | None]:
    """(lat, lng) from two texts, both empty for none; ValueError with the reason otherwise."""
    lat_raw, lng_raw = (lat_raw or "").strip(), (lng_raw or "").strip()
    if not lat_raw and not lng_raw:
        return None, None
    if not lat_raw or not lng_raw:
        raise ValueError("纬度和经度要么都填，要么都不填")
    try:
        lat, lng = float(lat_raw), float(lng_raw)
    except ValueError:
        raise ValueError(f"纬度「{lat_raw}」或经度「{lng_raw}」不是数字（应为十进制度数，如 33.595）") from None
    in_lat = LAT_RANGE[0] <= lat <= LAT_RANGE[1]
    in_lng = LNG_RANGE[0] <= lng <= LNG_RANGE[1]
    if not in_lat and not in_lng and LAT_RANGE[0] <= lng <= LAT_RANGE[1] and LNG_RANGE[0] <= lat <= LNG_RANGE[1]:
        raise ValueError(f"纬度 {lat}、经度 {lng} 似乎填反了（纬度在前，约 3–54；经度在后，约 73–136）")
    if not in_lat:
        raise ValueError(f"纬度 {lat} 不在中国境内（应在 {LAT_RANGE[0]:g}–{LAT_RANGE[1]:g} 之间）")
    if not in_lng:
        raise ValueError(f"经度 {lng} 不在中国境内（应在 {LNG_RANGE[0]:g}–{LNG_RANGE[1]:g} 之间）")
    return round(lat, 6), round(lng, 6)
