"""救助标准 page: county staff see the versions and add one through the form (CSRF, Chinese errors, audit)."""

from sqlalchemy import func, select

from service.auth.models import AuditRecord
from service.extensions import db
from service.intake.standards_store import CountyStandardVersion

FORM = {"effective_from": "2026-01-01", "rural_monthly": "439", "urban_monthly": "", "basis": "濉民〔2026〕1号",
        "employment_deduction": "0.2", "deposit_months": "24", "car_value_limit": "", "max_homes": "1",
        "floor_per_person": "", "edge_multiple": "1.5", "taper_months": "6", "tekun_multiple": "1.3",
        "tekun_yearly": "7000", "care_yearly.able": "300", "care_yearly.partial": "2500",
        "care_yearly.unable": "5000", "relief_multiples.minor": "3", "relief_multiples.serious": "6",
        "relief_multiples.grave": "12", "exempt_kinds": ["disability_subsidy", "social_assistance"]}


def versions() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CountyStandardVersion.id)))


def test_before_any_version_the_page_shows_the_defaults_and_a_prefilled_form(browser, county):
    browser.login("county")
    html = browser.get("/staff/standards").text
    assert "今天执行的标准（系统默认值，本县尚未设定）" in html and "439 元/月" in html
    assert "本县还没有录入救助标准" in html and "尚未设定：城市低保标准、存款及有价证券限额" in html
    assert 'id="rural_monthly" name="rural_monthly" value="439"' in html
    assert 'value="disability_subsidy" checked' in html and 'value="wages" checked' not in html
    assert '<a href="/staff/standards" aria-current="page">救助标准</a>' in html


def test_adding_a_version_through_the_form(browser, county):
    browser.login("county")
    browser.get("/staff/standards")
    response = browser.post("/staff/standards", FORM)
    assert response.status_code == 302
    html = browser.get("/staff/standards").text
    assert "已新增 2026-01-01 起执行的救助标准（农村 439 元/月）" in html
    assert '<tr data-effective-from="2026-01-01">' in html and "（现行）" in html and "濉民〔2026〕1号" in html
    [row] = db.session.scalars(select(CountyStandardVersion)).all()
    stored = row.values
    assert stored["deposit_months"] == 24 and stored["exempt_kinds"] == ["disability_subsidy", "social_assistance"]
    assert stored["urban_monthly"] is None and stored["commercial_property_allowed"] is False
    [audit] = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "add_standards")).all()
    assert audit.details["before"]["deposit_months"] is None and audit.details["after"]["deposit_months"] == 24


def test_a_bad_value_keeps_what_was_typed_and_says_what_is_wrong(browser, county):
    browser.login("admin")
    browser.get("/staff/standards")
    response = browser.post("/staff/standards", {**FORM, "rural_monthly": "四百", "edge_multiple": "0.5",
                                                 "basis": "<script>alert(1)</script>"})
    assert response.status_code == 422
    assert "应为数字，如 439 或 439.50" in response.text and "应在 1 到 5 之间" in response.text
    assert 'value="四百"' in response.text and 'aria-invalid="true"' in response.text
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    assert versions() == 0


def test_the_same_date_twice_explains_the_conflict(browser, county):
    browser.login("county")
    browser.get("/staff/standards")
    assert browser.post("/staff/standards", FORM).status_code == 302
    browser.get("/staff/standards")
    again = browser.post("/staff/standards", {**FORM, "rural_monthly": "440"})
    assert again.status_code == 409 and "2026-01-01 起执行的标准已有一个版本" in again.text
    assert versions() == 1


def test_without_the_csrf_token_nothing_is_added(browser, county):
    browser.login("county")
    assert browser.post("/staff/standards", FORM, csrf=False).status_code == 400
    assert versions() == 0


def test_window_clerks_have_no_menu_entry_and_get_the_403_page(browser, county):
    browser.login("suntuan")
    assert "救助标准" not in browser.get("/staff/queue").text
    assert browser.get("/staff/standards").status_code == 403
    assert browser.post("/staff/standards", FORM).status_code == 403
    assert versions() == 0
