"""An app wired to the local fakes (WeChat API, SMS gateway) with a fast retry clock, and helpers to
open applications, move them through the procedure and drain the outbox with real workers."""

import datetime as dt
import threading
from collections import defaultdict

import pytest
from sqlalchemy import insert, select, update

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET
from service.extensions import db
from service.intake import opening, services
from service.intake.models import Application
from service.notify.models import WECHAT_TEMPLATE, Notification
from service.notify.worker import Worker

TODAY = dt.date(2026, 11, 23)  # a Monday
MORNING = dt.datetime(2026, 11, 23, 7, 0)  # before the digest hour: no digests unless a test asks
TEMPLATE = "TPL-PROGRESS"
NOTICE_OVER = TODAY + dt.timedelta(days=7)  # 公示 started on TODAY has run its 7 calendar days


def fast_config(fake_wechat, fake_sms) -> dict:
    return {
        "WECHAT_API_BASE_URL": fake_wechat.base_url, "WECHAT_APPID": DEFAULT_APPID,
        "WECHAT_SECRET": DEFAULT_SECRET, "SMS_GATEWAY_URL": fake_sms.base_url, "NOTIFY_TEMPLATE_ID": TEMPLATE,
        "NOTIFY_BACKOFF_BASE_SECONDS": 0.05, "NOTIFY_BACKOFF_CAP_SECONDS": 0.4, "NOTIFY_POLL_SECONDS": 0.02,
        "NOTIFY_HTTP_TIMEOUT_SECONDS": 2.0, "NOTIFY_SCAN_SECONDS": 3600.0, "NOTIFY_MAX_ATTEMPTS": 8,
        "NOTIFY_RATE_PAUSE_SECONDS": 0.3, "NOTIFY_QUOTA_PAUSE_SECONDS": 0.5,
    }


@pytest.fixture
def notify_app(app, county, fake_wechat, fake_sms):
    app.config.update(fast_config(fake_wechat, fake_sms))
    return app


class Cases:
    """Open and move applications as the demo county's staff would."""

    def __init__(self, county):
        self.county = county
        self.n = 0

    def open(self, *, openid=None, phone="auto", intake="dibao", village="秦口村", urgent=False,
             today=TODAY) -> str:
        self.n += 1
        number = f"139{self.n:08d}" if phone == "auto" else (phone or "13900000000")
        payload = {"phone": number, "name": f"测试{self.n}", "village_id": self.county["villages"][village],
                   "intake": intake, "description": "家里困难，想申请救助", "urgent": urgent}
        case_no = opening.open_application(self.county["actors"]["hotline"], payload, channel="hotline",
                                            today=today, follower=openid)["case_no"]
        if phone is None:  # an application without a phone (made before phones were required)
            db.session.execute(update(Application).where(Application.case_no == case_no).values(contact_phone=None))
            db.session.commit()
        return case_no

    def act(self, case_no: str, action: str, who: str = "suntuan", today=TODAY, **params) -> dict:
        return services.act(self.county["actors"][who], case_no, action, params, None, today=today)

    def approve_dibao(self, case_no: str) -> None:
        """Through the whole procedure: 公示 starts today and the file goes to the county when it has run
        its 7 days (the applicant hears of the county only after 公示 ended)."""
        for action in ("accept", "start_investigation", "start_public_notice"):
            self.act(case_no, action)
        self.after_notice(case_no)
        self.act(case_no, "approve", who="county", amount="680", first_month="2026-12", today=NOTICE_OVER,
                 confirm_missing=True)

    def after_notice(self, case_no: str) -> None:
        """公示 started on TODAY ran its term: its end recorded 无异议, then 报县 (both on NOTICE_OVER)."""
        self.act(case_no, "close_public_notice", today=NOTICE_OVER)
        self.act(case_no, "submit_to_county", today=NOTICE_OVER)


@pytest.fixture
def cases(county):
    return Cases(county)


def make_worker(app, **kwargs) -> Worker:
    kwargs.setdefault("beijing_now", lambda: MORNING)
    return Worker(app, **kwargs)


def drain(app, *, workers: int = 1, max_seconds: float = 30.0) -> list[int]:
    """Run `workers` workers in threads until no row is left to send; returns how many each sent."""
    db.session.commit()
    sent = [0] * workers
    errors: list[BaseException] = []

    def run(i):
        try:
            sent[i] = make_worker(app, name=f"w{i}").run(until_idle=True, max_seconds=max_seconds)
        except BaseException as exc:  # noqa: BLE001  (surface it in the test thread)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 10)
    if errors:
        raise errors[0]
    db.session.expire_all()
    return sent


def rows(**where) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).order_by(Notification.id)
    for key, value in where.items():
        query = query.where(getattr(Notification, key) == value)
    return list(db.session.scalars(query))


def bulk_rows(n: int, keys: int) -> None:
    """n template notices over `keys` sequences (one recipient each), row order = key order."""
    db.session.execute(insert(Notification), [
        {"kind": "approved", "ordering_key": f"bulk{i % keys}", "channel": WECHAT_TEMPLATE,
         "to_openid": f"o-bulk-{i % keys:04d}", "text": f"通知{i}", "template_id": "TPL-BULK",
         "fields": {"thing1": f"通知{i}"}, "idempotency_key": f"bulk-{i:06d}"}
        for i in range(n)
    ])
    db.session.commit()


def delivered_in_order(fake) -> dict[str, list[str]]:
    """Accepted template keys per recipient, in the order WeChat accepted them."""
    got: dict[str, list[str]] = defaultdict(list)
    for message in accepted_templates(fake):
        got[message["touser"]].append(message["client_msg_id"])
    return got


def seen_by_residents(fake) -> dict[str, list[str]]:
    """What each resident's phone shows: WeChat sends one message per openid and client_msg_id (a resend
    with the same id, after an answer lost in an outage, is dropped for ten minutes)."""
    shown: dict[str, list[str]] = defaultdict(list)
    for message in accepted_templates(fake):
        if message["client_msg_id"] not in shown[message["touser"]]:
            shown[message["touser"]].append(message["client_msg_id"])
    return shown


def accepted_templates(fake) -> list[dict]:
    return [r["json"] for r in fake.calls("template_send")
            if r["status"] == 200 and (r["response"] or {}).get("errcode") == 0]
