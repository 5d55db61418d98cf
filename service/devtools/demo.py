"""The demo county: 濉溪县 with 孙疃镇 and its 22 villages, two more townships, staff, ~30 applications.

It is set up the way a real county is (service.county), so `make run` walks the onboarding path too.
"""

import csv
import datetime as dt
import io
import random
from importlib import resources

from sqlalchemy import func, select

from service.auth.models import StaffUser
from service.auth.services import actor_of
from service.clock import today as beijing_today
from service.clock import utcnow
from service.extensions import db
from service.intake import materials_services, opening, services
from service.intake import workflow as wf
from service.intake.identity import check_character
from service.intake.models import Application, County
from service.unit_of_work import use_case

DEMO_PASSWORD = "demo2026"
DEMO_COUNTY = ("340621", "濉溪县")
# 孙疃镇 and its 22 villages, 临涣镇 and 韩村镇 with a few, in the county's divisions CSV format
# (codes in the statistical format; the townships' positions approximate, for the chat's "nearest township")
DIVISIONS_CSV = "data/demo_divisions.csv"


def _divisions() -> bytes:
    return resources.files("service.devtools").joinpath(DIVISIONS_CSV).read_bytes()


def _townships() -> dict[str, list[str]]:
    """township → its villages, as the divisions file lists them (for tests of place matching)."""
    places: dict[str, list[str]] = {}
    names = {}
    for row in csv.DictReader(io.StringIO(_divisions().decode("utf-8"))):
        if len(row["code"]) == 9:
            names[row["code"]] = row["name"]
            places[row["name"]] = []
        else:
            places[names[row["code"][:9]]].append(row["name"])
    return places


TOWNSHIPS = _townships()
STAFF = [  # username, role, display name, township
    ("hotline", "operator", "李晓红", None),
    ("suntuan", "window", "王芳", "孙疃镇"),
    ("linhuan", "window", "赵敏", "临涣镇"),
    ("county", "county", "陈刚", None),
    ("admin", "admin", "管理员", None),
    ("audit", "auditor", "审计员", None),
]
SETTINGS = {"hotline": "0561-12345", "office_hours": "工作日 8:30-12:00，14:30-17:30"}

# intake, urgent, words, steps to take after opening (action, params), days ago opened
STORIES = [
    ("temporary_relief", True, "昨晚家里失火，房子烧了一半，老人孩子没地方住", [], 0),
    ("temporary_relief", True, "老伴突发脑溢血在县医院抢救，押金交不起", [("accept", {})], 1),
    ("temporary_relief", True, "屋里被大水淹了，粮食全泡了，今天没吃的", [("emergency_aid", {"amount": "500"})], 2),
    ("temporary_relief", False, "孩子上大学学费凑不齐，家里就靠我打零工", [("accept", {}), ("start_investigation", {})], 6),
    ("temporary_relief", False, "做手术花了八万多，报销后还欠四万", [("request_materials", {"missing": ["住院费用票据", "医保报销结算单"]})], 5),
    ("temporary_relief", False, "车祸后腿断了干不了活，家里断了收入", [("accept", {}), ("start_investigation", {}), ("approve", {"amount": "2000"})], 20),
    ("temporary_relief", False, "外出打工被拖欠工资，回不了家", [("refer", {"department": "县人社局劳动保障监察大队", "contact": "0561-6012345"})], 9),
    ("temporary_relief", False, "家里老人看病花光了积蓄", [("accept", {}), ("start_investigation", {})], 14),
    ("dibao", False, "俺家老汉瘫在床上好几年了，俺一个人种二亩地，想申请低保", [], 1),
    ("dibao", False, "我今年七十多了，无儿无女，想吃低保", [("accept", {})], 3),
    ("dibao", False, "丈夫去世，两个孩子上学，收入很低", [("accept", {}), ("start_investigation", {})], 8),
    ("dibao", False, "残疾人，没有劳动能力，申请低保", [("accept", {}), ("start_investigation", {}), ("start_public_notice", {})], 18),
    ("dibao", False, "五保户申请，老人无依无靠", [("accept", {}), ("start_investigation", {}), ("start_public_notice", {}), ("submit_to_county", {})], 30),
    ("dibao", False, "家里三口人都有慢性病，每月药费上千", [("request_materials", {"missing": ["家庭经济状况核对授权书", "诊断证明"]})], 4),
    ("dibao", False, "一家四口，只有我一个人有收入，每月一千多", [("accept", {}), ("start_investigation", {}), ("start_public_notice", {}), ("submit_to_county", {}), ("approve", {"amount": "680"})], 40),
    ("dibao", False, "想申请低保，但家里有辆货车", [("accept", {}), ("start_investigation", {}), ("start_public_notice", {}), ("submit_to_county", {}), ("reject", {"reason": "家庭拥有营运货车，人均收入高于本县低保标准"})], 45),
    ("dibao", False, "儿子外出打工不管我，我一个人过", [("withdraw", {"reason": "申请人已随子女外出生活"})], 10),
    ("dibao", False, "低保边缘户，老伴常年吃药", [("accept", {})], 12),
    ("child_welfare", True, "邻居家孩子一个人在家好几天了，爹妈都不在", [], 0),
    ("child_welfare", False, "孩子父母都去世了，跟着爷爷奶奶过", [("accept", {}), ("start_investigation", {})], 7),
    ("child_welfare", False, "孩子爸爸在服刑，妈妈走了联系不上一年多", [("accept", {})], 2),
    ("child_welfare", False, "孙子父母双亡，我年纪大了养不动", [("accept", {}), ("start_investigation", {}), ("submit_to_county", {})], 25),
    ("child_welfare", False, "娃他爹重残，他妈改嫁了，娃没人管", [("request_materials", {"missing": ["残疾人证", "儿童户口簿"]})], 3),
    ("child_welfare", False, "孩子有脑瘫，家里条件差", [("accept", {}), ("start_investigation", {}), ("submit_to_county", {}), ("approve", {"amount": "500"})], 35),
    ("temporary_relief", False, "房子漏雨塌了一间，没钱修", [("transfer", {"to_intake": "dibao"})], 6),
    ("dibao", False, "两口子都是残疾，孩子还小", [("accept", {}), ("start_investigation", {}), ("start_public_notice", {})], 16),
    ("temporary_relief", False, "孩子白血病化疗，花了二十多万", [("accept", {}), ("start_investigation", {}), ("submit_to_county", {})], 15),
    ("child_welfare", False, "父亲去世，母亲精神病，孩子八岁", [("accept", {})], 9),
    ("dibao", False, "年纪大了干不动活，想问问能不能吃低保", [], 2),
    ("temporary_relief", False, "冬天取暖没钱，老人怕冷", [("accept", {})], 4),
]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "秀英 桂兰 建国 德明 玉梅 国强 春花 志刚 淑珍 永华 海燕 长林 金凤 福全 翠英 小军 明亮 红霞".split()


def _fake_id(rng: random.Random) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
    body = f"340621{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_character(body)


def seed_demo(today: dt.date | None = None, *, applications: bool = True) -> dict:
    """Create what is missing, through the onboarding use cases a real county uses (county init, divisions
    import, staff add, settings); running it again changes nothing. Returns counts for the CLI."""
    from service.county import divisions, staff
    from service.county import services as county_services

    today = today or beijing_today()
    code, name = DEMO_COUNTY
    county_services.init_county(code, name)
    county = db.session.scalars(select(County).where(County.code == code)).one()
    divisions.import_divisions(code, _divisions())
    county_services.update_settings(county.id, {k: v for k, v in SETTINGS.items() if k not in county.settings})
    for username, role, display, t_name in STAFF:
        if not db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first():
            # the demo's accounts keep demo2026 (refused at log-in in production), not a one-time password
            staff.add_staff(county.id, username, role, display, t_name, initial_password=DEMO_PASSWORD)
    townships = {t.name: t for t in county.townships}
    existing = db.session.scalar(select(func.count(Application.id)).where(Application.county_id == county.id))
    with use_case() as uow:  # all sample applications or none, so a failed run can simply be repeated
        created = 0 if existing or not applications else _seed_applications(county, townships, today)
        uow.commit()
    return {"county": county.name, "townships": len(townships), "applications_created": created}


def seed_standards() -> bool:
    """The demo county's 低保 standard from DOMAIN.md's seed (rural 439 元/月, from 2026-01-01), through the
    county's own use case, so the chat's pre-screen has a figure to compare with; False when one exists."""
    from service.intake import standards_services
    from service.intake.standards_store import CountyStandardVersion

    county = db.session.scalars(select(County).where(County.code == DEMO_COUNTY[0])).one()
    if db.session.scalar(select(func.count(CountyStandardVersion.id)).where(CountyStandardVersion.county_id == county.id)):
        return False
    reviewer = db.session.scalars(select(StaffUser).where(StaffUser.county_id == county.id, StaffUser.role == "county")).first()
    standards_services.add_version(actor_of(reviewer), {"effective_from": "2026-01-01", "rural_monthly": "439"})
    return True


def _seed_applications(county: County, townships: dict, today: dt.date) -> int:
    rng = random.Random(340621)
    staff = {u.username: actor_of(u) for u in db.session.scalars(select(StaffUser))}
    places = [("孙疃镇", "suntuan")] * 3 + [("临涣镇", "linhuan"), ("韩村镇", "county")]
    for i, (intake, urgent, words, steps, days_ago) in enumerate(STORIES):
        t_name, clerk = places[i % len(places)]
        village = rng.choice(townships[t_name].villages)
        opened = today - dt.timedelta(days=days_ago)
        payload = {
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "id_number": _fake_id(rng) if i % 4 else None, "village_id": village.id, "intake": intake,
            "description": words, "urgent": urgent, "household_size": rng.randint(1, 6),
        }
        channel = ("hotline", "wechat", "window")[i % 3]
        follower = f"o_demo_resident_{i:02d}" if channel == "wechat" else None  # who submitted it follows it
        detail = opening.open_application(staff["hotline"], payload, channel=channel, today=opened, follower=follower)
        version, notice_over = detail["version"], opened
        for step_no, (action, params) in enumerate(steps):
            actor = staff["county"] if action in ("approve", "reject") else staff[clerk]
            params = {**params, "first_month": wf.first_payable_month(intake, today)} if action == "approve" else params
            when = min(today, max(notice_over, opened + dt.timedelta(days=2 * (step_no + 1))))
            if action == "submit_to_county" and notice_over > opened:  # 公示 ran its 7 days: its end first
                version = services.act(actor, detail["case_no"], "close_public_notice", {}, version, today=when)["version"]
            if action == "approve":  # the window has the papers by then: every item marked received
                for item in materials_services.list_materials(staff[clerk], detail["case_no"])["items"]:
                    materials_services.mark_material(staff[clerk], detail["case_no"], item["id"], {"status": "received"})
            version = services.act(actor, detail["case_no"], action, params, version, today=when)["version"]
            if action == "start_public_notice":
                notice_over = when + dt.timedelta(days=7)
        _backdate(detail["case_no"], opened)
    _seed_handoffs(county)
    return len(STORIES)


HANDOFFS = [
    ("o_demo_handoff_1", "unanswered", "我要举报俺村有人家里开着小轿车还吃低保"),
    ("o_demo_handoff_2", "asked", "俺娘今年八十多了，高龄津贴咋领？"),
]


def _seed_handoffs(county: County) -> None:
    """Two chat messages waiting for a person, so the 微信留言 page has something to answer in the demo."""
    from service.chat.models import Conversation
    from service.handoffs import services as handoffs

    for openid, reason, words in HANDOFFS:
        db.session.add(Conversation(openid=openid, step="idle", data={}, last_inbound_at=utcnow()))
        handoffs.record(openid, county.id, words, reason)


def _backdate(case_no: str, opened: dt.date) -> None:
    # the history reads as it would have happened: opened that morning, a step every other day after
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    start = dt.datetime.combine(opened, dt.time(1, 30))  # 09:30 Beijing time, stored in UTC
    app.created_at = start
    for step_no, event in enumerate(app.events):
        event.created_at = start + dt.timedelta(days=2 * step_no, minutes=7 * step_no)
