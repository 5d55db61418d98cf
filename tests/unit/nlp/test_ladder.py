"""The routing ladder: auto-route, ask between the top two, or hand to a person."""

import pytest

from service.nlp import Decision, Thresholds, ladder, route


def decision(confidence, margin, urgent=False, category="dibao", runner_up="other"):
    return Decision(category, confidence, margin, runner_up, ("低保",), urgent)


def test_confident_decision_with_margin_is_routed_automatically():
    step = ladder(decision(0.9, 0.8))
    assert step.action == "auto" and step.choices == ("dibao",)


def test_confident_but_close_to_the_runner_up_asks_the_resident():
    step = ladder(decision(0.8, 0.1))
    assert step.action == "ask" and step.choices == ("dibao", "other")


def test_between_thresholds_asks_between_the_top_two():
    step = ladder(decision(0.6, 0.35, category="temporary_relief", runner_up="child_welfare"))
    assert step.action == "ask" and step.choices == ("temporary_relief", "child_welfare")


def test_below_the_ask_threshold_goes_to_a_person():
    assert ladder(decision(0.3, 0.05)).action == "human"


def test_urgent_and_unsure_goes_to_a_person_not_a_menu():
    step = ladder(decision(0.6, 0.35, urgent=True))
    assert step.action == "human" and "urgent" in step.reason


def test_urgent_and_sure_is_routed_automatically():
    assert ladder(decision(0.95, 0.9, urgent=True)).action == "auto"


def test_thresholds_are_inclusive_at_the_boundary():
    t = Thresholds(auto_confidence=0.7, auto_margin=0.2, ask_confidence=0.4)
    assert ladder(decision(0.7, 0.2), t).action == "auto"
    assert ladder(decision(0.4, 0.0), t).action == "ask"


def test_custom_thresholds_change_the_step():
    strict = Thresholds(auto_confidence=0.99, auto_margin=0.9, ask_confidence=0.95)
    assert ladder(decision(0.9, 0.8), strict).action == "human"


def test_from_mapping_reads_the_environment_keys_and_keeps_defaults():
    env = {"ROUTE_AUTO_CONFIDENCE": "0.8", "ROUTE_ASK_CONFIDENCE": " 0.5 ", "UNRELATED": "x"}
    t = Thresholds.from_mapping(env)
    assert (t.auto_confidence, t.auto_margin, t.ask_confidence) == (0.8, Thresholds().auto_margin, 0.5)
    assert Thresholds.from_mapping({}) == Thresholds()
    assert Thresholds.from_mapping({"ROUTE_AUTO_MARGIN": ""}) == Thresholds()


@pytest.mark.parametrize(
    "mapping",
    [
        {"ROUTE_AUTO_CONFIDENCE": "high"},
        {"ROUTE_AUTO_MARGIN": "1.5"},
        {"ROUTE_AUTO_CONFIDENCE": "0.5", "ROUTE_ASK_CONFIDENCE": "0.6"},
    ],
)
def test_from_mapping_rejects_bad_values(mapping):
    with pytest.raises(ValueError):
        Thresholds.from_mapping(mapping)


def test_real_messages_climb_the_ladder(classifier):
    assert ladder(route("我想申请低保，家里没有收入，老伴瘫痪在床")).action == "auto"
    assert ladder(route("你好")).action == "auto"
    unclear = ladder(route("我想申请"))
    assert unclear.action in {"ask", "human"}


def thin_decision(candidates=(), urgent=False, category="temporary_relief", intent="apply"):
    return Decision(category, 0.3, 0.05, "dibao", (), urgent, intent=intent, thin=True, candidates=candidates)


def test_unfamiliar_words_ask_the_resident_between_all_three_schemes():
    step = ladder(thin_decision())
    assert step.action == "ask"
    assert step.choices == ("temporary_relief", "dibao", "child_welfare")
    assert "ask the resident" in step.reason


def test_thin_evidence_offers_only_the_schemes_with_some():
    step = ladder(thin_decision(candidates=("dibao",)))
    assert (step.action, step.choices) == ("ask", ("dibao",))


def test_an_urgent_message_is_never_handed_a_menu_even_when_unsure():
    assert ladder(thin_decision(urgent=True)).action == "human"


def test_a_complaint_goes_to_a_person():
    complaint = Decision("other", 0.9, 0.8, "dibao", ("举报",), False, intent="complaint")
    step = ladder(complaint)
    assert (step.action, step.choices) == ("human", ("other",))


@pytest.mark.parametrize(
    "text",
    [
        "俺想找个人帮帮俺",  # asks for help, names nothing
        "日子过不下去了，恁给想想法",
        "我想申请",
    ],
)
def test_real_messages_with_unfamiliar_words_ask_instead_of_falling_to_other(classifier, text):
    decision = route(text)
    step = ladder(decision)
    assert decision.thin or step.action != "auto", decision
    if decision.thin:
        assert step.action == "ask" and set(step.choices) <= {"temporary_relief", "dibao", "child_welfare"}
        assert decision.category != "other" or decision.intent != "apply"
