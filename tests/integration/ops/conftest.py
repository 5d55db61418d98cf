"""A production environment for `doctor`, and a county set up through the onboarding use cases."""

import datetime as dt
import json
import secrets

import pytest

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as 公众号后台 gives it


def production_env(database_url: str, tmp_path, **overrides) -> dict:
    year = dt.date.today().year + 1
    calendar = tmp_path / "calendar.json"
    calendar.write_text(json.dumps({str(year): {"holidays": [f"{year}-01-01"], "workdays": []}}), "utf-8")
    env = {
        "SERVICE_ENV": "production", "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48), "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "WECHAT_TOKEN": "suixiMinzheng2026", "WECHAT_APPID": "wx1234567890abcdef",
        "WECHAT_SECRET": "0123456789abcdef0123456789abcdef", "WECHAT_AES_KEY": AES_KEY,
        "SMS_GATEWAY_URL": "https://sms.example.gov.cn/send", "NOTIFY_TEMPLATE_ID": "tpl-progress-01",
        "WORKDAY_CALENDAR_FILE": str(calendar), "COUNTY_CODE": "340621", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.fixture
def ready_county(app):
    """A county that can take a call: places, one account per needed role, a worker that just beat."""
    from sqlalchemy import select

    from service.county import divisions, services, staff
    from service.extensions import db
    from service.intake.models import County
    from service.notify import heartbeat

    services.init_county("340621", "濉溪县")
    divisions.import_divisions("340621", "code,name\n340621109,孙疃镇\n340621109201,孙疃村\n".encode())
    county_id = db.session.scalar(select(County.id))
    for username, role, township in (("wangfang", "window", "孙疃镇"), ("chengang", "county", None),
                                     ("guanli", "admin", None), ("shenji", "auditor", None),
                                     ("rexian", "operator", None)):
        staff.add_staff(county_id, username, role, "某某", township)
    heartbeat.Heartbeat("test-worker").beat(force=True)
    yield county_id
