"""系统管理: the administrator's pages for accounts, places and county settings, each change audited."""

import re

import pytest
from sqlalchemy import select

from service.auth.models import AuditRecord, StaffUser
from service.extensions import db
from service.intake.models import County, Township, Village
from tests.e2e.web.conftest import Browser, as_user

PAGES = ("/staff/admin/staff", "/staff/admin/places", "/staff/admin/settings", "/staff/admin/notices",
         "/staff/admin/menu")


@pytest.fixture
def admin(app, county):
    return as_user(app, "admin")


def settings():
    return db.session.scalars(select(County)).one().settings


def test_only_the_administrator_sees_the_pages(app, county, browser):
    assert browser.get(PAGES[0]).location.startswith("/staff/login")
    for username in ("suntuan", "county", "hotline", "audit"):
        other = as_user(app, username)
        for page in PAGES:
            assert other.get(page).status_code == 403, (username, page)
        assert "系统管理" not in other.get("/staff/").text
    admin = as_user(app, "admin")
    for page in PAGES:
        answer = admin.get(page)
        assert answer.status_code == 200 and "系统管理" in answer.text, page


def test_an_account_is_added_and_its_one_time_password_shown_once(app, admin):
    page = admin.post("/staff/admin/staff", {"username": "zhaoli", "display_name": "赵丽", "role": "window",
                                             "township": "韩村镇"})
    assert page.status_code == 200
    otp = re.search(r'id="one-time-password">([^<]+)<', page.text).group(1)
    assert "只显示这一次" in page.text
    newcomer = Browser(app.test_client())
    newcomer.get("/staff/login")
    assert newcomer.post("/staff/login", {"username": "zhaoli", "password": otp}).status_code == 302
    assert newcomer.get("/staff/queue").location == "/staff/password"
    listing = admin.get("/staff/admin/staff").text
    assert "zhaoli" in listing and "待本人设置密码" in listing and otp not in listing


def test_bad_input_comes_back_on_the_form_with_the_reasons(admin):
    page = admin.post("/staff/admin/staff", {"username": "zl", "display_name": "", "role": "window", "township": ""})
    assert page.status_code == 422
    assert "3–40 位" in page.text and "必须指定所属乡镇" in page.text and 'aria-invalid="true"' in page.text
    assert 'value="zl"' in page.text


def test_disable_enable_reset_and_move_a_clerk(app, admin):
    clerk = as_user(app, "suntuan")
    assert admin.post("/staff/admin/staff/suntuan/disable").location == "/staff/admin/staff"
    assert clerk.get("/staff/queue").location.startswith("/staff/login")  # logged out at once
    assert "已停用" in admin.get("/staff/admin/staff").text
    admin.post("/staff/admin/staff/suntuan/enable")
    moved = admin.post("/staff/admin/staff/suntuan/township", {"township": "临涣镇"})
    assert moved.location == "/staff/admin/staff"
    assert db.session.scalars(select(StaffUser).where(StaffUser.username == "suntuan")).one().township.name == "临涣镇"
    reset = admin.post("/staff/admin/staff/suntuan/reset")
    assert "已重置密码" in reset.text and re.search(r'id="one-time-password">\S+<', reset.text)
    assert admin.post("/staff/admin/staff/admin/disable").status_code == 409  # not oneself
    assert admin.post("/staff/admin/staff/nobody/disable").status_code == 404
    events = db.session.scalars(select(AuditRecord.event).where(AuditRecord.event.like("staff_%"))
                                .order_by(AuditRecord.id)).all()
    assert events[-4:] == ["staff_disable", "staff_enable", "staff_township", "staff_reset_password"]


def test_places_are_imported_added_and_renamed_and_a_bad_file_shows_each_line(app, admin):
    good = "code,name\n340621105,双堆集镇\n340621105201,双堆村\n".encode()
    done = admin.post("/staff/admin/places/import", {"file": (__import__("io").BytesIO(good), "places.csv")},
                      content_type="multipart/form-data")
    assert done.location == "/staff/admin/places"
    assert "新增乡镇 1 个、村 1 个" in admin.get("/staff/admin/places").text
    bad = "code,name\n340621105,双堆集镇\n340621105202,,\n340621199201,某村\n".encode("gbk")
    page = admin.post("/staff/admin/places/import", {"file": (__import__("io").BytesIO(bad), "gbk.csv")},
                      content_type="multipart/form-data")
    assert page.status_code == 422 and "第 2 行：文件是 GBK" in page.text
    utf8_bad = "code,name\n340621105202,,\n340621199201,某村\n".encode()
    page = admin.post("/staff/admin/places/import", {"file": (__import__("io").BytesIO(utf8_bad), "x.csv")},
                      content_type="multipart/form-data")
    assert "第 2 行：名称不能为空" in page.text and "第 3 行：所属乡镇 340621199" in page.text
    assert db.session.scalar(select(Village.id).where(Village.name == "某村")) is None
    added = admin.post("/staff/admin/places", {"code": "340621105202", "name": "小湖村", "lat": "", "lng": ""})
    assert added.location == "/staff/admin/places"
    village_id = db.session.scalar(select(Village.id).where(Village.code == "340621105202"))
    form = admin.get(f"/staff/admin/places/village/{village_id}")
    assert 'value="小湖村"' in form.text
    renamed = admin.post(f"/staff/admin/places/village/{village_id}", {"name": "小湖社区", "lat": "", "lng": ""})
    assert renamed.location == "/staff/admin/places"
    clash = admin.post(f"/staff/admin/places/village/{village_id}", {"name": "双堆村", "lat": "", "lng": ""})
    assert clash.status_code == 422 and "重名" in clash.text
    suntuan = db.session.scalar(select(Township.id).where(Township.name == "孙疃镇"))
    moved = admin.post(f"/staff/admin/places/township/{suntuan}", {"name": "孙疃镇", "lat": "33.6", "lng": "200"})
    assert moved.status_code == 422 and "经度 200" in moved.text


def test_hotline_office_hours_and_faq_reach_the_chat(app, admin, client):
    from tests.wechat_client import WeChat

    page = admin.get("/staff/admin/settings")
    count = int(re.search(r'name="faq_count" value="(\d+)"', page.text).group(1))
    form = {"hotline": "0561-6012349", "office_hours": "周一至周五 8:00-12:00", "faq_count": str(count)}
    for i, (keywords, answer) in enumerate(re.findall(
            r'name="faq-\d+-keywords" value="([^"]*)">.*?name="faq-\d+-answer"[^>]*>([^<]*)</textarea>', page.text,
            re.S)):
        form[f"faq-{i}-keywords"], form[f"faq-{i}-answer"] = keywords, answer
    form[f"faq-{count - 1}-keywords"] = "高龄津贴，高龄补贴"
    form[f"faq-{count - 1}-answer"] = "80岁以上老人的高龄津贴到村里申请；不清楚请打 {hotline}。"
    assert admin.post("/staff/admin/settings", form).location == "/staff/admin/settings"
    saved = settings()
    assert saved["hotline"] == "0561-6012349" and saved["faq"][-1]["keywords"] == ["高龄津贴", "高龄补贴"]
    wechat = WeChat(client, app.config["WECHAT_TOKEN"], openid="o_admin_faq")
    assert wechat.say("俺娘的高龄津贴咋领") == "80岁以上老人的高龄津贴到村里申请；不清楚请打 0561-6012349。"
    form[f"faq-{count - 1}-answer"] = "打 {phone} 问"
    refused = admin.post("/staff/admin/settings", form)
    assert refused.status_code == 422 and "不认识的占位符 {phone}" in refused.text
    assert settings()["faq"][-1]["answer"].startswith("80岁")
    admin.post("/staff/admin/settings", {"restore_faq": "1", "faq_count": "0"})
    assert "faq" not in settings()


def test_notice_wording_and_template_ids_are_used_for_the_next_notice(app, admin, county):
    from service.notify.models import Notification
    from tests.e2e.web.conftest import open_case

    form = {"template_id": "county-tpl-001", "sms_sign": "【濉溪县民政局】",
            "fields": "character_string1={case_no}\nthing2={title}\nthing3={next}",
            "received-enabled": "1", "received-title": "收到您的{intake}申请", "received-template_id": "",
            "accepted-enabled": "1"}
    saved = admin.post("/staff/admin/notices", form)
    assert saved.location == "/staff/admin/notices"
    notify = settings()["notify"]
    assert notify["wechat"]["template_id"] == "county-tpl-001"
    assert notify["kinds"]["received"] == {"title": "收到您的{intake}申请"}
    assert notify["kinds"]["materials_needed"] == {"enabled": False}  # its box was left unticked
    case = open_case(county)
    row = db.session.scalars(select(Notification).where(Notification.kind == "received")
                             .order_by(Notification.id.desc())).first()
    assert row.template_id == "county-tpl-001" and row.fields["thing2"] == "收到您的低保申请"
    assert case["case_no"] in row.fields["character_string1"]
    bad = admin.post("/staff/admin/notices", {**form, "fields": "thing2 {title}"})
    assert bad.status_code == 422 and "字段名={占位符}" in bad.text
    bad = admin.post("/staff/admin/notices", {**form, "template_id": "含中文的模板"})
    assert bad.status_code == 422 and "模板ID格式不正确" in bad.text


def test_the_menu_is_checked_saved_and_pushed_to_wechat(app, admin, fake_wechat):
    app.config.update(WECHAT_API_BASE_URL=fake_wechat.base_url, WECHAT_APPID=fake_wechat.appid,
                      WECHAT_SECRET=fake_wechat.secret)
    page = admin.get("/staff/admin/menu")
    assert "我要申请" in page.text
    assert admin.post("/staff/admin/menu", {"menu": "{not json"}).status_code == 422
    unknown = admin.post("/staff/admin/menu", {"menu": '{"button": [{"type": "click", "name": "办事", "key": "DO"}]}'})
    assert unknown.status_code == 422 and "key 只能是" in unknown.text
    long_name = admin.post("/staff/admin/menu", {"menu": '{"button": [{"type": "click", "name": "我要申请救助", '
                                                         '"key": "APPLY"}]}'})
    assert long_name.status_code == 422 and "最多 4 个汉字" in long_name.text
    menu = ('{"button": [{"type": "click", "name": "我要申请", "key": "APPLY"}, {"type": "view", "name": "政策",'
            ' "url": "https://mzj.example.gov.cn/"}]}')
    assert admin.post("/staff/admin/menu", {"menu": menu}).location == "/staff/admin/menu"
    assert admin.post("/staff/admin/menu/push").location == "/staff/admin/menu"
    assert "菜单已推送到微信" in admin.get("/staff/admin/menu").text
    assert [b["name"] for b in fake_wechat.menu["button"]] == ["我要申请", "政策"]
    fake_wechat.fail("menu_create", 40016)
    admin.post("/staff/admin/menu/push")
    assert "微信未接受菜单（40016）" in admin.get("/staff/admin/menu").text
    outcomes = db.session.scalars(select(AuditRecord.outcome).where(AuditRecord.event == "menu_push")
                                  .order_by(AuditRecord.id)).all()
    assert outcomes == ["granted", "refused"]


def test_the_auditor_reads_each_change_with_before_and_after(app, admin):
    admin.post("/staff/admin/staff/suntuan/township", {"township": "韩村镇"})
    auditor = as_user(app, "audit")
    page = auditor.get("/staff/audit?event=staff_township")
    assert page.status_code == 200 and "调整所属乡镇" in page.text
    assert "乡镇：孙疃镇 → 韩村镇" in page.text
    everything = auditor.get("/staff/audit").text
    assert "新增账号" in everything and "操作来源：命令行" in everything  # the demo's accounts, added from the shell
