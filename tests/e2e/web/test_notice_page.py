"""The 公示 list page and CSV: what a village noticeboard may show, and nothing for staff of another township."""

from service.intake import services
from tests.e2e.web.conftest import as_user
from tests.integration.casework_helpers import TODAY, accepted, record, save


def test_the_notice_page_and_csv_for_the_village_and_nobody_else(app, county, browser):
    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    for action in ("start_investigation", "start_public_notice"):
        services.act(county["actors"]["suntuan"], case_no, action, {}, None, today=TODAY)
    village = county["villages"]["秦口村"]
    browser.login("suntuan")
    page = browser.get(f"/staff/public-notices?village_id={village}")
    assert page.status_code == 200
    assert "孙疃镇秦口村拟救助对象公示名单" in page.text and "<td>张秀英</td>" in page.text and "<td>517</td>" in page.text
    assert case_no not in page.text and "138" not in page.text  # no case number, no phone
    csv = browser.get(f"/staff/public-notices.csv?village_id={village}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("村（社区）,姓名,救助类别,家庭人口,拟救助金额") and lines[2].startswith("秦口村,张秀英,低保,3,517,元/月")
    other = as_user(app, "linhuan")
    assert other.get(f"/staff/public-notices?village_id={village}").status_code == 404
    assert other.get(f"/staff/public-notices.csv?village_id={village}").status_code == 404
    assert as_user(app, "hotline").get("/staff/public-notices").status_code == 403
    reviewer = as_user(app, "county")
    assert "请选择" in reviewer.get("/staff/public-notices").text  # county staff choose a township first


def test_a_notice_from_before_the_figures_were_kept_is_marked_on_the_page(app, county, browser):
    from sqlalchemy import update

    from service.extensions import db
    from service.intake.models import Application

    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    for action in ("start_investigation", "start_public_notice"):
        services.act(county["actors"]["suntuan"], case_no, action, {}, None, today=TODAY)
    browser.login("suntuan")
    url = f"/staff/public-notices?village_id={county['villages']['秦口村']}"
    assert "<td>张秀英</td>" in browser.get(url).text and 'id="notice-not-frozen"' not in browser.get(url).text
    db.session.execute(update(Application).where(Application.case_no == case_no).values(notice_published=None))
    db.session.commit()
    page = browser.get(url).text
    assert "<td>张秀英*</td>" in page and "<td>517</td>" in page and 'id="notice-not-frozen"' in page
