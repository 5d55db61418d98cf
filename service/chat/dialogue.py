"""The chatbot's conversation: from a resident's first words to a case number, one question at a time.

Pure logic over a state dict {"step", "data"} and a Ports object that looks things up and takes the
use cases (submit, bind, add a note). Commands work at any step: 取消, 重新开始, 进度, 绑定, 返回, 人工.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from service.chat import prompts as P
from service.chat.forms import FIELDS_BY_INTAKE, parse_choice, parse_count
from service.intake.identity import (
    id_number_problem,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    phone_problem,
    typed,
)

CANCEL = {"取消", "退出", "不办了", "算了"}
RESTART = {"重新开始", "重来", "重新申请"}
PROGRESS = {"进度", "查询进度", "查进度", "进度查询"}
BIND = re.compile(r"^绑定\s*(\d{11})?\s*([0-9Xx]{4})?$")
BACK = {"返回", "上一步", "上一个"}
HUMAN = {"人工", "转人工", "人工客服"}
HELP = {"帮助", "菜单", "你好", "您好", "在吗", "hi", "hello"}
INTAKES = ("temporary_relief", "dibao", "child_welfare")


class Ports(Protocol):
    info: dict  # county name, hotline, office_hours, faq

    def classify(self, text: str) -> dict: ...  # {"category","urgent","ladder","choices","confidence","keywords"}
    def match_village(self, text: str) -> dict: ...  # {"matches": [(id, label)], "township_only": name|None}
    def open_application_for(self, intake: str) -> dict | None: ...  # the resident's open one of this intake
    def submit(self, form: dict) -> dict: ...  # application detail, or raises DomainError
    def add_note(self, case_no: str, text: str) -> None: ...
    def progress(self) -> list[dict]: ...
    def bind(self, case_no: str, last4: str) -> bool: ...
    def faq(self, text: str) -> str | None: ...
    def hand_off(self, text: str, reason: str) -> None: ...  # keep the words for a person to answer


def idle() -> dict:
    return {"step": "idle", "data": {}}


class Dialogue:
    def __init__(self, ports: Ports):
        self.ports = ports

    def fmt(self, template: str, **extra: Any) -> str:
        return template.format(**{**self.ports.info, **extra})

    # -- entry point ---------------------------------------------------------------------------
    def handle_text(self, state: dict, text: str) -> str:
        text = (text or "").strip()
        word = typed(text).rstrip("。.!！ ")  # commands typed on a Chinese keyboard: 绑定 ２６… ００２Ｘ
        if word in CANCEL:
            state.update(idle())
            return P.CANCELLED
        if word in RESTART:
            state.update(idle())
            return P.ASK_NEED
        if word in PROGRESS:
            return self.progress_reply() + self._continue_hint(state)
        if word in HUMAN:
            self.ports.hand_off(state["data"].get("said", ""), "asked")
            state.update(idle())
            return self.fmt(P.HANDOFF)
        bind = BIND.match(word)
        if bind:
            return self.start_bind(state, bind.group(1), bind.group(2))
        handler = getattr(self, f"on_{state['step']}", None) or self.on_idle
        return handler(state, text)

    def _continue_hint(self, state: dict) -> str:
        return "" if state["step"] == "idle" else "\n\n" + self.question(state)

    # -- first words --------------------------------------------------------------------------
    def on_idle(self, state: dict, text: str) -> str:
        if not text or text.lower() in HELP:
            return self.fmt(P.WELCOME)
        decision = self.ports.classify(text)
        if not decision["urgent"] and decision.get("intent") == "thanks":
            return self.fmt(P.THANKS)  # 谢谢 / 辛苦了 is not a request for a person
        if not decision["urgent"] and decision.get("intent") == "progress":
            return self.progress_reply()  # 批了没有, 咋样了, 到哪一步了: whatever the wording
        urgent_prefix = self.fmt(P.URGENT) + "\n\n" if decision["urgent"] else ""
        state["data"] = {"said": text, "urgent": decision["urgent"], "route": decision}
        if decision["category"] == "other" and not decision["urgent"]:
            answer = self.ports.faq(text)
            state.update(idle())
            if answer:
                return answer
            self.ports.hand_off(text, "unanswered")
            return self.fmt(P.HANDOFF)
        if decision["ladder"] == "auto":
            return urgent_prefix + self.propose(state, decision["category"])
        choices = [c for c in decision["choices"] if c in INTAKES] or list(INTAKES)
        return urgent_prefix + self.offer(state, choices)

    def propose(self, state: dict, intake: str) -> str:
        existing = self.ports.open_application_for(intake)
        if existing:
            state["step"] = "existing"
            state["data"].update(intake=intake, existing=existing["case_no"])
            return P.EXISTING.format(intake=P.SHORT_NAMES[intake], case_no=existing["case_no"],
                                     name=existing.get("name", ""), status=existing["status_label"])
        state["step"] = "confirm_intake"
        state["data"]["intake"] = intake
        return P.CONFIRM_INTAKE.format(intake=P.SHORT_NAMES[intake])

    def offer(self, state: dict, choices: list[str]) -> str:
        state["step"] = "choose_intake"
        state["data"]["choices"] = choices
        lines = [f"{i}. {P.INTAKE_NAMES[c]}" for i, c in enumerate(choices, 1)]
        lines.append(f"{len(choices) + 1}. {P.NONE_OF_THESE}")
        return P.CHOOSE_INTAKE.format(options="\n".join(lines))

    def on_confirm_intake(self, state: dict, text: str) -> str:
        choice = parse_choice(text, 2)
        if choice == 1 or text in {"是", "对", "是的", "确认", "嗯"}:
            return self.start_form(state)
        if choice == 2 or text in {"不是", "不对", "否"}:
            return self.offer(state, list(INTAKES))
        return P.CONFIRM_INTAKE.format(intake=P.SHORT_NAMES[state["data"]["intake"]])

    def on_choose_intake(self, state: dict, text: str) -> str:
        choices = state["data"]["choices"]
        choice = parse_choice(text, len(choices) + 1)
        if choice is None:
            return P.PICK_NUMBER
        if choice == len(choices) + 1:
            self.ports.hand_off(state["data"].get("said", ""), "no_intake")
            state.update(idle())
            return self.fmt(P.HANDOFF)
        return self.propose(state, choices[choice - 1])

    def on_existing(self, state: dict, text: str) -> str:
        choice = parse_choice(text, 3)
        data = state["data"]
        if choice == 1:
            self.ports.add_note(data["existing"], data["said"])
            state.update(idle())
            return P.NOTE_ADDED.format(case_no=data["existing"])
        if choice == 2:
            state.update(idle())
            return self.progress_reply()
        if choice == 3:  # a grown child applying for the other parent: a new application, its own form
            return self.start_form(state)
        return P.PICK_NUMBER

    # -- collecting the form ------------------------------------------------------------------
    def start_form(self, state: dict) -> str:
        state["data"]["form"] = {}
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

    def advance(self, state: dict, value: Any) -> str:
        fields = self._fields(state)
        state["data"]["form"][state["step"]] = value
        following = fields.index(state["step"]) + 1
        state["step"] = fields[following] if following < len(fields) else "summary"
        return self.question(state)

    def go_back(self, state: dict) -> str:
        fields = self._fields(state)
        at = len(fields) if state["step"] == "summary" else fields.index(state["step"])
        state["step"] = fields[max(at - 1, 0)]
        return self.question(state)

    def on_field(self, state: dict, text: str) -> str:
        if text in BACK:
            return self.go_back(state)
        step = state["step"]
        value, problem = self.check(step, text, state)
        if problem:
            return problem + P.BACK_HINT
        return self.advance(state, value)

    on_name = on_guardian_name = on_id_number = on_guardian_id_number = on_field
    on_phone = on_village = on_child_village = on_household = on_situation = on_field
    on_guardian_relation = on_child_situation = on_field

    def check(self, step: str, text: str, state: dict) -> tuple[Any, str | None]:
        if step in ("name", "guardian_name"):
            ok = 2 <= len(text) <= 20 and not re.search(r"\d", text)
            return text, None if ok else P.BAD_NAME
        if step in ("id_number", "guardian_id_number"):
            problem = id_number_problem(text)
            return normalise_id_number(text), problem and problem + "。"
        if step == "phone":
            problem = phone_problem(text)
            return normalise_phone(text), problem and problem + "。"
        if step in ("village", "child_village"):
            return self.check_village(text, state)
        if step == "household":
            count = parse_count(text)
            return count, None if count and 1 <= count <= 30 else P.BAD_HOUSEHOLD
        if step == "situation" and text.strip() in {"0", "〇", "零"}:
            return state["data"].get("said", ""), None
        if step in ("situation", "child_situation", "guardian_relation"):
            minimum = 1 if step == "guardian_relation" else 5
            return text, None if len(text) >= minimum else P.BAD_SITUATION
        return text, None

    def check_village(self, text: str, state: dict) -> tuple[Any, str | None]:
        pending = state["data"].pop("village_choices", None)
        if pending:
            choice = parse_choice(text, len(pending))
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
        return None, P.NO_VILLAGE

    # -- summary and submission ---------------------------------------------------------------
    def summary(self, state: dict) -> str:
        form, labels = state["data"]["form"], []
        for key, value in form.items():
            shown = {
                "id_number": mask_id_number, "guardian_id_number": mask_id_number, "phone": mask_phone,
                "village": lambda v: v[1], "child_village": lambda v: v[1], "household": lambda v: f"{v}人",
            }.get(key, lambda v: v)(value)
            labels.append(f"{FIELD_LABELS[key]}：{shown}")
        return P.SUMMARY.format(intake=P.SHORT_NAMES[state["data"]["intake"]], lines="\n".join(labels))

    def on_summary(self, state: dict, text: str) -> str:
        if text in BACK:
            return self.go_back(state)
        choice = parse_choice(text, 2)
        if choice == 2:
            return self.start_form(state)
        if choice != 1 and text not in {"提交", "确认"}:
            return self.summary(state)
        from service.errors import DomainError

        try:
            detail = self.ports.submit(state["data"])
        except DomainError as exc:
            reason = exc.message
            if exc.fields:
                reason = "；".join(m for msgs in exc.fields.values() for m in msgs)
            return P.SUBMIT_FAILED.format(reason=reason)
        urgent = state["data"].get("urgent")
        state.update(idle())
        reply = P.SUBMITTED.format(case_no=detail["case_no"], township=detail["township"],
                                   due=_month_day(detail["step_deadline"]), total=detail.get("total_days", 30))
        return reply + (P.SUBMITTED_URGENT if urgent else "")

    # -- progress and binding -----------------------------------------------------------------
    def progress_reply(self) -> str:
        items = self.ports.progress()
        if not items:
            return P.NO_APPLICATIONS
        return "\n\n".join(P.PROGRESS_ITEM.format(**item) for item in items)

    def start_bind(self, state: dict, case_no: str | None, last4: str | None) -> str:
        if case_no and last4:
            return self.finish_bind(state, case_no, last4)
        state.update({"step": "bind_case" if not case_no else "bind_last4", "data": {"case_no": case_no}})
        return P.BIND_ASK_CASE if not case_no else P.BIND_ASK_LAST4

    def on_bind_case(self, state: dict, text: str) -> str:
        digits = re.sub(r"\D", "", text)
        if len(digits) != 11:
            return P.BIND_BAD_CASE
        state["data"]["case_no"], state["step"] = digits, "bind_last4"
        return P.BIND_ASK_LAST4

    def on_bind_last4(self, state: dict, text: str) -> str:
        return self.finish_bind(state, state["data"]["case_no"], text.strip().upper())

    def finish_bind(self, state: dict, case_no: str, last4: str) -> str:
        from service.errors import RateLimited

        try:
            bound = self.ports.bind(case_no, last4.upper())
        except RateLimited:
            state.update(idle())
            return self.fmt(P.BIND_TOO_MANY)
        if not bound:
            state.update({"step": "bind_case", "data": {}})
            return P.BIND_FAILED
        state.update(idle())
        return P.BIND_DONE.format(progress=self.progress_reply())


FIELD_LABELS = {
    "name": "姓名", "guardian_name": "监护人", "id_number": "身份证", "guardian_id_number": "监护人身份证",
    "phone": "电话", "village": "户籍", "child_village": "孩子户籍", "household": "家庭人口",
    "situation": "情况", "guardian_relation": "与孩子关系", "child_situation": "孩子情况",
}


def _month_day(iso: str | None) -> str:
    if not iso:
        return "近日"
    _y, m, d = iso.split("-")
    return f"{int(m)}月{int(d)}日"
