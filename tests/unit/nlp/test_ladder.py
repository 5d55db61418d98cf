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
