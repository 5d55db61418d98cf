"""The means test of a stored application (SQLite and PostgreSQL): household + newest investigation +
the county's standards on the decision date."""

import datetime as dt

import pytest

from service.errors import Conflict, NotFound
from service.intake import standards_services as stds
from service.intake.means_test_services import means_test_for
from tests.integration.casework_helpers import TODAY, accepted, record, save


def test_means_test_of_the_worked_example_from_stored_records(county):
    case_no = accepted(county)
    household = save(county, case_no)
    recorded = record(county, case_no, household)
    result = means_test_for(county["actors"]["county"], case_no, on=TODAY)
    assert result["benefit"]["amount"] == 517 and result["per_capita_income"] == "266.67"
    assert "人均月收入 266.67 元，低于标准 439 元" in result["reasons"][1]
    assert result["household_version"] == 1 and result["investigation_id"] == recorded["id"]
    assert result["standards"]["is_default"] is True
    # the two-pension disabled spouse alone, if the household were an edge one, is offered separately
    assert result["single_person"] == []


def test_means_test_needs_a_household_and_an_investigation(county):
    case_no = accepted(county)
    with pytest.raises(Conflict) as caught:
        means_test_for(county["actors"]["suntuan"], case_no)
    assert caught.value.code == "household_missing"
    save(county, case_no)
    with pytest.raises(Conflict) as caught:
        means_test_for(county["actors"]["suntuan"], case_no)
    assert caught.value.code == "investigation_missing"
    with pytest.raises(NotFound):
        means_test_for(county["actors"]["linhuan"], case_no)


def test_means_test_uses_the_version_in_force_on_the_decision_date(county):
    reviewer = county["actors"]["county"]
    stds.add_version(reviewer, {"effective_from": "2026-01-01", "rural_monthly": "420", "urban_monthly": "690"})
    stds.add_version(reviewer, {"effective_from": "2027-01-01", "rural_monthly": "439"})
    case_no = accepted(county)
    record(county, case_no, save(county, case_no))
    now = means_test_for(reviewer, case_no, on=TODAY)
    assert now["standard"] == "420" and now["benefit"]["amount"] == 460
    later = means_test_for(reviewer, case_no, on=dt.date(2027, 1, 5))
    assert later["standard"] == "439" and later["benefit"]["amount"] == 517
    assert later["standards"]["changed_during_procedure"] is True
    assert "受理时（2026-11-23）执行 420 元/月，现按决定日适用的标准计算" in later["standards"]["explanation"]


def test_an_urban_household_without_the_urban_standard_says_what_is_missing(county):
    case_no = accepted(county)
    record(county, case_no, save(county, case_no, area="urban"))
    with pytest.raises(Conflict) as caught:
        means_test_for(county["actors"]["county"], case_no, on=TODAY)
    assert caught.value.code == "means_test_incomplete" and "本县尚未设定城市低保标准" in caught.value.message
