"""Saving county settings: checked first, only real changes audited, None brings the packaged default back."""

import pytest
from sqlalchemy import select

from service.auth.models import AuditRecord
from service.county.services import update_settings
from service.errors import InvalidInput
from service.extensions import db
from service.intake.models import County


def test_only_changed_keys_are_saved_and_audited(county):
    county_id = db.session.scalar(select(County.id))
    rows = lambda: db.session.scalars(select(AuditRecord).where(AuditRecord.event == "settings_change")  # noqa: E731
                                      .order_by(AuditRecord.id)).all()
    already = len(rows())
    assert update_settings(county_id, {"hotline": "0561-12345", "office_hours": "工作日 8:30-12:00，14:30-17:30"}) \
        == {"changed": []}
    assert len(rows()) == already
    assert update_settings(county_id, {"hotline": "0561-6012349", "office_hours": "工作日 8:30-12:00，14:30-17:30"}) \
        == {"changed": ["hotline"]}
    last = rows()[-1]
    assert last.details["before"] == {"hotline": "0561-12345"} and last.details["after"] == {"hotline": "0561-6012349"}
    with pytest.raises(InvalidInput) as refused:
        update_settings(county_id, {"hotline": "x", "menu": {"button": []}})
    assert set(refused.value.fields) == {"hotline", "menu"}
    assert db.session.get(County, county_id).settings["hotline"] == "0561-6012349"
    update_settings(county_id, {"hotline": None})
    assert "hotline" not in db.session.get(County, county_id).settings
    assert db.session.get(County, county_id).settings["office_hours"]  # the other keys stay
