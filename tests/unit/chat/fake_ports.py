"""A fake of the dialogue's ports: the same methods as service.chat.ports.DatabasePorts, kept in memory.

The classifier and the place matching are the real (pure) ones; the use cases are recorded instead of
run, and submit keeps intake's rules that the dialogue relies on (a name, a village, a valid phone or
none at all for a followed chat application, one open application per person and intake).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from service.chat.application import application_payload
from service.chat.places import Place, core, match_villages, suggest_villages
from service.devtools.demo import SETTINGS, TOWNSHIPS
from service.errors import Conflict, InvalidInput
from service.intake.identity import mask_name, phone_problem
from service.nlp import Thresholds, ladder, route

PLACES = [Place(i, v, t) for i, (t, v) in enumerate((t, v) for t, vs in TOWNSHIPS.items() for v in vs)]
FAQ = json.loads(resources.files("service.chat").joinpath("data/faq.json").read_text("utf-8"))


class FakePorts:
    def __init__(self, today: dt.date = dt.date(2026, 12, 2)):
        self.info = {"county": "濉溪县", **SETTINGS}
        self._today = today
        self.submitted: list[dict] = []  # (payload, route) as intake's use case received them
        self.applications: list[dict] = []
        self.notes: list[tuple[str, str]] = []
        self.handoffs: list[tuple[str, str]] = []
        self.bound: list[str] = []
        # the county's 低保 standard as DatabasePorts.dibao_standard gives it; None: the county set none
        self.standard: dict | None = {"monthly": "439", "area": "rural", "estimated": False}
        self.standard_asked: list[int | None] = []

    def classify(self, text: str, *, measure: bool = True) -> dict:
        decision = route(text)
        step = ladder(decision, Thresholds.from_mapping({}))
        return {**decision.to_dict(), "ladder": step.action, "choices": list(step.choices)}

    def match_village(self, text: str) -> dict:
        matches = match_villages(text, PLACES)
        township_only, near = None, []
        if not matches:
            township_only = next((p.township for p in PLACES if core(p.township) in text), None)
            near = suggest_villages(text, PLACES)
        return {"matches": [(p.village_id, p.township + p.village) for p in matches],
                "township_only": township_only if township_only and not near else None,
                "suggestions": [(p.village_id, p.township + p.village) for p in near]}

    def open_application_for(self, intake: str | None) -> dict | None:
        return next(({"case_no": a["case_no"], "intake": a["intake"], "status_label": "待受理",
                      "name": mask_name(a["name"])} for a in reversed(self.applications)
                     if intake is None or a["intake"] == intake), None)

    def submit(self, data: dict) -> dict:
        payload, route_info = application_payload(data)
        errors = {}
        if payload["phone"] and phone_problem(payload["phone"]):
            errors["phone"] = [phone_problem(payload["phone"])]
        if not payload["name"]:
            errors["name"] = ["请填写申请人姓名"]
        if not any(p.village_id == payload["village_id"] for p in PLACES):
            errors["village_id"] = ["请选择申请人户籍所在的村（社区）"]
        if errors:
            raise InvalidInput(fields=errors)
        if any(a["id_number"] == payload["id_number"] and a["intake"] == payload["intake"]
               for a in self.applications):
            raise Conflict("该申请人已有一件办理中的同类申请，请不要重复申请")
        case_no = f"26120{len(self.applications) + 1:06d}"
        township = next(p.township for p in PLACES if p.village_id == payload["village_id"])
        self.submitted.append({"payload": payload, "route": route_info})
        self.applications.append({**payload, "case_no": case_no})
        return {"case_no": case_no, "township": township, "step_deadline": "2026-12-07", "total_days": 30}

    def add_note(self, case_no: str, text: str) -> None:
        self.notes.append((case_no, text))

    def progress(self) -> list[dict]:
        return [{"case_no": a["case_no"], "intake": a["intake"], "status": "待受理", "status_label": "待受理",
                 "message": "乡镇民政窗口正在审核您的材料。", "name": mask_name(a["name"])}
                for a in self.applications]

    def bind(self, case_no: str, last4: str) -> bool:
        self.bound.append(case_no)
        return False

    def faq(self, text: str) -> str | None:
        for entry in FAQ:
            if any(word in text for word in entry["keywords"]):
                return entry["answer"].format(**self.info)
        return None

    def hand_off(self, text: str, reason: str) -> None:
        self.handoffs.append((text, reason))

    def dibao_standard(self, village_id: int | None) -> dict | None:
        self.standard_asked.append(village_id)
        return self.standard

    def today(self) -> dt.date:
        return self._today

    def nearest_township(self, lat: float, lng: float) -> tuple[str, float] | None:
        return None
