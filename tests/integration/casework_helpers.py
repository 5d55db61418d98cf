"""Shared steps of the casework tests: an accepted 低保 case, its household, its investigation record."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from service.extensions import db
from service.intake import household_services as hh
from service.intake import investigation_services as inv
from service.intake import opening, services
from service.intake.household import Household, HouseholdMember
from service.intake.identity import check_character
from service.intake.investigation import IncomeItem, Investigation
from service.intake.models import ApplicationEvent
from service.notify.models import Notification

TODAY = dt.date(2026, 11, 23)
APPLICANT_ID = "11010519491231002X"  # born 1949: over 60 on TODAY
SPOUSE_ID = "440524188001010014"


def an_id(birth: str, seq: str = "003") -> str:
    body = f"340621{birth}{seq}"
    return body + check_character(body)


CHILD_ID = an_id("20080517")


def accepted(county, *, village="秦口村", clerk="suntuan", accept=True, **overrides) -> str:
    payload = {"phone": "13812345678", "name": "张秀英", "id_number": APPLICANT_ID,
               "village_id": county["villages"][village], "intake": "dibao",
               "description": "老伴残疾，孩子上学，只靠我打零工", "household_size": 3, **overrides}
    detail = opening.open_application(county["actors"]["hotline"], payload, channel="hotline", today=TODAY)
    if accept:
        services.act(county["actors"][clerk], detail["case_no"], "accept", {}, detail["version"], today=TODAY)
    return detail["case_no"]


def family() -> list[dict]:
    return [{"relation": "self", "name": "张秀英"},
            {"relation": "spouse", "name": "李建国", "id_number": SPOUSE_ID, "disability_grade_1_2": True},
            {"relation": "child", "name": "李小军", "id_number": CHILD_ID, "in_school": True}]


EDITABLE = {"id", "relation", "name", "id_number", "care_level", "excluded_reason", "excluded_note",
            "disability_grade_1_2", "grave_illness", "in_school", "aged_60_plus", "unable_to_work"}


def editable(members: list[dict]) -> list[dict]:
    """The members as read, trimmed to what a client sends back (the masked ID number included)."""
    return [{k: v for k, v in m.items() if k in EDITABLE} for m in members]


def save(county, case_no, members=None, version=None, actor="suntuan", area="rural"):
    return hh.save_household(county["actors"][actor], case_no, {"area": area, "members": members or family()},
                             version, today=TODAY)


def findings(county, household, **overrides) -> dict:
    ids = [m["id"] for m in household["members"]] + [None, None]
    return {"visited_on": TODAY, "visitor_ids": [county["actors"]["suntuan"].id, county["actors"]["county"].id],
            "living_conditions": "三间砖瓦房，屋内陈设简陋", "photo_ids": [], "applicant_signed": True,
            "signed_on": TODAY,
            "incomes": [{"member_id": ids[0], "kind": "wages", "amount": Decimal(1000)},
                        {"member_id": ids[1], "kind": "disability_subsidy", "amount": Decimal(100)}],
            "assets": [], **overrides}


def record(county, case_no, household, actor="suntuan", **overrides):
    return inv.record_investigation(county["actors"][actor], case_no, findings(county, household, **overrides),
                                    today=TODAY)


def counts():
    return [db.session.scalar(select(func.count()).select_from(m))
            for m in (Household, HouseholdMember, Investigation, IncomeItem, ApplicationEvent, Notification)]
