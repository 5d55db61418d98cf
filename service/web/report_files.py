"""The monthly report as files: CSV (UTF-8 with BOM, so Excel and WPS open the Chinese right) and XLSX."""

import csv
import io
from decimal import Decimal

from service.web.report_data import COLUMNS, DEFINITIONS


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def to_csv(title: str, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow([heading for _key, heading in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _heading in COLUMNS])
    writer.writerow([])
    for line in DEFINITIONS:
        writer.writerow([line])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "月报"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([heading for _key, heading in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        values = []
        for key, _heading in COLUMNS:
            value = row[key]
            values.append(float(value) if isinstance(value, Decimal) else value)
        sheet.append(values)
        if row.get("intake") == "total":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for column in ("F", "H"):  # amounts in yuan with two decimals
        for cell in sheet[column][2:]:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 24
    for letter in "BCDEFGHIJ":
        sheet.column_dimensions[letter].width = 14
    sheet.append([])
    for line in DEFINITIONS:
        sheet.append([line])
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
