"""The chatbot's conversation: from a resident's first words to a case number, one question at a time.

Pure logic over a state dict {"step", "data"} and a Ports object that looks things up and takes the
use cases (submit, bind, add a note). Commands work at any step: 取消, 重新开始, 进度, 绑定, 返回, 人工; a
progress question in any wording is answered at any step, and the question in hand is asked again.
This module: first words, the choice of scheme, progress, binding. The form's questions, the summary and
the submit are in form_steps.py; reading what residents type (digits, phones, schemes in words) in answers.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from service.chat import answers as A
from service.chat import prompts as P
from service.chat.form_steps import FormSteps
from service.intake.procedures import INTAKES

CANCEL = {"取消", "退出", "不办了", "算了"}
RESTART = {"重新开始", "重来", "重新申请"}
PROGRESS = {"进度", "查询进度", "查进度", "进度查询"}
BIND = re.compile(r"^绑定\s*(\d{11})?\s*([0-9Xx]{4})?$")
HUMAN = {"人工", "转人工", "人工客服"}
HELP = {"帮助", "菜单", "你好", "您好", "在吗", "hi", "hello"}
BIND_STEPS = ("bind_case", "bind_last4")
PROGRESS_CONFIDENCE = 0.8  # mid-form, only a clear progress question interrupts the question asked


class Ports(Protocol):
    info: dict  # county name, hotline, office_hours, faq

    def classify(self, text: str, *, measure: bool = True) -> dict: ...  # route() + "ladder", "choices"
    def match_village(self, text: str) -> dict: ...  # {"matches", "suggestions": [(id, label)], "township_only"}
    def open_application_for(self, intake: str | None) -> dict | None: ...  # the resident's open one (of this intake)
    def submit(self, form: dict) -> dict: ...  # application detail, or raises DomainError
    def add_note(self, case_no: str, text: str) -> None: ...
    def progress(self) -> list[dict]: ...
    def bind(self, case_no: str, last4: str) -> bool: ...
    def faq(self, text: str) -> str | None: ...
    def hand_off(self, text: str, reason: str) -> None: ...  # keep the words for a person to answer
    def dibao_standard(self, village_id: int | None) -> dict | None: ...  # {"monthly", "area", "estimated"}
    def today(self) -> dt.date: ...  # Beijing's date: birth dates and ages are checked against it


def idle() -> dict:
    return {"step": "idle", "data": {}}


class Dialogue(FormSteps):
    def __init__(self, ports: Ports):
        self.ports = ports

    def fmt(self, template: str, **extra: Any) -> str:
        return template.format(**{**self.ports.info, **extra})

    # -- entry point ---------------------------------------------------------------------------
    def handle_text(self, state: dict, text: str) -> str:
        text = A.cleaned(text)  # control and invisible characters never reach the steps
        word = A.typed(text).rstrip("。.!！ ")  # commands typed on a Chinese keyboard: 绑定 ２６… ００２Ｘ
        leaving = state["data"].pop("leave_asked", None)  # 取消 / 重新开始 with answers given asked for a yes
        if leaving and (A.is_yes(text) or A.read_choice(text, 2) == 1 or word in (CANCEL if leaving == "cancel" else RESTART)):
            state.update(idle())
            return P.CANCELLED if leaving == "cancel" else P.ASK_NEED
        if leaving and (A.is_no(text) or A.read_choice(text, 2) == 2 or word in {"接着填", "继续"}):
            return P.KEPT + self.question(state)
        if word in CANCEL or word in RESTART:
            return self.leave(state, "cancel" if word in CANCEL else "restart")
        if word in PROGRESS or self._asks_progress(state, text):
            if state["step"] in BIND_STEPS:
                return self.progress_while_binding(state)
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

    def leave(self, state: dict, how: str) -> str:
        """A slip of the thumb must not wipe six answers an old person typed: with answers given, ask first."""
        given = len(state["data"].get("form") or {})
        if not given or (state["step"] not in P.QUESTIONS and state["step"] != "summary"):
            state.update(idle())
            return P.CANCELLED if how == "cancel" else P.ASK_NEED
        state["data"]["leave_asked"] = how
        return (P.CONFIRM_CANCEL if how == "cancel" else P.CONFIRM_RESTART).format(given=given)

    def _asks_progress(self, state: dict, text: str) -> bool:
        """批了没有 / 咋样了 / 到哪一步了 in the middle of a form: a short question, no digits, read as
        progress with confidence; an answer to the question asked never is (the steps read those)."""
        if state["step"] == "idle" or not 2 <= len(text) <= 15:
            return False
        if re.search(r"\d", A.typed(text)) or A.is_yes(text) or A.is_no(text):
            return False
        decision = self.ports.classify(text, measure=False)
        return (decision.get("intent") == "progress" and not decision["urgent"]
                and decision.get("intent_confidence", 1.0) >= PROGRESS_CONFIDENCE)

    def _continue_hint(self, state: dict) -> str:
        """After a progress answer, the form in hand goes on; a half-made choice of scheme is dropped."""
        if state["step"] in P.QUESTIONS or state["step"] == "summary":
            return "\n\n" + P.CONTINUE + self.question(state)
        if state["step"] == "confirm_intake":
            return "\n\n" + P.CONFIRM_INTAKE.format(intake=P.SHORT_NAMES[state["data"]["intake"]])
        state.update(idle())
        return ""

    # -- first words --------------------------------------------------------------------------
    def on_idle(self, state: dict, text: str) -> str:
        if not text or text.lower() in HELP:
            return self.fmt(P.WELCOME)
        decision = self.ports.classify(text)
        if not decision["urgent"] and decision.get("intent") == "thanks":
            return self.fmt(P.THANKS)  # 谢谢 / 辛苦了 is not a request for a person
        if decision.get("intent") == "progress":
            if not decision["urgent"]:
                return self.progress_reply()  # 批了没有, 咋样了, 到哪一步了: whatever the wording
            chased = self.chase_urgent(text, decision["category"])
            if chased:
                return chased
        urgent_prefix = self.fmt(P.URGENT) + "\n\n" if decision["urgent"] else ""
        state["data"] = {"said": text, "urgent": decision["urgent"], "route": decision}
        if decision["category"] == "other" and decision["urgent"]:
            # an emergency none of the three schemes covers (a grown-up missing): a person, at once
            self.ports.hand_off(text, "urgent")
            state.update(idle())
            return self.fmt(P.URGENT_HANDED_OFF)
        if decision["category"] == "other":
            answer = self.ports.faq(text)
            state.update(idle())
            if answer:
                return answer
            self.ports.hand_off(text, "unanswered")
            return self.fmt(P.HANDOFF)
        if decision["ladder"] == "auto":
            return urgent_prefix + self.propose(state, decision["category"])
        likely = [c for c in decision["choices"] if c in INTAKES]
        return urgent_prefix + self.offer(state, likely)

    def chase_urgent(self, text: str, category: str) -> str | None:
        """批了没有 while the emergency is still on (医院今天催钱, 今晚没处住): the words go on the open
        application and to a person, and the resident hears both; with none open, a new application is offered."""
        existing = (self.ports.open_application_for(category) if category in INTAKES else None) \
            or self.ports.open_application_for(None)
        if existing is None:
            return None
        self.ports.add_note(existing["case_no"], text)
        self.ports.hand_off(text, "urgent")
        return self.fmt(P.URGENT_CHASED, case_no=existing["case_no"]) + "\n\n" + self.progress_reply()

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

    def offer(self, state: dict, likely: list[str]) -> str:
        """Every intake, the likely ones first, and 都不是 last: nobody is left without their scheme."""
        choices = [*likely, *(c for c in INTAKES if c not in likely)]
        state["step"] = "choose_intake"
        state["data"]["choices"] = choices
        lines = [f"{i}. {P.INTAKE_NAMES[c]}" for i, c in enumerate(choices, 1)]
        lines.append(f"{len(choices) + 1}. {P.NONE_OF_THESE}")
        return P.CHOOSE_INTAKE.format(options="\n".join(lines))

    def on_confirm_intake(self, state: dict, text: str) -> str:
        choice = A.read_choice(text, 2)
        named = A.read_intake(text)
        if named in INTAKES and named != state["data"]["intake"]:
            return self.propose(state, named)  # 不是，是低保
        if choice == 1 or A.is_yes(text) or named == state["data"]["intake"]:
            return self.start_form(state)
        if choice == 2 or A.is_no(text) or named == "none":
            return self.offer(state, [])
        return P.CONFIRM_INTAKE.format(intake=P.SHORT_NAMES[state["data"]["intake"]])

    def on_choose_intake(self, state: dict, text: str) -> str:
        choices = state["data"].get("choices") or list(INTAKES)
        choice = A.read_choice(text, len(choices) + 1)
        named = A.read_intake(text) if choice is None else None
        if choice is None and named is None:
            return P.PICK_NUMBER + "\n" + self.offer(state, choices)
        if choice == len(choices) + 1 or named == "none":
            self.ports.hand_off(state["data"].get("said", ""), "no_intake")
            state.update(idle())
            return self.fmt(P.HANDOFF)
        return self.propose(state, named or choices[choice - 1])

    def on_existing(self, state: dict, text: str) -> str:
        choice = A.read_choice(text, 3)
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
        return P.PICK_EXISTING

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

    def progress_while_binding(self, state: dict) -> str:
        """咋样了 while a case number is asked: the progress there is, else why binding comes first."""
        ask = P.BIND_ASK_CASE if state["step"] == "bind_case" else P.BIND_ASK_LAST4
        if not self.ports.progress():
            return P.BIND_FIRST + ask
        return self.progress_reply() + "\n\n" + P.BIND_GO_ON + ask

    def on_bind_case(self, state: dict, text: str) -> str:
        digits = re.sub(r"\D", "", A.typed(text))
        if len(digits) != 11:
            return P.BIND_BAD_CASE
        state["data"]["case_no"], state["step"] = digits, "bind_last4"
        return P.BIND_ASK_LAST4

    def on_bind_last4(self, state: dict, text: str) -> str:
        return self.finish_bind(state, state["data"]["case_no"], A.last4(text))

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

