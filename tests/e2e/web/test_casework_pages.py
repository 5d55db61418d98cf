"""The case page's casework: the materials checklist marked item by item, and the county's approval form
showing the means test and proposing its amount (an override needs a reason, shown in the history)."""

import datetime as dt
import re

from service.intake import materials_services, services
from tests.e2e.web.conftest import as_user
from tests.e2e.web.test_detail_page import version_of
from tests.integration.casework_helpers import TODAY, accepted, record, save


def _at_county(county) -> str:
    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    for action, day in (("start_investigation", TODAY), ("start_public_notice", TODAY),
                        ("close_public_notice", TODAY + dt.timedelta(days=10)),
                        ("submit_to_county", TODAY + dt.timedelta(days=10))):
        services.act(county["actors"]["suntuan"], case_no, action, {}, None, today=day)
    return case_no


def test_the_approval_form_shows_the_computation_and_proposes_the_amount(app, county):
    case_no = _at_county(county)
    reviewer = as_user(app, "county")
    page = reviewer.get(f"/staff/applications/{case_no}").text
    assert re.search(r'id="per-capita-income">266.67 元<', page) and re.search(r'id="standard">439 元/月<', page)
    assert "人均月收入 266.67 元，低于标准 439 元" in page
    assert "（439 − 266.67）× 3 人" in page  # the 补差 worked out
    assert re.search(r'id="proposed-amount">517<', page)
    assert re.search(r'id="approve-amount"[^>]*value="517"', page)  # the amount field starts at the proposal
    month = re.search(r'id="approve-first_month"[^>]*value="(\d{4}-\d{2})"', page).group(1)
    form = {"version": version_of(page), "amount": "600", "first_month": month, "confirm_missing": "1"}
    refused = reviewer.post(f"/staff/applications/{case_no}/actions/approve", form)
    assert refused.status_code == 422 and "核算建议金额为 517 元；改为 600 元须写明理由" in refused.text
    done = reviewer.post(f"/staff/applications/{case_no}/actions/approve",
                         {**form, "amount_reason": "县局复核：子女学费支出另计"})
    assert done.status_code == 302
    final = reviewer.get(done.location).text
    assert "核算建议 517 元，改为 600.00 元，理由：县局复核：子女学费支出另计" in final
    assert "确认缺少材料仍批准：" in final


def test_a_clerk_marks_materials_on_the_page(app, county, browser):
    case_no = accepted(county)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case_no}").text
    assert "仍缺必需材料：救助申请书、全体家庭成员身份证、户口簿" in page
    items = {m["name"]: m["id"] for m in
             materials_services.list_materials(county["actors"]["suntuan"], case_no)["items"]}
    url = f"/staff/applications/{case_no}/materials/{items['户口簿']}"
    refused = browser.post(url, {"status": "waived", "reason": ""})
    assert refused.status_code == 422 and "免于提交须写明理由" in refused.text
    done = browser.post(url, {"status": "looked_up", "platform": "公安人口信息（户籍、身份证）"})
    assert done.status_code == 302
    page = browser.get(f"/staff/applications/{case_no}").text
    assert "平台：公安人口信息（户籍、身份证）" in page and "户口簿：已通过平台查询" in page  # item and history
    assert "仍缺必需材料：救助申请书、全体家庭成员身份证、家庭经济状况核对授权书" in page
    # 补正 offers only what is owed, every owed item ticked
    boxes = re.findall(r'name="missing" value="([^"]+)" checked', page)
    assert "户口簿" not in boxes and boxes[:2] == ["救助申请书", "全体家庭成员身份证"]
    other = as_user(app, "linhuan")
    assert other.post(url, {"status": "received"}).status_code == 404
