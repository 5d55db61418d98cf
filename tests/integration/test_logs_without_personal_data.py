"""Logs carry no personal data, by construction: a whole chat, a hotline call, the notices they cause and a
failing insert, all logged at DEBUG, and not one record holds a name, an ID number, a phone, an openid or
the resident's words."""

import logging

import pytest
from sqlalchemy import select

from service.extensions import db
from service.intake.identity import check_character
from service.intake.models import Applicant
from service.request_log import JsonFormatter
from service.unit_of_work import use_case
from tests.conftest import login
from tests.integration.notify.conftest import drain, fast_config
from tests.wechat_client import WeChat

OPENID = "oQ7mD2kP9zX-rT4vN8wY3cL6b_H1"  # shaped like a real openid: 28 characters
RESIDENT = {"name": "张秀英", "id_number": "11010519491231002X", "phone": "13812345678",
            "words": "俺家老汉瘫在床上好几年了，俺一个人种二亩地，想吃低保"}
CALLER_ID = "34062119550315123" + check_character("34062119550315123")
CALLER = {"name": "李桂芝", "id_number": CALLER_ID, "phone": "13998765432",
          "description": "老伴住院花了三万多，家里揭不开锅了，想申请临时救助"}


def _rendered(record: logging.LogRecord) -> str:
    return "\n".join([JsonFormatter().format(record), record.getMessage(), record.exc_text or ""])


def test_no_log_record_carries_a_name_an_id_a_phone_an_openid_or_the_residents_words(
        app, county, client, fake_wechat, fake_sms, caplog):
    assert len(OPENID) == 28
    app.config.update(fast_config(fake_wechat, fake_sms))

    @app.post("/_test/failing-insert")
    def failing_insert():  # the resident's own data, inserted twice: the unique ID hash refuses it
        with use_case():
            known = db.session.scalars(select(Applicant.id_number_hash).where(Applicant.id_number_hash.is_not(None))).first()
            db.session.add(Applicant(name=RESIDENT["name"], phone=RESIDENT["phone"], id_number_hash=known))
            db.session.flush()

    caplog.set_level(logging.DEBUG)  # as LOG_LEVEL=DEBUG would
    resident = WeChat(client, app.config["WECHAT_TOKEN"], OPENID)
    replies = resident.conversation(RESIDENT["words"], "1", RESIDENT["name"], RESIDENT["id_number"],
                                    RESIDENT["phone"], "孙疃镇秦口村", "2", "不知道", "0", "1")
    assert "案件号" in replies[-1]
    login(client, "hotline")
    call = client.post("/api/v1/calls", json={**CALLER, "village_id": county["villages"]["秦口村"],
                                               "intake": "temporary_relief"})
    assert call.status_code == 201, call.get_json()
    assert sum(drain(app)) >= 2  # the resident's WeChat notice and the caller's SMS went out
    assert client.post("/_test/failing-insert").status_code == 409

    records = caplog.records
    assert any(r.levelno == logging.DEBUG for r in records) and any(r.exc_text for r in records)
    assert any("IntegrityError" in (r.exc_text or "") for r in records)  # the failing insert was logged
    secrets = [OPENID, OPENID[1:], *RESIDENT.values(), "瘫在床上", *CALLER.values(), "揭不开锅"]
    leaks = [(secret, r.name, _rendered(r)[:300]) for r in records for secret in secrets if secret in _rendered(r)]
    assert not leaks


@pytest.mark.parametrize("line, hidden", [
    ("id 11010519491231002X ok", "11010519491231002X"),
    ("phone=13812345678;", "13812345678"),
    ("全角１３８１２３４５６７８", "１３８１２３４５６７８"),
    (f"Key (wechat_openid)=({OPENID}) already exists", OPENID),
])
def test_the_masking_catches_each_kind_of_value_and_leaves_other_numbers(line, hidden):
    from service.redaction import redact

    assert hidden not in redact(line)
    assert redact("case 26808663541 at 1732345678, msg 6054768590064713728") == \
        "case 26808663541 at 1732345678, msg 6054768590064713728"
