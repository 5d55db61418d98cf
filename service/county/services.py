"""The county itself: set it up once (`flask county init`) and find it again for every other use case."""

from __future__ import annotations

from sqlalchemy import select

from service.auth.actor import Actor
from service.county import codes
from service.county.trail import check_admin, record_change
from service.errors import InvalidInput, NotFound
from service.extensions import db
from service.intake.models import County
from service.unit_of_work import use_case


def county_by_code(code: str) -> County:
    county = db.session.scalars(select(County).where(County.code == (code or "").strip())).first()
    if county is None:
        raise NotFound(f"本系统中没有县级代码为 {code} 的县：请先运行 `flask --app service county init "
                       f"--code {code} --name 县名`")
    return county


def init_county(code: str, name: str, *, by: Actor | None = None, remote_addr: str | None = None) -> dict:
    """Create the county, or rename it when it exists (running it twice changes nothing)."""
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if problem := codes.county_code_problem(code):
        errors["code"] = [problem]
    if problem := codes.name_problem(name, "县名"):
        errors["name"] = [problem]
    if errors:
        raise InvalidInput(fields=errors)
    with use_case() as uow:
        county = db.session.scalars(select(County).where(County.code == code)).first()
        if county is not None:
            check_admin(by, county.id)
            if county.name == name:
                result = {"code": code, "name": name, "created": False, "changed": False}
                uow.commit()
                return result
            before = county.name
            county.name = name
            record_change(by, "county_init", "county", code, before={"name": before}, after={"name": name},
                          remote_addr=remote_addr)
            result = {"code": code, "name": name, "created": False, "changed": True}
            uow.commit()
            return result
        if by is not None:  # a county is set up from the shell, by whoever runs the service
            check_admin(by, -1)
        db.session.add(County(code=code, name=name, settings={}))
        record_change(by, "county_init", "county", code, before=None, after={"code": code, "name": name},
                      remote_addr=remote_addr)
        uow.commit()
    return {"code": code, "name": name, "created": True, "changed": True}


def update_settings(county_id: int, changes: dict, *, by: Actor | None = None,
                    remote_addr: str | None = None) -> dict:
    """Set some of the county's editable settings (service.county.settings.KEYS; None removes one, so its
    packaged default applies again). Unchanged keys are left out of the audit row. Returns the keys changed."""
    from service.county import settings

    errors = {key: found for key, value in changes.items() if (found := settings.problems(key, value))}
    if errors:
        raise InvalidInput(fields=errors)
    with use_case() as uow:
        county = db.session.scalars(select(County).where(County.id == county_id).with_for_update()).first()
        if county is None:
            raise NotFound("没有这个县")
        check_admin(by, county.id)
        current = dict(county.settings or {})
        before, after = {}, {}
        for key, value in changes.items():
            if current.get(key) == value:
                continue
            before[key], after[key] = current.get(key), value
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
        if after:
            county.settings = current  # a new dict: the JSON column sees the change
            record_change(by, "settings_change", "county", county.code, before=before, after=after,
                          remote_addr=remote_addr)
        uow.commit()
    return {"changed": sorted(after)}


def county_by_id(county_id: int) -> County:
    county = db.session.get(County, county_id)
    if county is None:
        raise NotFound("没有这个县")
    return county


def push_menu(county_id: int, client, *, by: Actor | None = None, remote_addr: str | None = None) -> dict:
    """Send the county's custom menu (its own, or the packaged one) to WeChat through `client` (a
    service.wechat.api_client.WeChatClient); audited whether WeChat took it or not. Raises WeChatAPIError."""
    from service.auth import audit
    from service.county import settings
    from service.county.trail import command_line_user

    county = county_by_id(county_id)
    check_admin(by, county.id)
    menu = settings.menu_of(county.settings)
    details = {"after": menu, **({} if by else {"via": f"命令行（{command_line_user()}）"})}
    outcome = "refused"
    try:
        client.create_menu(menu)
        outcome = "granted"
    finally:
        with use_case() as uow:
            audit.record("menu_push", by.id if by else None, "county", county.code, outcome, remote_addr, details)
            uow.commit()
    return menu
