"""The monthly report: the figures the bureau puts in its reports (户, 人, 人次, 元), per intake.

Definitions (also printed under the table, so a reader of the file knows what was counted):
- 新申请: applications received in the month (件).
- 批准 户 / 人: households (applicants) approved in the month, and the people the decision covers: the
  household's counted members, 1 for 单人户施保; without a household record the size reported with the
  application, 1 when not recorded.
- 救助人次: people helped per payment decided in the month (approvals and 先行救助), i.e. the household
  size counted once per payment.
- 救助金额: the amounts the decisions of the month recorded (monthly amount for 低保 and child welfare, one-off for
  临时救助) plus 先行救助 paid in the month.
- 不予批准: refusals decided in the month. 平均办理工作日: from 受理 to decision, official calendar.
"""

from decimal import Decimal

from sqlalchemy import func, select

from service.extensions import db
from service.intake import procedures
from service.intake import workflow as wf
from service.intake.models import Application
from service.web import stats

COLUMNS = [  # (key, heading)
    ("intake_label", "救助类别"), ("new", "本月新申请（件）"), ("households", "批准（户）"), ("people", "批准（人）"),
    ("person_times", "救助（人次）"), ("amount", "救助金额（元）"), ("aid_times", "其中先行救助（人次）"),
    ("aid_amount", "其中先行救助（元）"), ("rejected", "不予批准（件）"), ("average_days", "平均办理（工作日）"),
]
DEFINITIONS = [
    "新申请：本月登记的申请件数。",
    "批准（户/人）：本月批准的户数及其保障人口（按登记的计入核算的家庭成员；单人户施保按 1 人；"
    "未登记家庭成员的按申请时所报人口，仍未知按 1 人计）。",
    "救助（人次）：本月每笔救助（批准及先行救助）惠及的家庭人口之和。",
    "救助金额：本月各项批准决定记录的金额（低保、儿童福利为月发放额，临时救助为一次性金额）加本月先行救助金额。",
    "平均办理：自受理至作出决定的工作日数（按国家法定节假日安排）。",
]


def _size(app: Application) -> int:
    return app.household_size or 1


def monthly_rows(county_id: int, month: stats.Month, township_id: int | None = None) -> list[dict]:
    start, end = month.utc_bounds
    new = dict(db.session.execute(stats._scope(
        select(Application.intake, func.count()).where(Application.created_at >= start, Application.created_at < end)
        .group_by(Application.intake), county_id, township_id)).all())
    rows = {i: {"intake": i, "intake_label": procedures.LABELS[i], "new": new.get(i, 0), "households": 0,
                "people": 0, "person_times": 0, "amount": Decimal("0.00"), "aid_times": 0,
                "aid_amount": Decimal("0.00"), "rejected": 0, "_days": [], "_households": set()}
            for i in stats.INTAKES}
    decided = stats.decisions(county_id, month, township_id)
    facts = stats.decision_facts([a for a in decided if a.status == wf.APPROVED])
    for app in decided:
        row = rows[app.intake]
        row["_days"].append(stats.days_to_decision(app))
        if app.status == wf.REJECTED:
            row["rejected"] += 1
            continue
        amount, people = facts[app.id]
        people = people or _size(app)
        row["_households"].add(app.applicant_id)
        row["people"] += people
        row["person_times"] += people
        row["amount"] += amount
    for app, amount in stats.emergency_aid_events(county_id, month, township_id):
        row = rows[app.intake]
        row["aid_times"] += _size(app)
        row["aid_amount"] += amount
        row["person_times"] += _size(app)
        row["amount"] += amount
    result = []
    for row in rows.values():
        days = row.pop("_days")
        row["households"] = len(row.pop("_households"))
        row["decided"], row["days_total"] = len(days), sum(days)
        row["average_days"] = _average(row)
        result.append(row)
    result.append(_total(result))
    return result


def _total(rows: list[dict]) -> dict:
    total = {"intake": "total", "intake_label": "合计"}
    for key in [k for k, _heading in COLUMNS[1:] if k != "average_days"] + ["decided", "days_total"]:
        total[key] = sum(r[key] for r in rows)
    total["average_days"] = _average(total)
    return total


def _average(row: dict) -> float | None:
    return round(row["days_total"] / row["decided"], 1) if row["decided"] else None
