"""Collecting the form one question at a time, the summary, changing one answer, and submitting.

A mixin of Dialogue: it reads `self.ports` and the state dict {"step", "data": {"form", "intake", ...}}.
"""

from __future__ import annotations

import re
from typing import Any

from service.chat import answers as A
from service.chat import prescreen
from service.chat import prompts as P
from service.chat.forms import FIELDS_BY_INTAKE, parse_count
from service.intake.identity import id_number_problem, mask_id_number, mask_phone, normalise_id_number

BACK = {"返回", "上一步", "上一个"}
ID_STEPS = ("id_number", "guardian_id_number")
NAME_STEPS = ("name", "guardian_name", "child_name")
FIELD_LABELS = {
    "name": "姓名", "guardian_name": "监护人", "id_number": "身份证", "guardian_id_number": "监护人身份证",
    "phone": "电话", "village": "户籍", "child_village": "孩子户籍", "household": "家庭人口",
    "situation": "情况", "guardian_relation": "与孩子关系", "child_name": "孩子姓名", "child_age": "孩子年龄",
    "child_situation": "孩子情况", "income": "家庭月收入",
}


def shown_phone(value: Any) -> str:
    phone = A.phone_of(value)
    if phone.kind == "none":
        return "没有电话（工作人员通过村委会联系您）"
    if phone.kind == "landline":
        return f"座机 {phone.number[:4]}****{phone.number[-3:]}"
    masked = mask_phone(phone.number) or ""
    return f"{masked}（{phone.whose}的）" if phone.kind == "relative" else masked


class FormSteps:
    ports: Any

    def start_form(self, state: dict) -> str:
        state["data"]["form"] = {}
        for leftover in ("early", "changing", "village_choices", "wipe_asked", "income_asked_again", "leave_asked"):  # 重新填写 starts clean
            state["data"].pop(leftover, None)
        state["step"] = FIELDS_BY_INTAKE[state["data"]["intake"]][0]
        return "好的。" + self.question(state)

    def question(self, state: dict) -> str:
        step = state["step"]
        if step in P.QUESTIONS:
            return P.question_for(step, state["data"].get("said", ""))
        if step == "summary":
            return self.summary(state)
        return P.ASK_NEED

    def _fields(self, state: dict) -> tuple[str, ...]:
        return FIELDS_BY_INTAKE[state["data"]["intake"]]

    def advance(self, state: dict, value: Any, said: str = "") -> str:
        """Keep the answer, then take any answer already given for the next steps (two in one message)."""
        fields, data = self._fields(state), state["data"]
        data["form"][state["step"]] = value
        early = data.get("early") or {}
        while True:
            if data.pop("changing", None):
                state["step"] = "summary"
            else:
                following = fields.index(state["step"]) + 1
                state["step"] = fields[following] if following < len(fields) else "summary"
            text = early.pop(state["step"], None)
            if text is None:
                break
            value, problem = self.check(state["step"], text, state)
            if problem:
                break  # asked again below, as if it had not been given
            data["form"][state["step"]] = value
            said += P.EARLY_TAKEN.format(label=FIELD_LABELS[state["step"]])
        if early:
            data["early"] = early
        else:
            data.pop("early", None)
        return said + self.question(state)

    def go_back(self, state: dict) -> str:
        if state["data"].pop("changing", None):
            state["step"] = "summary"
            return self.question(state)
        fields = self._fields(state)
        at = len(fields) if state["step"] == "summary" else fields.index(state["step"])
        state["step"] = fields[max(at - 1, 0)]
        return self.question(state)

    def on_field(self, state: dict, text: str) -> str:
        if A.bare(text) in BACK:
            return self.go_back(state)
        step = state["step"]
        text = self._split(state, step, text)
        value, problem = self.check(step, text, state)
        if problem:
            return problem + P.BACK_HINT
        return self.advance(state, value, self._noted(step, value))

    on_name = on_guardian_name = on_id_number = on_guardian_id_number = on_field
    on_phone = on_village = on_child_village = on_household = on_situation = on_field
    on_guardian_relation = on_child_situation = on_child_name = on_child_age = on_field

    def on_income(self, state: dict, text: str) -> str:
        """The pre-screen: a rough income, compared with the standard in force; skippable, never a gate."""
        if A.bare(text) in BACK:
            return self.go_back(state)
        kind, monthly = prescreen.read_income(text)
        if kind == "unclear" and not state["data"].pop("income_asked_again", None):
            state["data"]["income_asked_again"] = True
            return P.BAD_INCOME + P.BACK_HINT
        state["data"].pop("income_asked_again", None)  # asked twice: taken as not known, never a dead end
        value = {"monthly": monthly if kind in ("amount", "none") else None, "said": text[:30]}
        standard = None
        if value["monthly"] is not None:
            village = state["data"]["form"].get("village")
            standard = self.ports.dibao_standard(village[0] if village else None)
        said = prescreen.comparison(kind, value["monthly"], state["data"]["form"].get("household"), standard)
        return self.advance(state, value, said)

    def _split(self, state: dict, step: str, text: str) -> str:
        """张三 11010519491231002X 13812345678: this step's part, the rest kept for the steps after it."""
        fields = self._fields(state)
        if step not in NAME_STEPS + ID_STEPS or step == "child_name":
            return text
        id_number, mobile = A.find_id_number(text), A.find_mobile(text)
        early = state["data"].setdefault("early", {})
        id_step = next((f for f in fields if f in ID_STEPS), None)
        if step in NAME_STEPS and id_number and id_step:
            early[id_step] = id_number
        if mobile and "phone" in fields and (step in NAME_STEPS or id_number):
            early["phone"] = mobile
        if not early:
            state["data"].pop("early")
            return text
        return A.name_part(text) if step in NAME_STEPS else (id_number or text)

    @staticmethod
    def _noted(step: str, value: Any) -> str:
        if step != "phone":
            return ""
        phone = A.phone_of(value)
        if phone.kind == "none":
            return P.NO_PHONE_NOTED + "\n"
        if phone.kind == "landline":
            return P.LANDLINE_NOTED.format(number=phone.number) + "\n"
        if phone.kind == "relative":
            return P.RELATIVE_NOTED.format(whose=phone.whose) + "\n"
        return ""

    def check(self, step: str, text: str, state: dict) -> tuple[Any, str | None]:
        if step in NAME_STEPS:
            name = A.name_part(text) if step != "child_name" else text.strip()
            ok = 2 <= len(name) <= 20 and not re.search(r"\d", A.typed(name))
            return name, None if ok else P.BAD_NAME
        if step in ID_STEPS:
            found = A.find_id_number(text) or text
            problem = id_number_problem(found)
            value = normalise_id_number(found)
            problem = (problem and problem + "。") or A.birth_problem(value, self.ports.today())
            return value, problem
        if step == "phone":
            phone, problem = A.read_phone(text)
            return (phone and {"kind": phone.kind, "number": phone.number, "whose": phone.whose}), problem
        if step in ("village", "child_village"):
            return self.check_village(text, state)
        if step == "household":
            count = parse_count(A.typed(text))
            return count, None if count and 1 <= count <= 30 else P.BAD_HOUSEHOLD
        if step == "child_age":
            return A.read_age(text, self.ports.today())
        if step == "situation" and A.bare(text) in {"0", "〇", "零"}:
            return state["data"].get("said", ""), None
        if step in ("situation", "child_situation", "guardian_relation"):
            minimum = 1 if step == "guardian_relation" else 5
            return text, None if len(text) >= minimum else P.BAD_SITUATION
        return text, None

    def check_village(self, text: str, state: dict) -> tuple[Any, str | None]:
        pending = state["data"].pop("village_choices", None)
        if pending:
            choice = A.read_choice(text, len(pending)) or (1 if A.is_yes(text) else None)
            if choice:
                return pending[choice - 1], None
        found = self.ports.match_village(text)
        matches = found["matches"]
        if len(matches) == 1:
            return matches[0], None
        if matches:
            state["data"]["village_choices"] = matches
            options = "\n".join(f"{i}. {label}" for i, (_id, label) in enumerate(matches, 1))
            return None, P.PICK_VILLAGE.format(options=options)
        if found.get("township_only"):
            return None, P.ONLY_TOWNSHIP.format(township=found["township_only"])
        near = found.get("suggestions") or []
        if near:
            state["data"]["village_choices"] = near
            options = "\n".join(f"{i}. {label}" for i, (_id, label) in enumerate(near, 1))
            return None, P.SUGGEST_VILLAGE.format(said=text[:20], options=options)
        return None, P.NO_VILLAGE

    # -- summary, one change, submission ------------------------------------------------------
    def summary(self, state: dict) -> str:
        form, lines = state["data"]["form"], []
        shown = {
            "id_number": mask_id_number, "guardian_id_number": mask_id_number, "phone": shown_phone,
            "village": lambda v: v[1], "child_village": lambda v: v[1], "household": lambda v: f"{v}人",
            "child_age": lambda v: f"{v}岁", "income": _shown_income,
        }
        for number, key in enumerate(self._fields(state), 3):
            if key in form:
                lines.append(f"{number}. {FIELD_LABELS[key]}：{shown.get(key, str)(form[key])}")
        return P.SUMMARY.format(intake=P.SHORT_NAMES[state["data"]["intake"]], lines="\n".join(lines))

    def on_summary(self, state: dict, text: str) -> str:
        wipe_asked = state["data"].pop("wipe_asked", None)  # 2 / 重新填写 asked for a yes first
        if wipe_asked and A.is_yes(text):
            return self.start_form(state)
        if A.bare(text) in BACK:
            return self.go_back(state)
        field = A.field_to_change(text, self._fields(state))
        if field:  # 改电话 instead of a yes: the form is kept and one answer changed
            state["step"], state["data"]["changing"] = field, True
            return P.CHANGE_FIELD.format(label=FIELD_LABELS[field]) + self.question(state)
        if wipe_asked:
            return P.KEPT + self.summary(state)
        choice = A.read_choice(text, 2)
        if choice == 2 or A.bare(text) in {"重新填写", "重填", "全部重填"}:
            state["data"]["wipe_asked"] = True
            return P.CONFIRM_WIPE
        if choice != 1 and A.bare(text) not in {"提交", "确认", "确认提交"} and not A.is_yes(text):
            return self.summary(state)
        return self.submit(state)

    def submit(self, state: dict) -> str:
        from service.errors import DomainError

        try:
            detail = self.ports.submit(state["data"])
        except DomainError as exc:
            reason = exc.message
            if exc.fields:
                reason = "；".join(m for msgs in exc.fields.values() for m in msgs)
            return P.SUBMIT_FAILED.format(reason=reason)
        urgent = state["data"].get("urgent")
        state.update({"step": "idle", "data": {}})
        reply = P.SUBMITTED.format(case_no=detail["case_no"], township=detail["township"],
                                   due=_month_day(detail["step_deadline"]), total=detail.get("total_days", 30))
        return reply + (P.SUBMITTED_URGENT if urgent else "")


def _shown_income(value: dict | None) -> str:
    if not value or value.get("monthly") is None:
        return "没填"
    return "没有收入" if value["monthly"] == 0 else f"约{value['monthly']}元（仅供参考）"


def _month_day(iso: str | None) -> str:
    if not iso:
        return "近日"
    _y, m, d = iso.split("-")
    return f"{int(m)}月{int(d)}日"
