"""At a phone's 375 px nothing scrolls sideways: long masked names wrap, and the administrator's pages fit."""

import pytest
from sqlalchemy import select

from tests.e2e.browser.conftest import log_in

pytestmark = pytest.mark.browser
LONG_NAME = "阿卜杜热合曼买买提依明艾合买提江吐尔逊阿不都热依木"  # 25 characters: masked, 阿 and 24 asterisks


def _open_long_named_case(live_server) -> str:
    from service.auth.models import StaffUser
    from service.auth.services import actor_of
    from service.extensions import db
    from service.intake import opening
    from service.intake.models import Village

    def open_():
        hotline = actor_of(db.session.scalars(select(StaffUser).where(StaffUser.username == "hotline")).one())
        village = db.session.scalars(select(Village).where(Village.name == "秦口村")).one()
        return opening.open_application(hotline, {
            "phone": "13712340000", "name": LONG_NAME, "id_number": None, "village_id": village.id,
            "intake": "dibao", "description": "家里困难想申请低保" * 8, "household_size": 1}, channel="hotline")["case_no"]

    return live_server.query(open_)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_long_masked_name_wraps_in_the_queue_and_on_the_case_page(page, live_server):
    case_no = _open_long_named_case(live_server)
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "suntuan")
    page.goto("/staff/queue?q=13712340000")
    row = page.locator(f'tr[data-case-no="{case_no}"]')
    assert "阿" + "*" * (len(LONG_NAME) - 1) in row.inner_text()
    assert _overflow(page) <= 0, f"the queue is {_overflow(page)}px wider than a 375px phone"
    page.goto(f"/staff/applications/{case_no}")
    assert _overflow(page) <= 0, f"the case page is {_overflow(page)}px wider than a 375px phone"


@pytest.mark.parametrize("path", ["/staff/admin/staff", "/staff/admin/places", "/staff/admin/settings",
                                  "/staff/admin/notices", "/staff/admin/menu", "/staff/audit", "/staff/password"])
def test_the_administration_pages_fit_a_phone(page, live_server, path):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "audit" if path == "/staff/audit" else "admin")
    page.goto(path)
    assert page.locator("main h1").count() == 1
    assert _overflow(page) <= 0, f"{path} is {_overflow(page)}px wider than a 375px phone"
