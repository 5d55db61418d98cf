"""The window queue: own township only, tabs with counts, urgent first, deadlines, filters and search."""

import datetime as dt
import re

from service.clock import today as beijing_today
from tests.e2e.web.conftest import as_user, open_case, step

ROW = re.compile(r'<tr data-case-no="(\d+)" data-urgent="(\d)"')


def rows(html: str) -> list[tuple[str, bool]]:
    return [(case_no, urgent == "1") for case_no, urgent in ROW.findall(html)]


def test_window_clerk_sees_own_township_urgent_first_with_counts(app, county, browser):
    plain = open_case(county, phone="13800000001", name="李桂兰")
    urgent = open_case(county, phone="13800000002", name="王建国", intake="temporary_relief", urgent=True,
                       description="昨晚家里失火，房子烧了一半")
    other = open_case(county, village="临涣村", phone="13800000003", name="赵德明")
    step(county, "suntuan", plain["case_no"], "request_materials", missing=["户口簿"])
    browser.login("suntuan")

    page = browser.get("/staff/queue").text
    listed = rows(page)
    assert listed[0] == (urgent["case_no"], True)
    assert {c for c, _u in listed} == {plain["case_no"], urgent["case_no"]}  # never 临涣镇's
    assert other["case_no"] not in page
    assert "办理队列 · 孙疃镇" in page
    assert re.search(r"待补正 <span class=\"count\">1</span>", page)
    assert re.search(r"待受理 <span class=\"count\">1</span>", page)
    assert re.search(r"全部在办 <span class=\"count\">2</span>", page)
    # masked applicant and phone, never the full ones
    assert "王*" in page and "王建国" not in page and "138****0002" in page and "13800000002" not in page
    assert "暂停计时（待补正）" in page and "今天到期" in page  # an urgent case is due the same day

    awaiting = browser.get("/staff/queue?tab=awaiting").text
    assert rows(awaiting) == [(plain["case_no"], False)]
    # a window clerk cannot widen the view to another township through the URL
    assert other["case_no"] not in browser.get(f"/staff/queue?township_id={county['townships']['临涣镇']}").text


def test_overdue_is_red_and_near_is_amber(app, county, browser):
    past = beijing_today() - dt.timedelta(days=20)
    late = open_case(county, today=past, phone="13800000004", name="陈玉梅")
    from service.intake.workdays import OFFICIAL

    add_workdays, workdays_between = OFFICIAL.add_workdays, OFFICIAL.workdays_between

    yesterday = beijing_today() - dt.timedelta(days=1)
    while workdays_between(yesterday, beijing_today()) != 1:  # the last working day before today
        yesterday -= dt.timedelta(days=1)
    soon = open_case(county, today=yesterday, phone="13800000005", name="杨志刚", intake="child_welfare",
                     description="孩子父母都去世了")
    assert workdays_between(beijing_today(), add_workdays(yesterday, 3)) == 2  # 3 WD to accept, one gone
    browser.login("suntuan")
    page = browser.get("/staff/queue").text
    late_row = page[page.index(late["case_no"]):]
    assert re.search(r'class="due due-over">超期 \d+ 个工作日', late_row.split("</tr>")[0])
    soon_row = page[page.index(soon["case_no"]):].split("</tr>")[0]
    assert '<span class="due due-near">剩 2 个工作日</span>' in soon_row  # amber from 2 left
    overdue_only = browser.get("/staff/queue?overdue=1").text
    assert [c for c, _u in rows(overdue_only)] == [late["case_no"]]


def test_county_sees_all_townships_and_filters_by_township(app, county):
    mine = open_case(county, phone="13800000006", name="周淑珍")
    theirs = open_case(county, village="临涣村", phone="13800000007", name="吴永华")
    reviewer = as_user(app, "county")
    landing = reviewer.get("/staff/queue").text  # a reviewer starts on the 审核确认 queue
    assert re.search(r'aria-current="page">待县审核', landing) and rows(landing) == []
    page = reviewer.get("/staff/queue?tab=open").text
    assert {mine["case_no"], theirs["case_no"]} <= {c for c, _u in rows(page)}
    assert '<label for="township_id">乡镇</label>' in page
    only = reviewer.get(f"/staff/queue?tab=open&township_id={county['townships']['临涣镇']}").text
    assert [c for c, _u in rows(only)] == [theirs["case_no"]]


def test_search_by_case_number_phone_and_name_includes_closed(app, county, browser):
    first = open_case(county, phone="13800000008", name="欧阳小明")
    second = open_case(county, phone="13900000009", name="孙金凤", intake="temporary_relief",
                       description="孩子上大学学费凑不齐")
    step(county, "suntuan", second["case_no"], "withdraw")
    browser.login("suntuan")
    by_case = browser.get(f"/staff/queue?q={first['case_no']}").text
    assert [c for c, _u in rows(by_case)] == [first["case_no"]] and "案件号" in by_case
    by_phone = browser.get("/staff/queue?q=139 0000 0009").text
    assert [c for c, _u in rows(by_phone)] == [second["case_no"]]  # withdrawn, still found
    by_name = browser.get("/staff/queue?q=欧阳").text
    assert [c for c, _u in rows(by_name)] == [first["case_no"]]
    assert "欧***" in by_name and "欧阳小明" not in by_name
    assert rows(browser.get("/staff/queue?q=不存在的人").text) == []


def test_closed_tab_and_intake_filter(app, county, browser):
    done = open_case(county, phone="13800000010", name="黄长林")
    step(county, "suntuan", done["case_no"], "reject", reason="家庭收入高于低保标准")
    open_case(county, phone="13800000011", name="林翠英", intake="child_welfare", description="孩子父母都去世了")
    browser.login("suntuan")
    closed = browser.get("/staff/queue?tab=closed").text
    assert [c for c, _u in rows(closed)] == [done["case_no"]] and "不予批准" in closed
    child = browser.get("/staff/queue?intake=child_welfare").text
    assert len(rows(child)) == 1 and "儿童福利" in child


def test_keyset_pages(app, county, browser):
    for i in range(23):
        open_case(county, phone=f"137{i:08d}", name=f"测试{i}", id_number=None)
    browser.login("suntuan")
    first = browser.get("/staff/queue").text
    assert len(rows(first)) == 20
    cursor = re.search(r'href="(/staff/queue\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = browser.get(cursor).text
    assert len(rows(second)) == 3 and "回到第一页" in second
    assert not {c for c, _u in rows(first)} & {c for c, _u in rows(second)}
