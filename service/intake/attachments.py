"""The photos of a case as staff see them: the residents' chat photos (fetched from WeChat by the
notification worker) and the photos a window clerk uploads of paper materials. Only the staff who work
the case see them (casework_access.case_for: another township's case is a 404); only JPEG, PNG and GIF,
recognised by their first bytes, are ever stored or served as images."""

from __future__ import annotations

from sqlalchemy import select

from service.auth.actor import Actor
from service.errors import Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake import casework_access
from service.intake.models import FETCH_FAILED, FETCH_PENDING, FETCH_STORED, Attachment, AttachmentFile
from service.unit_of_work import use_case

MAX_BYTES = 10 * 1024 * 1024  # a phone photo of a certificate is a few MB
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"))
UPLOAD = "upload"  # Attachment.kind of a clerk's upload ("image": a chat photo)
UPLOADED = "material_uploaded"  # the history line of an upload
STATUS_LABELS = {FETCH_PENDING: "正在从微信取回图片", FETCH_STORED: "已保存", FETCH_FAILED: "未能取回"}
SOURCE_LABELS = {"image": "居民通过微信发来", UPLOAD: "窗口上传"}


def image_type(content: bytes) -> str | None:
    """The image type the bytes really are (JPEG, PNG, GIF), whatever their label says; else None."""
    return next((ctype for magic, ctype in SIGNATURES if content.startswith(magic)), None)


def for_case(actor: Actor, case_no: str) -> list[dict] | None:
    """The case's photos, oldest first; None for staff who may not see them (hotline, auditors)."""
    try:
        app = casework_access.case_for(actor, case_no)
    except Forbidden:
        return None
    stored = set(db.session.scalars(select(AttachmentFile.attachment_id).join(
        Attachment, Attachment.id == AttachmentFile.attachment_id).where(Attachment.application_id == app.id)))
    rows = db.session.scalars(select(Attachment).where(
        Attachment.application_id == app.id, Attachment.kind.in_(SOURCE_LABELS)).order_by(Attachment.id))
    return [{"id": a.id, "source": SOURCE_LABELS[a.kind], "at": a.created_at.isoformat(timespec="seconds") + "Z", "image": a.id in stored,
             "status": a.fetch_status, "status_label": STATUS_LABELS.get(a.fetch_status or "", "未保存图片"),
             "error": a.fetch_error} for a in rows]


def image(actor: Actor, case_no: str, attachment_id: int) -> tuple[bytes, str]:
    """One stored photo's bytes and type, for staff who work the case; NotFound otherwise."""
    app = casework_access.case_for(actor, case_no)
    row = db.session.execute(select(AttachmentFile.data, AttachmentFile.content_type).join(
        Attachment, Attachment.id == AttachmentFile.attachment_id).where(
        Attachment.id == attachment_id, Attachment.application_id == app.id)).first()
    if row is None or row.content_type not in IMAGE_TYPES:
        raise NotFound("没有找到这张图片")
    return row.data, row.content_type


def upload(actor: Actor, case_no: str, content: bytes) -> int:
    """A clerk's photo of a paper material, kept with the case and noted in its history; its id."""
    if not content:
        raise InvalidInput("请选择要上传的图片", fields={"photo": ["请选择要上传的图片"]})
    if len(content) > MAX_BYTES:
        raise InvalidInput("图片不能超过10MB", fields={"photo": ["图片不能超过10MB"]})
    ctype = image_type(content)
    if ctype is None:
        raise InvalidInput("只能上传JPEG、PNG或GIF图片", fields={"photo": ["只能上传JPEG、PNG或GIF图片"]})
    with use_case() as uow:
        app = casework_access.case_for(actor, case_no, lock=True)
        casework_access.require_open(app, "材料")
        attachment = Attachment(application_id=app.id, kind=UPLOAD, fetch_status=FETCH_STORED)
        db.session.add(attachment)
        db.session.flush()
        db.session.add(AttachmentFile(attachment_id=attachment.id, content_type=ctype, size=len(content),
                                      data=content))
        casework_access.note(app, actor, UPLOADED, "窗口上传材料照片")
        uow.commit()
        return attachment.id
