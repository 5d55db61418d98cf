"""The application page: words, route, masked identity and audited reveal, materials, history, actions."""

import re

from sqlalchemy import select

from service.auth.models import AuditRecord
from service.clock import today as beijing_today
from service.extensions import db
from service.intake.models import Application
from tests.e2e.web.conftest import as_user, open_case, step
from tests.procedure_helpers import notice_started_days_ago

ID = "11010519491231002X"


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def act(browser, case_no, action, **fields):
    page = browser.get(f"/staff/applications/{case_no}").text
    return browser.post(f"/staff/applications/{case_no}/actions/{action}", {"version": version_of(page), **fields})


def test_detail_shows_words_route_masked_identity_materials_history_and_actions(app, county, browser):
    case = open_case(county, id_number=ID, route={"category": "dibao", "confidence": 0.91,
                                                  "keywords": ["瘫", "低保"], "urgent": False, "chosen": "dibao"})
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case['case_no']}")
    assert page.status_code == 200
    html = page.text
    assert "俺家老汉<mark>瘫</mark>在床上，想申请<mark>低保</mark>" in html  # the deciding words marked
    assert "分类器判断" in html and "把握 91%" in html
    assert "张*" in html and "张秀英" not in html and "110***********002X" in html and ID not in html
    assert "138****5678" in html
    assert "救助申请书" in html and "未提交" in html  # the materials checklist
    assert "登记" in html and "热线话务员 李晓红" in html  # history
    for label in ("受理", "一次性告知补正材料", "转其他救助类别", "不予批准"):
        assert label in html
    assert "申请人会看到" in html and "乡镇民政窗口将在" in html


def test_reveal_is_audited_and_refused_for_operators(app, county, browser):
    case = open_case(county, id_number=ID)
    browser.login("suntuan")
    revealed = browser.post(f"/staff/applications/{case['case_no']}/reveal-id")
    assert revealed.status_code == 200 and ID in revealed.text and "张秀英" in revealed.text
    assert 'href="tel:13812345678"' in revealed.text  # a clerk can call the applicant back
    assert "记入审计日志" in revealed.text
    again = browser.get(f"/staff/applications/{case['case_no']}").text
    assert ID not in again and "13812345678" not in again  # masked again

    operator = as_user(app, "hotline")
    assert "查看完整姓名" not in operator.get(f"/staff/applications/{case['case_no']}").text
    refused = operator.post(f"/staff/applications/{case['case_no']}/reveal-id")
    assert refused.status_code == 403 and ID not in refused.text
    outcomes = db.session.scalars(select(AuditRecord.outcome).where(
        AuditRecord.event == "reveal_id_number", AuditRecord.target_id == case["case_no"])).all()
    assert sorted(outcomes) == ["granted", "refused"]


def test_materials_round_trip_to_township_approval(app, county, browser):
    case = open_case(county, intake="temporary_relief", description="老伴突发脑溢血在县医院抢救，押金交不起")
    no = case["case_no"]
    browser.login("suntuan")
    response = act(browser, no, "request_materials", missing=["户口簿", "申请人身份证"],
                   missing_other="住院费用票据\n诊断证明")
    assert response.status_code == 302
    page = browser.get(response.location).text
    assert "待补正" in page and "还需要您补交以下4项材料" in page and "诊断证明" in page
    assert "已告知补正" in page
    assert act(browser, no, "receive_materials").status_code == 302
    assert act(browser, no, "start_investigation").status_code == 302
    month = f"{beijing_today():%Y-%m}"
    # two checklist items were never asked for nor received: approving asks for a confirmation first
    unconfirmed = act(browser, no, "approve", amount="300", first_month=month)
    assert unconfirmed.status_code == 422
    assert "以下必需材料尚未收到、免交或经平台查询：临时救助申请书、困难情况证明" in unconfirmed.text
    assert 'name="confirm_missing"' in unconfirmed.text
    done = act(browser, no, "approve", amount="300", first_month=month, confirm_missing="1")
    assert done.status_code == 302
    final = browser.get(done.location).text
    assert "已批准" in final and "您的申请已批准：一次性救助300元，钱会打到您登记的账户。" in final and "已完成：批准" in final
    assert "确认缺少材料仍批准：临时救助申请书、困难情况证明" in final  # in the history
    app_row = db.session.get(Application, _id(no))
    assert [e.action for e in app_row.events] == [
        "submit", "request_materials", "receive_materials", "start_investigation", "approve"]
    assert app_row.events[-1].data["missing_confirmed"] == ["临时救助申请书", "困难情况证明（如医疗费票据、受灾证明）"]


def _id(case_no):
    db.session.expire_all()
    return db.session.scalar(select(Application.id).where(Application.case_no == case_no))


def test_invalid_action_input_rerenders_with_the_use_case_messages(app, county, browser):
    case = open_case(county, intake="temporary_relief", description="做手术花了八万多，报销后还欠四万")
    step(county, "suntuan", case["case_no"], "accept")
    step(county, "suntuan", case["case_no"], "start_investigation")
    browser.login("suntuan")
    bad = act(browser, case["case_no"], "approve", amount="abc", first_month="")
    assert bad.status_code == 422
    assert "金额应为数字" in bad.text and "<details class=\"action\" open>" in bad.text
    assert 'value="abc"' in bad.text  # what was typed stays
    over = act(browser, case["case_no"], "approve", amount="5000", first_month=f"{beijing_today():%Y-%m}")
    assert over.status_code == 422 and "乡镇审批限额" in over.text
    no_reason = act(browser, case["case_no"], "reject", reason="")
    assert no_reason.status_code == 422 and "请填写不予批准的理由" in no_reason.text
    empty = act(browser, case["case_no"], "request_materials")
    assert empty.status_code == 422 and "请一次性列出所有缺少的材料" in empty.text


def test_a_stale_page_gets_409_not_a_lost_update(app, county, browser):
    case = open_case(county)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case['case_no']}").text
    step(county, "suntuan", case["case_no"], "accept")  # someone else, meanwhile
    stale = browser.post(f"/staff/applications/{case['case_no']}/actions/request_materials",
                         {"version": version_of(page), "missing": "户口簿"})
    assert stale.status_code == 409 and "刚被他人修改" in stale.text


def test_transfer_records_the_reroute_beside_the_classifier(app, county, browser):
    case = open_case(county, intake="temporary_relief", description="房子漏雨塌了一间，没钱修",
                     route={"category": "temporary_relief", "confidence": 0.8, "keywords": ["塌了"],
                            "urgent": False, "chosen": "temporary_relief"})
    browser.login("suntuan")
    assert act(browser, case["case_no"], "transfer", to_intake="dibao").status_code == 302
    app_row = db.session.get(Application, _id(case["case_no"]))
    assert app_row.intake == "dibao" and app_row.route["category"] == "temporary_relief"
    transfer = app_row.events[-1]
    assert transfer.action == "transfer" and transfer.data["to_intake"] == "dibao"
    assert transfer.note == "人工改派：临时救助 → 低保（分类器建议：临时救助）"
    page = browser.get(f"/staff/applications/{case['case_no']}").text
    assert "当前类别与分类器建议不同" in page


def test_a_transfer_through_the_api_is_measured_against_the_classifier_too(app, county, client):
    from tests.conftest import login

    case = open_case(county, intake="temporary_relief", description="老人瘫痪在床想吃低保",
                     route={"category": "dibao", "confidence": 0.9, "keywords": ["吃低保"], "urgent": False,
                            "chosen": "temporary_relief"})
    login(client, "suntuan")
    response = client.post(f"/api/v1/applications/{case['case_no']}/actions/transfer",
                           json={"version": case["version"], "to_intake": "dibao"})
    assert response.status_code == 200, response.json
    transfer = db.session.get(Application, _id(case["case_no"])).events[-1]
    assert transfer.note == "人工改派：临时救助 → 低保（分类器建议：低保）"


def test_claim_assigns_the_clerk(app, county, browser):
    case = open_case(county)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case['case_no']}").text
    claimed = browser.post(f"/staff/applications/{case['case_no']}/claim", {"version": version_of(page)})
    assert claimed.status_code == 302
    assert "王芳" in browser.get(claimed.location).text


def test_other_township_gets_the_same_404_page_as_for_a_missing_case(app, county):
    case = open_case(county)
    other = as_user(app, "linhuan")
    page = other.get(f"/staff/applications/{case['case_no']}")
    missing = other.get("/staff/applications/26000000000")
    assert page.status_code == missing.status_code == 404 and "俺家老汉" not in page.text
    assert _main(page.text) == _main(missing.text)
    post = other.post(f"/staff/applications/{case['case_no']}/actions/accept", {"version": "1"})
    assert post.status_code == 404
    assert other.post(f"/staff/applications/{case['case_no']}/reveal-id").status_code == 404


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_action_without_csrf_token_changes_nothing(app, county, browser):
    case = open_case(county)
    browser.login("suntuan")
    refused = browser.post(f"/staff/applications/{case['case_no']}/actions/accept", {"version": "1"}, csrf=False)
    assert refused.status_code == 400 and "页面已过期" in refused.text
    db.session.expire_all()
    assert db.session.get(Application, _id(case["case_no"])).status == "submitted"


def test_operator_sees_the_case_without_action_buttons(app, county):
    case = open_case(county)
    operator = as_user(app, "hotline")
    page = operator.get(f"/staff/applications/{case['case_no']}").text
    assert "没有可办理的操作" in page
    assert operator.post(f"/staff/applications/{case['case_no']}/actions/accept",
                         {"version": "1"}).status_code == 403


def test_county_reviewer_decides_a_file_sent_to_the_county(app, county, browser):
    case = open_case(county, household_size=2)
    for action in ("accept", "start_investigation", "start_public_notice"):
        step(county, "suntuan", case["case_no"], action)
    notice_started_days_ago(case["case_no"], 7)
    for action in ("close_public_notice", "submit_to_county"):
        step(county, "suntuan", case["case_no"], action)
    browser.login("suntuan")
    assert 'data-action="approve"' not in browser.get(f"/staff/applications/{case['case_no']}").text
    reviewer = as_user(app, "county")
    assert case["case_no"] in reviewer.get("/staff/queue").text  # on the reviewer's 待县审核 tab
    page = reviewer.get(f"/staff/applications/{case['case_no']}").text
    month = re.search(r'id="approve-first_month"[^>]*value="(\d{4}-\d{2})"', page).group(1)
    this_month = f"{beijing_today():%Y-%m}"
    assert month > this_month  # the form offers the month after approval
    early = act(reviewer, case["case_no"], "approve", amount="680", first_month=this_month)
    assert early.status_code == 422 and "次月起发放" in early.text
    done = act(reviewer, case["case_no"], "approve", amount="680", first_month=month, confirm_missing="1")
    assert done.status_code == 302
    assert f"您的申请已批准：每月680元，{int(month[:4])}年{int(month[5:])}月起发放" in reviewer.get(done.location).text


def test_a_second_temporary_relief_within_a_year_is_called_out(app, county, browser):
    first = open_case(county, intake="temporary_relief", urgent=True, description="家里失火，房子烧了")
    step(county, "suntuan", first["case_no"], "emergency_aid", amount="500")
    step(county, "suntuan", first["case_no"], "withdraw", reason="已先行救助，申请人撤回")  # closed, but paid
    dibao = open_case(county, description="老人瘫痪想申请低保")  # same caller: the same applicant
    second = open_case(county, intake="temporary_relief", description="又着火了，没地方住")
    browser.login("suntuan")
    html = browser.get(f"/staff/applications/{second['case_no']}").text
    assert 'id="repeat-relief"' in html and first["case_no"] in html and "先行救助 500" in html
    assert dibao["case_no"] in html  # every other application is listed, linked for this clerk
    assert f'href="/staff/applications/{first["case_no"]}"' in html
    # the 低保 application lists the others but is not a 临时救助 repeat
    other = browser.get(f"/staff/applications/{dibao['case_no']}").text
    assert 'id="repeat-relief"' not in other and second["case_no"] in other


def test_an_applicant_without_other_applications_says_so(app, county, browser):
    case = open_case(county)
    browser.login("suntuan")
    assert "近 12 个月没有其他申请" in browser.get(f"/staff/applications/{case['case_no']}").text


def test_a_difference_from_the_file_is_confirmed_or_rejected_by_the_clerk_and_audited(app, county, browser):
    first = open_case(county, id_number=ID, intake="temporary_relief", description="家里失火，房子烧了")
    second = open_case(county, id_number=ID, name="张秀", phone="13900001111", village="王楼村")  # same person
    browser.login("suntuan")
    html = browser.get(f"/staff/applications/{second['case_no']}").text
    assert "与档案不同" in html and "本申请 <strong>139****1111</strong>，档案 138****5678" in html
    assert "本申请 <strong>孙疃镇王楼村</strong>，档案 孙疃镇孙疃村" in html and "张*" in html
    page = browser.post(f"/staff/applications/{second['case_no']}/file/phone", {"decision": "confirm"})
    assert page.status_code == 302
    browser.post(f"/staff/applications/{second['case_no']}/file/name", {"decision": "reject"})
    html = browser.get(f"/staff/applications/{second['case_no']}").text
    assert 'id="diff-phone"' not in html  # the file now has the new phone: no difference left
    assert "已核对：不采用，档案不变" in html and "确认更新档案</button>" in html  # the village still waits
    applicant = db.session.get(Application, _id(second["case_no"])).applicant
    db.session.refresh(applicant)
    assert (applicant.name, applicant.phone) == ("张秀英", "13900001111")
    # the earlier application keeps the phone it was given with, which now is the one differing
    assert "本申请 <strong>138****5678</strong>，档案 139****1111" in browser.get(
        f"/staff/applications/{first['case_no']}").text
    audited = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "file_difference")
                                 .order_by(AuditRecord.id)).all()
    assert [(a.target_id, a.outcome) for a in audited] == [
        (f"{second['case_no']}:phone", "confirmed"), (f"{second['case_no']}:name", "rejected")]
    history = [e.action for e in db.session.get(Application, _id(second["case_no"])).events]
    assert history[-2:] == ["file_confirm", "file_reject"]
    nothing = browser.post(f"/staff/applications/{second['case_no']}/file/phone", {"decision": "confirm"})
    assert nothing.status_code == 409 and "无需核对" in nothing.text
    bad = browser.post(f"/staff/applications/{second['case_no']}/file/village", {"decision": "maybe"})
    assert bad.status_code == 422 and "确认或不采用" in bad.text

    operator = as_user(app, "hotline")  # sees that it differs, not the file, and has no buttons
    html = operator.get(f"/staff/applications/{second['case_no']}").text
    assert "与档案不同" in html and "档案由户籍所在乡镇或县民政局核对" in html and "孙疃镇孙疃村" not in html
    assert "确认更新档案</button>" not in html
    refused = operator.post(f"/staff/applications/{second['case_no']}/file/village", {"decision": "confirm"})
    assert refused.status_code == 403


def test_followers_are_listed_masked_and_removed_from_the_page(app, county, browser):
    from service.intake import resident

    case = open_case(county, id_number=ID)
    assert resident.bind("o_family_member_01", case["case_no"], "002X")
    browser.login("suntuan")
    html = browser.get(f"/staff/applications/{case['case_no']}").text
    assert "o_fa…01" in html and "o_family_member_01" not in html and "凭案件号绑定" in html
    follower_id = re.search(r'data-follower="(\d+)"', html).group(1)
    done = browser.post(f"/staff/applications/{case['case_no']}/followers/{follower_id}/remove")
    assert done.status_code == 302
    html = browser.get(done.location).text
    assert "已移除" in html and "此后的通知不再发给它" in html and 'data-follower=' not in html
    assert "移除微信关注" in html  # in the history
