"""The means test of one application, from its stored household, its newest investigation record and
the county's standards in force on the decision date. Read-only: nothing is written."""

import datetime as dt

from service.auth.actor import Actor
from service.clock import today as beijing_today
from service.errors import Conflict
from service.intake import means_test as mt
from service.intake.casework_access import applied_on, case_for
from service.intake.household import Household
from service.intake.household_services import household_of
from service.intake.investigation import Investigation
from service.intake.investigation_services import investigations_of
from service.intake.standards_store import standards_on


def case_inputs(household: Household, inv: Investigation) -> mt.Case:
    """The stored rows as the pure means test reads them."""
    members = tuple(mt.Member(
        key=m.id, name=m.name, relation=m.relation, disability_grade_1_2=m.disability_grade_1_2,
        grave_illness=m.grave_illness, in_school=m.in_school, aged_60_plus=m.aged_60_plus,
        unable_to_work=m.unable_to_work, care_level=m.care_level, excluded_reason=m.excluded_reason,
        excluded_note=m.excluded_note) for m in household.members)
    incomes = tuple(mt.Income(kind=i.kind, amount=i.amount, member=i.member_id, period=i.period, costs=i.costs)
                    for i in inv.incomes)
    assets = tuple(mt.Asset(kind=a.kind, value=a.value, member=a.member_id, purpose=a.purpose, count=a.count)
                   for a in inv.assets)
    return mt.Case(members, incomes, assets, area=household.area, has_able_supporter=inv.has_able_supporter,
                   relief_severity=inv.relief_severity)


def means_test_for(actor: Actor, case_no: str, *, on: dt.date | None = None) -> dict:
    """The computation and its explanation for the decision date `on` (today by default), with the
    versions it was computed from, so a form that shows it can tell when the file changed since."""
    return means_test_of(case_for(actor, case_no), on or beijing_today())


def means_test_of(app, on: dt.date) -> dict:
    """The computation for an application already fetched (and checked) by the calling use case."""
    household = household_of(app)
    if household is None:
        raise Conflict("请先登记家庭成员，再进行核算", code="household_missing")
    records = investigations_of(app)
    if not records:
        raise Conflict("请先登记入户调查记录（收入和财产），再进行核算", code="investigation_missing")
    inv = records[0]
    began = app.accepted_on or applied_on(app)
    try:
        result = mt.means_test(case_inputs(household, inv), standards_on(app.county_id, on), on=on,
                               earlier=standards_on(app.county_id, began), earlier_on=began)
    except mt.MeansTestInputError as exc:
        raise Conflict(str(exc), code="means_test_incomplete") from None
    return {"case_no": app.case_no, "intake": app.intake, "household_version": household.version,
            "investigation_id": inv.id, "investigation_version": inv.version, **result}
