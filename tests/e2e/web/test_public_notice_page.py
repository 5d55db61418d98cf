"""The staff page during 公示 (issue 12): 报县 shown closed with the day it opens, 公示结束（无异议）once the
term has run, and 公示有异议 with the objection's text sending the case back to investigation."""

import re

from tests.e2e.web.conftest import open_case, step
from tests.e2e.web.test_detail_page import act
from tests.procedure_helpers import notice_started_days_ago


def in_notice(county) -> str:
    case_no = open_case(county)["case_no"]
    for action in ("accept", "start_investigation", "start_public_notice"):
        step(county, "suntuan", case_no, action)
    return case_no


def test_before_the_end_the_county_button_is_closed_and_says_when(app, county, browser):
    case_no = in_notice(county)
    notice_started_days_ago(case_no, 6)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case_no}").text
    waiting = re.search(r'<button type="button" disabled data-action="submit_to_county"[^>]*>([^<]*)</button>\s*'
                        r'<p class="hint" id="wait-submit_to_county">([^<]*)</p>', page)
    assert waiting and waiting.group(1) == "报县审核确认" and "起才能报县审核" in waiting.group(2)
    assert 'id="public-notice"' in page and "（公示中）" in page
    steps = re.search(r'<ol class="procedure-steps" id="procedure-steps">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r"<li[^>]*>([^<]+)</li>", steps) == ["申请", "受理", "入户调查", "公示", "县审核确认", "批准发放"]
    assert '<li aria-current="step">公示</li>' in steps
    early = act(browser, case_no, "submit_to_county")  # a hand-made post is refused the same way
    assert early.status_code == 409 and "公示期未满" in early.text


def test_after_the_term_no_objection_is_recorded_then_the_file_goes_to_the_county(app, county, browser):
    case_no = in_notice(county)
    notice_started_days_ago(case_no, 7)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case_no}").text
    assert 'data-action="close_public_notice">公示结束（无异议）</button>' in page
    assert "已期满，请登记公示结果" in page
    done = act(browser, case_no, "close_public_notice")
    assert done.status_code == 302
    page = browser.get(done.location).text
    assert "登记无异议" in page and 'class="primary" data-action="submit_to_county"' in page
    sent = act(browser, case_no, "submit_to_county")
    assert sent.status_code == 302 and "待县审核" in browser.get(sent.location).text


def test_an_objection_with_its_text_sends_it_back_to_investigation(app, county, browser):
    case_no = in_notice(county)
    browser.login("suntuan")
    missing = act(browser, case_no, "reinvestigate")
    assert missing.status_code == 422 and "异议情况" in missing.text
    back = act(browser, case_no, "reinvestigate", reason="村民反映其儿子在县城有商铺")
    assert back.status_code == 302
    page = browser.get(back.location).text
    assert "调查核实中" in page and "村民反映其儿子在县城有商铺" in page and "公示有异议" in page
    assert 'data-action="start_public_notice"' in page  # a new 公示 after the new investigation
