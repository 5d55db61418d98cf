"""The hotline call form: the same use case as POST /api/v1/calls, with the classifier's route stored."""

from sqlalchemy import select

from service.extensions import db
from service.intake.models import Application
from tests.e2e.web.conftest import open_case

WORDS = "昨晚家里失火，房子烧了一半，老人孩子没地方住"


def call(browser, county, **overrides):
    form = {"phone": "13912345678", "name": "刘春花", "id_number": "11010519491231002X",
            "village_id": str(county["villages"]["秦口村"]), "description": WORDS, "intake": "",
            "household_size": "3", **overrides}
    return browser.post("/staff/calls", form)


def stored(case_no):
    db.session.expire_all()
    return db.session.scalars(select(Application).where(Application.case_no == case_no)).one()


def test_form_has_labels_in_order_and_its_script(browser, county):
    browser.login("hotline")
    html = browser.get("/staff/calls/new").text
    order = [html.index(f'<label for="{name}"') for name in ("phone", "name", "id_number", "village_id",
                                                             "description", "intake")]
    assert order == sorted(order)  # phone first, what the caller said after the identity
    assert "/staff/static/call.js" in html and 'aria-live="polite"' in html and "Ctrl" in html
    assert '<optgroup label="孙疃镇">' in html and "孙疃镇 秦口村" in html


def test_logging_a_call_stores_the_route_and_shows_the_case_number(browser, county):
    browser.login("hotline")
    response = call(browser, county, urgent="1")
    assert response.status_code == 302 and response.location.startswith("/staff/calls/")
    case_no = response.location.rsplit("/", 1)[1]
    done = browser.get(response.location).text
    assert "请把案件号读给来电人" in done and f"{case_no[:2]} {case_no[2:6]} {case_no[6:10]} {case_no[10:]}" in done
    row = stored(case_no)
    assert row.channel == "hotline" and row.intake == "temporary_relief" and row.urgent
    assert row.route["category"] == "temporary_relief" and row.route["chosen"] == "temporary_relief"
    assert "失火" in row.route["keywords"] and 0 < row.route["confidence"] <= 1
    # a refresh of the confirmation page cannot log it twice; another case number is not shown here
    assert browser.get(response.location).status_code == 200
    assert browser.get("/staff/calls/26000000000").status_code == 404


def test_the_operators_override_is_kept_beside_the_suggestion(browser, county):
    browser.login("hotline")
    response = call(browser, county, intake="dibao", description="家里穷，老伴瘫痪在床，房子也漏雨")
    row = stored(response.location.rsplit("/", 1)[1])
    assert row.intake == "dibao" and row.route["chosen"] == "dibao" and "category" in row.route


def test_invalid_input_rerenders_the_form_with_messages_and_values(browser, county):
    browser.login("hotline")
    bad = call(browser, county, phone="12345", id_number="110105194912310021", village_id="")
    assert bad.status_code == 422
    assert "手机号码应为以1开头的11位数字" in bad.text and "校验位不对" in bad.text
    assert "请选择申请人户籍所在的村" in bad.text
    assert 'value="12345"' in bad.text and WORDS in bad.text  # nothing typed is lost
    assert 'aria-invalid="true"' in bad.text
    short = call(browser, county, description="", household_size="99")
    assert short.status_code == 422 and "请记录来电人反映的情况" in short.text and "家庭人口应为" in short.text
    assert db.session.scalar(select(Application.id)) is None


def test_words_outside_the_three_intakes_ask_for_a_choice(browser, county):
    browser.login("hotline")
    response = call(browser, county, description="你好，请问你们几点下班")
    assert response.status_code == 422 and "请人工选择" in response.text


def test_duplicate_open_application_is_explained(browser, county):
    open_case(county, phone="13912345678", name="刘春花", intake="temporary_relief", description=WORDS)
    browser.login("hotline")
    again = call(browser, county, id_number="")
    assert again.status_code == 409 and "不要重复登记" in again.text


def test_window_clerk_logs_a_walk_in_as_window_channel(browser, county):
    browser.login("suntuan")
    response = call(browser, county)
    assert stored(response.location.rsplit("/", 1)[1]).channel == "window"


def test_live_suggestion_endpoint(browser, county):
    browser.login("hotline")
    body = browser.post_json("/staff/api/suggest", {"text": WORDS}).get_json()
    assert body["category"] == "temporary_relief" and body["label"] == "临时救助" and body["urgent"] is True
    assert "失火" in body["keywords"]
    assert browser.post_json("/staff/api/suggest", {"text": "嗯"}).get_json() == {"category": None}
    refused = browser.post_json("/staff/api/suggest", {"text": WORDS}, csrf=False)
    assert refused.status_code == 400 and refused.is_json
    assert refused.get_json()["error"]["code"] == "bad_request"  # the API's codes, not the page's title
    assert browser.get("/staff/api/nope").get_json()["error"]["code"] == "not_found"


def test_phone_lookup_tells_each_caller_only_what_they_may_know(app, browser, county):
    case = open_case(county, phone="13912345678", name="刘春花")
    from tests.e2e.web.conftest import as_user

    clerk = as_user(app, "suntuan")  # the applicant's own township: the file and the case
    body = clerk.post_json("/staff/api/phone", {"phone": "139 1234 5678"}).get_json()
    assert body["applicants"] == [{"name": "刘**", "village_id": county["villages"]["孙疃村"],
                                   "village": "孙疃镇孙疃村"}]
    assert [a["case_no"] for a in body["applications"]] == [case["case_no"]]
    assert body["applications"][0]["status"] == "待受理" and body["withheld"] == []
    # a clerk of another township: that an open application exists, of which intake, and nothing else
    other = as_user(app, "linhuan").post_json("/staff/api/phone", {"phone": "13912345678"}).get_json()
    assert other == {"applicants": [], "applications": [],
                     "withheld": [{"intake": "最低生活保障（含特困）", "label": "已有在办申请（其他乡镇）"}]}
    # the hotline operator talks to callers nobody has verified: no name, village or case number either
    browser.login("hotline")
    told = browser.post_json("/staff/api/phone", {"phone": "139 1234 5678"}).get_json()
    assert told == {"applicants": [], "applications": [],
                    "withheld": [{"intake": "最低生活保障（含特困）", "label": "已有在办申请"}]}
    assert case["case_no"] not in str(told) and "刘" not in str(told)
    assert browser.post_json("/staff/api/phone", {"phone": "123"}).get_json() == {
        "applicants": [], "applications": [], "withheld": []}


def test_staff_api_needs_a_session(browser, county):
    response = browser.post_json("/staff/api/suggest", {"text": WORDS})  # a token, but nobody logged in
    assert response.status_code == 401 and response.get_json()["error"]["message"] == "请先登录"
