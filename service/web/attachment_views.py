"""The photos of a case on its detail page: thumbnails (the include _attachments.html), the image itself
for staff who work the case, and a clerk's upload of a photographed paper material (CSRF-checked)."""

from flask import flash, make_response, redirect, request, url_for

from service.auth.guard import current_actor
from service.errors import Conflict, InvalidInput, NotFound
from service.intake import attachments
from service.web.pages import QUEUE_ROLES, bp, error_page, staff_page


@bp.app_template_global("case_photos")
def case_photos(case_no: str) -> list[dict] | None:
    """For _attachments.html: the case's photos as the signed-in staff member may see them."""
    return attachments.for_case(current_actor(), case_no)


@bp.route("/applications/<case_no>/photos/<int:attachment_id>")
@staff_page(*QUEUE_ROLES)
def photo(case_no, attachment_id, actor):
    data, content_type = attachments.image(actor, case_no, attachment_id)
    response = make_response(data)
    response.headers["Content-Type"] = content_type  # one of JPEG, PNG, GIF, checked by its bytes
    response.headers["Cache-Control"] = "private, no-store"  # a certificate's photo: nobody keeps a copy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="photo-{attachment_id}"'
    return response


@bp.route("/applications/<case_no>/photos", methods=["POST"])
@staff_page("window", "county")
def upload_photo(case_no, actor):
    """A window clerk's photo of a paper material (size and type checked by the use case)."""
    sent = request.files.get("photo")
    try:
        attachments.upload(actor, case_no, sent.read(attachments.MAX_BYTES + 1) if sent else b"")
    except InvalidInput as exc:
        return error_page(422, "上传未完成", exc.message)
    except (Conflict, NotFound) as exc:
        return error_page(exc.status, "上传未完成", exc.message)
    flash("已上传材料照片", "ok")
    return redirect(url_for("web.application", case_no=case_no) + "#photos-title")
