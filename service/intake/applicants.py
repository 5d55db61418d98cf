"""The applicant's file and the applications that differ from it.

A chat message or a call is not proof of identity, so neither changes the file: an application keeps the
name and phone given with it (and its village), and where they differ from the file a clerk who may see
the file confirms the new value into it or rejects it. Both decisions are audited.
"""

from flask import current_app
from sqlalchemy import bindparam, case, or_, select, union_all

from service.auth import audit
from service.auth.actor import Actor
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput
from service.extensions import db
from service.intake import access
from service.intake import workflow as wf
from service.intake.identity import mask_id_number, mask_name, mask_phone
from service.intake.models import Applicant, Application, ApplicationEvent, Village

FIELDS = {"name": "姓名", "phone": "手机", "village": "户籍村", "id_number": "身份证号"}
DECISIONS = {"confirm": "确认更新档案", "reject": "不采用，档案不变"}


def protector():
    return current_app.extensions["field_protector"]


def _match_statement(by_id: bool, by_contact: bool):
    """One query: the file with this ID number first, else the oldest file matching the name and phone. The
    candidates are a union of index look-ups (ID hash; file's phone; applications' phone), so the database
    never walks every file without an ID number, as an OR across the three made it do."""
    if not by_contact:
        return select(Applicant).where(Applicant.id_number_hash == bindparam("id_hash")).limit(1)
    phone, name = bindparam("phone"), bindparam("name")
    candidates = [select(Applicant.id).where(Applicant.phone == phone, Applicant.name == name),
                  select(Application.applicant_id).where(Application.contact_phone == phone,
                                                         Application.contact_name == name)]
    if not by_id:
        return select(Applicant).where(Applicant.id.in_(union_all(*candidates))).order_by(Applicant.id).limit(1)
    id_hash = bindparam("id_hash")
    candidates.append(select(Applicant.id).where(Applicant.id_number_hash == id_hash))
    # by contact only among files without an ID number: a different ID on file is a different person
    return (select(Applicant).where(Applicant.id.in_(union_all(*candidates)),
                                    or_(Applicant.id_number_hash == id_hash, Applicant.id_number_hash.is_(None)))
            .order_by(case((Applicant.id_number_hash == id_hash, 0), else_=1), Applicant.id).limit(1))


# built once per shape (ID number given or not, phone given or not): not built and walked on every submit
MATCH = {(by_id, by_contact): _match_statement(by_id, by_contact)
         for by_id in (True, False) for by_contact in (True, False) if by_id or by_contact}


def match(name: str, phone: str | None, id_number: str | None, village: Village) -> Applicant:
    """The same person by ID number; else by a name and phone seen before (on the file or with an
    application), among files without an ID number when one is given (a different ID on file is a
    different person). Otherwise a new file, made from this application. An existing file is never
    changed: an ID number given for a file without one stays with the application (`given_id`)."""
    id_hash = protector().lookup_hash(id_number) if id_number else None
    found = None
    if id_hash or phone:  # a name alone never identifies a person: without a phone only the ID number can
        found = db.session.scalars(MATCH[bool(id_hash), bool(phone)],
                                   {"id_hash": id_hash, "phone": phone, "name": name}).first()
    if found is None:
        found = Applicant(name=name, phone=phone, village=village, id_number_hash=id_hash,
                          id_number_encrypted=protector().encrypt(id_number) if id_number else None)
        db.session.add(found)
    return found


def given_id(applicant: Applicant, id_number: str | None) -> str | None:
    """The encrypted ID number to keep with an application whose file has none."""
    return protector().encrypt(id_number) if id_number and applicant.id_number_hash is None else None


def id_number_of(app: Application) -> str | None:
    """The ID number for this application: the file's, else the one given with it."""
    encrypted = app.applicant.id_number_encrypted or app.id_number_encrypted
    return protector().decrypt(encrypted) if encrypted else None


def _values(app: Application) -> dict[str, tuple]:
    """field -> (as given with the application, as on file), each as (stored value, shown value)."""
    file, village = app.applicant, app.village
    file_village = db.session.get(Village, file.village_id) if file.village_id else None
    label = lambda v: f"{v.township.name}{v.name}" if v else None  # noqa: E731
    given_id = protector().decrypt(app.id_number_encrypted) if app.id_number_encrypted else None
    return {
        "id_number": ((protector().lookup_hash(given_id) if given_id else None, mask_id_number(given_id or "")),
                      (file.id_number_hash, mask_id_number(protector().decrypt(file.id_number_encrypted))
                       if file.id_number_encrypted else "未登记")),
        "name": ((app.contact_name, mask_name(app.contact_name)), (file.name, mask_name(file.name))),
        "phone": ((app.contact_phone, mask_phone(app.contact_phone)), (file.phone, mask_phone(file.phone))),
        "village": ((app.village_id, label(village)), (file.village_id, label(file_village))),
    }


def differences(app: Application, actor: Actor | None) -> list[dict]:
    """Where an open application differs from the file; the file's side only for those who may see it.
    (A closed application's contact is history: nothing there to confirm.)"""
    if app.status not in wf.OPEN_STATES:
        return []
    shown_file = access.sees_file(actor, app.applicant, app.county_id)
    review = app.file_review or {}
    found = []
    for field, ((given, given_shown), (on_file, file_shown)) in _values(app).items():
        if given is None or given == on_file:
            continue
        decided = review.get(field) or {}
        current = decided.get("given") == given and decided.get("on_file") == on_file
        found.append({
            "field": field, "label": FIELDS[field], "given": given_shown,
            "on_file": file_shown if shown_file else None,
            "decision": decided.get("decision") if current else None,
            "decision_label": DECISIONS.get(decided.get("decision")) if current else None,
        })
    return found


def review(actor: Actor, app: Application, field: str, decision: str, remote_addr: str | None) -> None:
    """Confirm a difference into the file, or reject it; inside the caller's unit of work."""
    if field not in FIELDS or decision not in DECISIONS:
        raise InvalidInput(fields={"field": ["只能核对姓名、手机或户籍村，并选择确认或不采用"]})
    if not access.reviews_file(actor, app):
        raise Forbidden("只有本乡镇窗口（申请人户籍在本乡镇时）或县民政局可以核对申请人档案")
    if app.status not in wf.OPEN_STATES:
        raise Conflict("该申请已办结，不再据此核对档案", code="invalid_transition")
    values = _values(app)[field]
    (given, _shown), (on_file, _file_shown) = values
    if given is None or given == on_file:
        raise Conflict("该项已与档案一致，无需核对", code="no_difference")
    file = app.applicant
    if decision == "confirm" and field == "id_number":
        if db.session.scalar(select(Applicant.id).where(Applicant.id_number_hash == given)) is not None:
            raise Conflict("该身份证号已在另一位申请人的档案中，请联系县民政局核实后合并", code="id_number_taken")
        file.id_number_hash, file.id_number_encrypted = given, app.id_number_encrypted
    elif decision == "confirm":
        if field == "name":
            file.name = given
        elif field == "phone":
            file.phone = given
        else:
            file.village_id = given
    app.file_review = {**(app.file_review or {}), field: {
        "decision": decision, "given": given, "on_file": given if decision == "confirm" else on_file,
        "by": actor.id, "at": utcnow().isoformat(timespec="seconds") + "Z"}}
    db.session.add(ApplicationEvent(
        application_id=app.id, action=f"file_{decision}", from_status=app.status, to_status=app.status,
        actor_id=actor.id, actor_label=actor.label, note=f"{FIELDS[field]}：{DECISIONS[decision]}",
        data={"field": field}))
    audit.record("file_difference", actor.id, "application", f"{app.case_no}:{field}",
                 "confirmed" if decision == "confirm" else "rejected", remote_addr)
