"""The chatbot's view of the service for one resident: lookups and use cases behind the Ports protocol."""

import datetime as dt
import functools
import json
import time
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from flask import current_app
from sqlalchemy import select

from service import telemetry
from service.chat.application import application_payload
from service.chat.places import Place, core, match_villages, nearest, suggest_villages
from service.chat.prescreen import area_of
from service.clock import today
from service.errors import Forbidden
from service.extensions import db
from service.handoffs import services as handoffs
from service.intake import guessing, resident
from service.intake.case_numbers import normalise
from service.intake.models import County, Township, Village
from service.intake.standards_store import standards_on
from service.nlp import Thresholds, ladder, route


@functools.cache
def packaged_faq() -> list[dict]:  # read once per process: it only changes with a release
    return json.loads(resources.files("service.chat").joinpath("data/faq.json").read_text("utf-8"))


@dataclass(frozen=True)
class CountySnapshot:
    """What every chat turn reads about the county: plain values, safe to share between requests."""

    id: int
    name: str
    settings: dict
    places: list[Place]
    positions: list[tuple[str, float, float]]


def county_snapshot() -> CountySnapshot:
    """The county's places, read at most once per WECHAT_PLACES_CACHE_SECONDS per app: they change
    rarely, and re-reading them cost two queries on most chat turns. Kept on the app, never the module."""
    code = current_app.config["COUNTY_CODE"]
    snapshots = current_app.extensions.setdefault("chat_county_snapshots", {})
    ttl = current_app.config.get("WECHAT_PLACES_CACHE_SECONDS", 60)
    cached = snapshots.get(code)
    if cached and time.monotonic() - cached[0] < ttl:
        return cached[1]
    county = db.session.scalars(select(County).where(County.code == code)).first()
    if county is None:
        raise Forbidden(f"本县（{code}）的乡镇和村尚未导入，请管理员先导入后再开放微信申请")
    rows = db.session.execute(
        select(Village.id, Village.name, Township.name).join(Township, Village.township_id == Township.id)
        .where(Township.county_id == county.id).order_by(Village.id)
    ).all()
    positions = db.session.execute(select(Township.name, Township.latitude, Township.longitude).where(
        Township.county_id == county.id, Township.latitude.is_not(None))).all()
    snapshot = CountySnapshot(county.id, county.name, dict(county.settings or {}),
                              [Place(v_id, v_name, t_name) for v_id, v_name, t_name in rows],
                              [tuple(p) for p in positions])
    snapshots[code] = (time.monotonic(), snapshot)
    return snapshot


class DatabasePorts:
    def __init__(self, openid: str):
        self.openid = openid

    @cached_property
    def county(self) -> CountySnapshot:
        return county_snapshot()

    @cached_property
    def info(self) -> dict:
        settings = self.county.settings
        return {"county": self.county.name, "hotline": settings.get("hotline", "12345"),
                "office_hours": settings.get("office_hours", "工作日上班时间")}

    def classify(self, text: str, *, measure: bool = True) -> dict:
        decision = route(text)
        step = ladder(decision, Thresholds.from_mapping(current_app.config))
        if measure:  # a mid-form check for a progress question is not a routing decision
            telemetry.routed("wechat", decision.category, step.action)
        return {**decision.to_dict(), "ladder": step.action, "choices": list(step.choices)}

    @property
    def places(self) -> list[Place]:
        return self.county.places

    def match_village(self, text: str) -> dict:
        matches = match_villages(text, self.places)
        township_only, near = None, []
        if not matches:
            township_only = next((p.township for p in self.places if core(p.township) in text), None)
            near = suggest_villages(text, self.places)
        return {"matches": [(p.village_id, p.township + p.village) for p in matches],
                "township_only": township_only if township_only and not near else None,
                "suggestions": [(p.village_id, p.township + p.village) for p in near]}

    def open_application_for(self, intake: str | None) -> dict | None:
        return resident.open_application_of(self.openid, intake)

    def submit(self, data: dict) -> dict:
        payload, route_info = application_payload(data)
        return resident.submit(self.openid, payload, route_info, data.get("pending_media", []))

    def add_note(self, case_no: str, text: str) -> None:
        resident.add_note(self.openid, case_no, text)

    def progress(self) -> list[dict]:
        return resident.my_applications(self.openid, self.info["hotline"])

    def bind(self, case_no: str, last4: str) -> bool:
        # wrong guesses are limited per resident and per case number, shared with the public look-up
        return guessing.attempt(normalise(case_no), f"wechat:{self.openid}",
                                lambda: resident.bind(self.openid, case_no, last4))

    def hand_off(self, text: str, reason: str) -> None:
        handoffs.record(self.openid, self.county.id, text, reason)

    def faq(self, text: str) -> str | None:
        entries = self.county.settings.get("faq") or packaged_faq()
        for entry in entries:
            if any(word in text for word in entry["keywords"]):
                return entry["answer"].format(**self.info)
        return None

    def dibao_standard(self, village_id: int | None) -> dict | None:
        """The county's 低保 standard in force today, per person per month, for the pre-screen: urban or rural
        by the village's statistical code, else the rural one marked as an estimate. None while the county
        has set no standard of its own (the packaged defaults are not this county's figure)."""
        standards = standards_on(self.county.id, today())
        if standards.is_default:
            return None
        code = db.session.scalar(select(Village.code).where(Village.id == village_id)) if village_id else None
        area = area_of(code)
        if area == "urban" and standards.urban_monthly is not None:
            return {"monthly": str(standards.urban_monthly), "area": "urban", "estimated": False}
        # a villagers' committee: rural; a village without a code, or a 社区 without an urban standard: an estimate
        return {"monthly": str(standards.rural_monthly), "area": "rural", "estimated": area != "rural"}

    def today(self) -> dt.date:
        return today()

    def nearest_township(self, lat: float, lng: float) -> tuple[str, float] | None:
        return nearest(lat, lng, self.county.positions)
