"""The applicant's own look-up: case number plus the last four characters of the ID number."""

import hmac

from flask import current_app
from sqlalchemy import select

from service.errors import NotFound
from service.extensions import db
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.models import Application
from service.intake.wording import status_message

_NO_MATCH = "案件号或身份证号后四位不正确，请核对后再试"


def public_status(case_no: str, id_last4: str) -> dict:
    app = db.session.scalars(select(Application).where(Application.case_no == normalise(case_no))).first()
    # The same answer for an unknown case and a wrong ID, so a guesser learns nothing from the difference.
    if app is None or not owns(app, id_last4):
        raise NotFound(_NO_MATCH, code="no_match")
    county = app.township.county
    return {
        "case_no": app.case_no,
        "intake": wf.INTAKE_LABELS[app.intake],
        "status": wf.STATUS_LABELS[app.status],
        "message": status_message(app, (county.settings or {}).get("hotline")),
        "township": app.township.name,
    }


def owns(app: Application, id_last4: str) -> bool:
    given = (id_last4 or "").strip().upper()
    encrypted = app.applicant.id_number_encrypted
    # Callers who gave no ID number on the phone prove themselves with the last four digits of the phone
    # they gave with this application.
    secret = current_app.extensions["field_protector"].decrypt(encrypted) if encrypted else app.contact_phone
    return bool(secret) and hmac.compare_digest(secret[-4:].upper(), given)
