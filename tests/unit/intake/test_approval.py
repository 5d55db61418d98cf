"""The approval's pure rules: what is proposed from a means test, when an amount needs a reason, and the
confirmation a missing material needs; the materials marks' own checks."""

from decimal import Decimal

import pytest

from service.errors import InvalidInput
from service.intake import approval
from service.intake import materials as mat

EDGE = {"eligible": False, "benefit": None, "per_capita_income": "500.00", "standard": "439", "counted_members": 2,
        "reasons": ["不符合低保条件"], "tekun": None, "temporary_relief": None,
        "single_person": [{"member": 7, "name": "李建国", "amount": 339, "explanation": "单人户施保"}]}


def test_an_edge_household_is_offered_the_single_person_option_not_the_household():
    offered = approval.proposal("dibao", EDGE)
    assert offered["amount"] == 339 and offered["basis"] == "single:7"
    assert [o["label"] for o in offered["options"]] == ["单人户施保（李建国）"]
    assert approval.check_amount(Decimal("339"), offered, None) == {"proposed_amount": 339, "amount_basis": "single:7"}


def test_child_welfare_and_missing_computations_propose_nothing():
    assert approval.proposal("child_welfare", EDGE) is None
    assert approval.proposal("dibao", None) is None
    assert approval.check_amount(Decimal("680"), None, "")["amount_basis"] == "manual"


def test_an_amount_no_option_supports_needs_a_reason_of_four_characters():
    offered = approval.proposal("dibao", {**EDGE, "single_person": []})  # not eligible, nothing to offer
    assert offered["amount"] is None
    with pytest.raises(InvalidInput) as caught:
        approval.check_amount(Decimal("200"), offered, "改一下")
    assert "核算结果为不符合条件" in caught.value.fields["amount_reason"][0]
    kept = approval.check_amount(Decimal("200"), offered, "民主评议认定困难")
    assert kept == {"proposed_amount": None, "amount_basis": "override", "amount_reason": "民主评议认定困难"}
    assert approval.history_lines({"amount": "200.00", **kept}) == ["核算结果不符合条件，改为 200.00 元，理由：民主评议认定困难"]


def test_missing_materials_need_the_explicit_flag():
    assert approval.check_materials([], False) == {}
    with pytest.raises(InvalidInput) as caught:
        approval.check_materials(["户口簿"], False)
    assert caught.value.code == "materials_missing"
    assert approval.check_materials(["户口簿"], True) == {"missing_confirmed": ["户口簿"]}


def test_material_marks_and_what_is_still_owed():
    assert mat.check_mark("waived", " 不适用 ", None) == mat.Mark("waived", waived_reason="不适用")
    with pytest.raises(InvalidInput):
        mat.check_mark("lost", None, None)
    items = [("申请书", True, "received"), ("户口簿", True, "looked_up"), ("诊断证明", False, "pending"),
             ("授权书", True, "requested"), ("承诺书", True, "pending")]
    assert mat.missing(items) == ["授权书", "承诺书"]
    with pytest.raises(InvalidInput):
        mat.check_request(["户口簿"], items)
    mat.check_request(["授权书", "新增的证明"], items)
