"""Reading a divisions CSV (`code,name[,lat,lng]`) into checked rows: pure, no database.

Every problem is reported with its line number, all at once, so the IT officer fixes the file in one go.
The checks that need the database (a village's township already imported, a name or code held by another
place) are the import use case's (service.county.divisions).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from service.county import codes

MAX_BYTES = 2 * 1024 * 1024  # a county has at most a few thousand villages: ~100 KB
MAX_ROWS = 20_000
COLUMNS = {  # accepted header names → column
    "code": "code", "代码": "code", "区划代码": "code", "统计用区划代码": "code",
    "name": "name", "名称": "name",
    "lat": "lat", "latitude": "lat", "纬度": "lat",
    "lng": "lng", "lon": "lng", "longitude": "lng", "经度": "lng",
}


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    name: str
    kind: str  # codes.TOWNSHIP | codes.VILLAGE
    lat: float | None = None
    lng: float | None = None

    @property
    def township_code(self) -> str:
        return self.code if self.kind == codes.TOWNSHIP else codes.township_code_of(self.code)


@dataclass
class ParsedFile:
    rows: list[Row]
    problems: list[tuple[int, str]]  # (line, message); line 0 is the file as a whole
    notes: list[str]
    refused: dict[str, int] = field(default_factory=dict)  # well-formed codes of refused rows → line

    @property
    def readable(self) -> bool:
        """Rows could be read (a problem, if any, is in rows, not in the file as a whole)."""
        return not any(line == 0 for line, _ in self.problems) and bool(self.rows or self.refused or self.problems)


def decode(data: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """The text of the file, or the line and reason it cannot be read: UTF-8 with or without BOM only."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, (0, "这是 Excel 工作簿，不是 CSV：请在 Excel/WPS 中“另存为 → CSV UTF-8（逗号分隔）”后再导入")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, (0, "文件是 UTF-16 编码：请另存为“CSV UTF-8（逗号分隔）”后再导入")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            return None, (line, "文件不是 UTF-8 编码，无法识别：请另存为“CSV UTF-8（逗号分隔）”后再导入")
        return None, (line, "文件是 GBK（GB2312/GB18030）编码，不是 UTF-8：请在 Excel/WPS 中“另存为 → CSV UTF-8"
                            "（逗号分隔）”，或用记事本另存为 UTF-8 后再导入")
    if "\x00" in text:
        return None, (text[: text.index("\x00")].count("\n") + 1, "文件含有空字符（\\0），不是文本 CSV")
    return text, None


def parse(data: bytes, county_code: str) -> ParsedFile:
    result = ParsedFile([], [], [])
    if len(data) > MAX_BYTES:
        result.problems.append((0, f"文件过大（{len(data) // 1024} KB），上限 {MAX_BYTES // 1024 // 1024} MB"))
        return result
    text, problem = decode(data)
    if problem:
        result.problems.append(problem)
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _header(reader, result)
    if header is None:
        return result
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    previous = line = reader.line_num
    try:
        for values in reader:
            line, previous = previous + 1, reader.line_num  # a quoted value may span lines: its first line
            if not any(v.strip() for v in values):
                continue  # blank line
            if len(result.rows) + len(result.problems) >= MAX_ROWS:
                result.problems.append((line, f"行数超过上限 {MAX_ROWS}"))
                break
            row = _row(line, values, header, county_code, result)
            if row is None:
                continue
            if row.code in seen_codes:
                result.problems.append((line, f"代码 {row.code} 与第 {seen_codes[row.code]} 行重复"))
                continue
            name_key = (row.township_code if row.kind == codes.VILLAGE else "", row.name)
            if name_key in seen_names:
                where = "同一乡镇下" if row.kind == codes.VILLAGE else "乡镇"
                result.problems.append((line, f"{where}名称「{row.name}」与第 {seen_names[name_key]} 行重复"))
                continue
            seen_codes[row.code] = line
            seen_names[name_key] = line
            result.rows.append(row)
    except csv.Error as exc:  # an unclosed quote runs to the end of the file
        result.problems.append((previous + 1, f"CSV 格式错误：{exc}（常见原因：引号没有成对）"))
    if not result.rows and not result.problems:
        result.problems.append((0, "文件中没有乡镇或村的数据行"))
    result.problems.sort(key=lambda p: p[0])
    return result


def _header(reader, result: ParsedFile) -> dict[str, int] | None:
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        names = [v.strip().lower() for v in values]
        header: dict[str, int] = {}
        ignored = []
        for index, name in enumerate(names):
            column = COLUMNS.get(name)
            if column is None or column in header:
                ignored.append(values[index].strip() or f"第{index + 1}列")
            else:
                header[column] = index
        missing = [c for c in ("code", "name") if c not in header]
        if missing:
            result.problems.append((reader.line_num, "第一行应是表头，至少要有 code 和 name 两列（也可写 代码、名称；"
                                                     "可选 lat、lng 即纬度、经度），缺少：" + "、".join(missing)))
            return None
        if ("lat" in header) != ("lng" in header):
            result.problems.append((reader.line_num, "表头中 lat（纬度）和 lng（经度）要么都有，要么都没有"))
            return None
        if ignored:
            result.notes.append("未使用的列：" + "、".join(ignored))
        header["_width"] = len(values)
        return header
    result.problems.append((0, "文件是空的"))
    return None


def _row(line: int, values: list[str], header: dict[str, int], county_code: str,
         result: ParsedFile) -> Row | None:
    def cell(column: str) -> str:
        index = header.get(column)
        return values[index].strip() if index is not None and index < len(values) else ""

    if len(values) > header["_width"] and any(v.strip() for v in values[header["_width"]:]):
        result.problems.append((line, f"本行有 {len(values)} 列，表头只有 {header['_width']} 列"
                                      "（名称中的逗号请用引号括起来）"))
        return None
    raw = cell("code")
    if raw in (county_code, county_code + "000", county_code + "000000"):
        result.notes.append(f"第 {line} 行是本县自身（{raw}），已跳过")
        return None
    code = codes.normalise_division_code(raw)
    problems = []
    if problem := codes.division_code_problem(code, county_code):
        problems.append(problem)
    name = cell("name")
    if problem := codes.name_problem(name):
        problems.append(problem)
    lat = lng = None
    try:
        lat, lng = codes.position(cell("lat"), cell("lng"))
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        result.problems.extend((line, p) for p in problems)
        if codes.division_kind(code) and not codes.division_code_problem(code, county_code):
            result.refused.setdefault(code, line)
        return None
    return Row(line, code, name, codes.division_kind(code), lat, lng)
