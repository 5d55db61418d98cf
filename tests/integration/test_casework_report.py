"""The monthly report's figures come from the decisions (SQLite and PostgreSQL): the amount each approval
recorded and the people its household counts, not the size the applicant first reported."""

import datetime as dt
from decimal import Decimal

from service.intake import materials_services, services
from service.web import report_data, stats
from tests.integration.casework_helpers import TODAY, accepted, record, save

DECIDED = TODAY + dt.timedelta(days=10)


def _approve(county, case_no, amount, **params):
    clerk = county["actors"]["suntuan"]
    for item in materials_services.list_materials(clerk, case_no)["items"]:
        materials_services.mark_material(clerk, case_no, item["id"], {"status": "received"})
    for action, day in (("start_investigation", TODAY), ("start_public_notice", TODAY), ("close_public_notice", DECIDED),
                        ("submit_to_county", DECIDED)):
        services.act(clerk, case_no, action, {}, None, today=day)
    services.act(county["actors"]["county"], case_no, "approve",
                 {"amount": amount, "first_month": "2027-01", **params}, None, today=DECIDED)


def test_report_totals_are_the_decisions_amounts_and_the_households_counted_members(county):
    computed = accepted(county, household_size=5)  # the applicant said 5; the household counts 3
    record(county, computed, save(county, computed))
    _approve(county, computed, "517")
    overridden = accepted(county, phone="13912345678", name="王德发", id_number=None, household_size=2)
    _approve(county, overridden, "600")  # nothing computed: the amount as entered, the size as reported
    # an edge household (per capita 533.33): only the disabled spouse is covered, as a one-person household
    edge = accepted(county, phone="13712345678", name="赵桂芝", id_number=None, household_size=3)
    household = save(county, edge)
    record(county, edge, household, incomes=[{"member_id": household["members"][0]["id"], "kind": "wages",
                                              "amount": Decimal(2000)}])
    _approve(county, edge, "439")
    rows = {r["intake"]: r for r in report_data.monthly_rows(county["actors"]["county"].county_id,
                                                             stats.month_of("2026-12"))}
    dibao = rows["dibao"]
    assert dibao["amount"] == Decimal("1556.00") and dibao["households"] == 3
    assert dibao["people"] == 3 + 2 + 1 and dibao["person_times"] == 6
    assert rows["total"]["amount"] == Decimal("1556.00")
