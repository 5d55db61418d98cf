"""Use cases of the materials checklist: read it, and mark one item received, waived (with a reason) or
looked up on a platform. Every mark leaves a history line on the case and an audit row."""

from sqlalchemy import select

from service.auth import audit
from service.auth.actor import Actor
from service.clock import utcnow
from service.errors import NotFound
from service.extensions import db
from service.intake import materials as mat
from service.intake import workflow as wf
from service.intake.casework_access import case_for, note, require_open
from service.intake.models import Application, Material
from service.unit_of_work import use_case


def material_row(m: Material) -> dict:
    return {"id": m.id, "name": m.name, "required": m.required, "status": m.status,
            "status_label": mat.STATUSES.get(m.status, m.status), "waived_reason": m.waived_reason,
            "platform": m.platform,
            "marked_at": m.marked_at.isoformat(timespec="seconds") + "Z" if m.marked_at else None}


def states(app: Application) -> list[tuple[str, bool, str]]:
    """(name, required, status) per item, as the pure rules in service.intake.materials read them."""
    return [(m.name, m.required, m.status) for m in app.materials]


def missing_of(app: Application) -> list[str]:
    return mat.missing(states(app))


def _view(app: Application) -> dict:
    return {"case_no": app.case_no, "items": [material_row(m) for m in app.materials],
            "missing": missing_of(app), "platforms": list(mat.PLATFORMS)}


def list_materials(actor: Actor, case_no: str) -> dict:
    return _view(case_for(actor, case_no))


def mark_material(actor: Actor, case_no: str, material_id: int, body: dict, *,
                  remote_addr: str | None = None) -> dict:
    """Mark one item; while the applicant owes materials (补正) an item undone is owed again, not pending."""
    with use_case() as uow:
        app = case_for(actor, case_no, lock=True)
        require_open(app, "材料")
        item = db.session.scalars(select(Material).where(Material.id == material_id,
                                                         Material.application_id == app.id)).first()
        if item is None:
            raise NotFound("该申请的材料清单中没有这一项")
        mark = mat.check_mark(body.get("status") or "", body.get("reason"), body.get("platform"))
        before = item.status
        status = "requested" if mark.status == "pending" and app.status == wf.AWAITING else mark.status
        item.status, item.waived_reason, item.platform = status, mark.waived_reason, mark.platform
        item.marked_by_id, item.marked_at = actor.id, utcnow()
        item.received_at = item.marked_at if status == "received" else None
        note(app, actor, "material_marked", mat.Mark(status, mark.waived_reason, mark.platform).describe(item.name))
        audit.record("mark_material", actor.id, "application", f"{app.case_no}:{item.id}", "granted", remote_addr,
                     details={"before": before, "after": status})
        db.session.flush()
        result = _view(app)
        uow.commit()
        return result
