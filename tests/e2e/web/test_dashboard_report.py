"""County dashboard and monthly report: the figures, the charts, the CSV and XLSX files."""

import csv
import io

import pytest
from openpyxl import load_workbook

from service.clock import today as beijing_today
from tests.e2e.web.conftest import as_user, open_case, step

MONTH = f"{beijing_today():%Y-%m}"


@pytest.fixture
def month_of_work(county):
    """This month in 孙疃镇 and 临涣镇: an approval, a 先行救助, a refusal, and two still open."""
    approved = open_case(county, phone="13800000001", name="李桂兰", intake="temporary_relief",
                         description="做手术花了八万多", household_size=3)
    for action in ("accept", "start_investigation"):
        step(county, "suntuan", approved["case_no"], action)
    step(county, "suntuan", approved["case_no"], "approve", amount="400", first_month=MONTH, confirm_missing=True)
    urgent = open_case(county, phone="13800000002", name="王建国", intake="temporary_relief", urgent=True,
                       description="昨晚家里失火", household_size=4)
    step(county, "suntuan", urgent["case_no"], "emergency_aid", amount="500")
    refused = open_case(county, village="临涣村", phone="13800000003", name="赵德明", household_size=2)
    step(county, "linhuan", refused["case_no"], "reject", reason="家庭收入高于本县低保标准")
    open_case(county, phone="13800000004", name="陈玉梅", intake="child_welfare", description="孩子父母都去世了")
    open_case(county, village="临涣村", phone="13800000005", name="杨志刚")
    return county


def report_rows(text: str) -> dict[str, list[str]]:
    lines = list(csv.reader(io.StringIO(text)))
    return {line[0]: line[1:] for line in lines[1:] if line and len(line) > 1}


def test_dashboard_shows_each_measure_with_a_chart(app, month_of_work):
    reviewer = as_user(app, "county")
    page = reviewer.get(f"/staff/dashboard?month={MONTH}")
    assert page.status_code == 200
    html = page.text
    assert html.count('<svg class="chart"') == 4 and 'role="img"' in html
    for heading in ("本月收到的申请", "当前超期未办", "平均办理工作日", "先行救助（本月支付）", "类别 × 乡镇 × 当前状态"):
        assert heading in html
    assert "500.00" in html  # 先行救助 paid in 孙疃镇
    assert "<script" not in html  # charts are drawn on the server


def test_dashboard_month_selector_and_township_filter(app, month_of_work):
    reviewer = as_user(app, "county")
    bad = reviewer.get("/staff/dashboard?month=2026-13")
    assert bad.status_code == 422 and "月份格式应为" in bad.text
    empty = reviewer.get("/staff/dashboard?month=2001-01").text
    assert "暂无数据" in empty
    one = reviewer.get(f"/staff/dashboard?month={MONTH}&township_id={month_of_work['townships']['临涣镇']}").text
    assert "临涣镇" in one and "<th scope=\"row\">孙疃镇</th>" not in one


def test_monthly_report_csv_has_the_bureau_figures(app, month_of_work):
    reviewer = as_user(app, "county")
    page = reviewer.get(f"/staff/reports/monthly?month={MONTH}")
    assert page.status_code == 200 and "口径说明" in page.text and "救助（人次）" in page.text
    response = reviewer.get(f"/staff/reports/monthly.csv?month={MONTH}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS read the Chinese right
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("濉溪县社会救助受理月报")
    rows = report_rows(text)
    assert rows["救助类别"][:5] == ["本月新申请（件）", "批准（户）", "批准（人）", "救助（人次）", "救助金额（元）"]
    # new, households, people, person-times, yuan, aid person-times, aid yuan, refused, average days
    assert rows["临时救助"] == ["2", "1", "3", "7", "900.00", "4", "500.00", "0", "0.0"]
    assert rows["最低生活保障（含特困）"][:8] == ["2", "0", "0", "0", "0.00", "0", "0.00", "1"]
    assert rows["儿童福利"][0] == "1"
    assert rows["合计"][:8] == ["5", "1", "3", "7", "900.00", "4", "500.00", "1"]


def test_monthly_report_xlsx_matches(app, month_of_work):
    reviewer = as_user(app, "county")
    response = reviewer.get(f"/staff/reports/monthly.xlsx?month={MONTH}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value.startswith("濉溪县社会救助受理月报")
    by_label = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert by_label["临时救助"][:7] == (2, 1, 3, 7, 900.0, 4, 500.0)
    assert by_label["合计"][0] == 5


def test_township_report_counts_only_that_township(app, month_of_work):
    reviewer = as_user(app, "county")
    township = month_of_work["townships"]["临涣镇"]
    rows = report_rows(reviewer.get(f"/staff/reports/monthly.csv?month={MONTH}&township_id={township}")
                       .data.decode("utf-8-sig"))
    assert rows["合计"][0] == "2" and rows["最低生活保障（含特困）"][7] == "1"


def test_window_clerks_and_operators_cannot_open_the_county_figures(app, county):
    for username in ("suntuan", "hotline"):
        user = as_user(app, username)
        for url in ("/staff/dashboard", "/staff/reports/monthly", "/staff/reports/monthly.csv"):
            assert user.get(url).status_code == 403, (username, url)
