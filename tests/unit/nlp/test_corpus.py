"""The labelled corpus and the targets the classifier must hold on its held-out test split."""

import json

import pytest

from service.nlp.evaluation import evaluate, load_corpus
from service.nlp.lexicon import INTAKES, INTENTS

from .conftest import CORPUS

# targets from the tracker: the old held-out test split, never tuned on
MACRO_F1 = 0.92
URGENT_RECALL = 0.95
URGENT_PRECISION = 0.80
OTHER_PRECISION = 0.90


@pytest.fixture(scope="module")
def test_report(classifier):
    return evaluate(load_corpus(CORPUS / "test.jsonl"))


def test_corpus_is_large_labelled_and_split_without_overlap():
    dev = load_corpus(CORPUS / "dev.jsonl")
    test = load_corpus(CORPUS / "test.jsonl")
    assert len(dev) + len(test) >= 400
    # a count, never the rows: a failing assert must not print held-out messages
    assert len({e.text for e in dev} & {e.text for e in test}) == 0
    for split in (dev, test):
        assert {e.intake for e in split} == set(INTAKES)
        assert sum(e.urgent for e in split) >= 30
        assert all(e.intake not in e.also for e in split)
        assert len({e.text for e in split}) == len(split)


def test_corpus_rows_have_exactly_the_documented_fields():
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert set(row) == {"text", "intake", "also", "urgent", "intent"}
            assert isinstance(row["urgent"], bool) and isinstance(row["also"], list)
            assert row["intent"] in INTENTS


def test_macro_f1_on_the_test_split(test_report):
    assert test_report.macro_f1 >= MACRO_F1, test_report.per_class


def test_urgent_recall_on_the_test_split(test_report):
    missed = [m.example.text for m in test_report.missed_urgent]
    assert test_report.urgent_recall >= URGENT_RECALL, missed


# met at 2026-12-02 evening (after nlp13d): 0.812 (it was 0.750)
def test_urgent_precision_on_the_test_split(test_report):
    assert test_report.urgent_precision >= URGENT_PRECISION


def test_other_precision_on_the_test_split(test_report):
    # a greeting or a complaint must not open an application, and a request must not land in `other`
    assert test_report.per_class["other"].precision >= OTHER_PRECISION


def test_a_prediction_in_also_counts_as_correct():
    from service.nlp.classifier import Decision
    from service.nlp.evaluation import Example

    example = Example("房子烧了，娃没人管", "temporary_relief", ("child_welfare",), True)
    decision = Decision("child_welfare", 0.9, 0.8, "temporary_relief", ("娃",), True)
    report = evaluate([example], classify=lambda _text: decision)
    assert report.accuracy == 1.0
    assert report.confusion["child_welfare"]["child_welfare"] == 1
    assert not report.misrouted


def test_intent_accuracy_and_confusion_count_only_rows_with_an_intent():
    from service.nlp.classifier import Decision
    from service.nlp.evaluation import Example

    examples = [
        Example("a", "dibao", (), False, "progress"),
        Example("b", "dibao", (), False, "ask"),
        Example("c", "other", (), False, None),
    ]
    decision = Decision("dibao", 0.9, 0.8, "other", ("低保",), False, intent="progress")
    report = evaluate(examples, classify=lambda _text: decision)
    assert report.intent_total == 2 and report.intent_accuracy == 0.5
    assert report.intent_confusion["ask"]["progress"] == 1
    assert [m.example.text for m in report.wrong_intent] == ["b"]
    assert report.other_precision == 1.0  # nothing predicted `other`: nothing wrong there


def test_every_dev_split_is_labelled_and_apart_from_the_test_split():
    test = {e.text for e in load_corpus(CORPUS / "test.jsonl")}
    seen = set()
    for path in sorted(CORPUS.glob("dev*.jsonl")):
        examples = load_corpus(path)
        assert all(e.intent for e in examples), path.name
        texts = {e.text for e in examples}
        held_out = len(texts & test)  # a count, never the rows: a failing assert must not print them
        assert held_out == 0, f"{path.name}: {held_out} messages also in the test split"
        assert not texts & seen, path.name
        seen |= texts


# Sealed 2026-12-02, before any tuning on the new material (issue 13): written by two writers who never saw
# the lexicons; the classifier is tuned on dev_2026_12.jsonl only. Changing this file breaks the seal.
SEALED_SPLIT = "sealed_2026_12.jsonl"
SEALED_SHA256 = "01d4fe2c55ae27277320a7e64b0bc181310bb487cf6af1216477059a6d6cb53a"


def test_the_sealed_split_is_unchanged_since_it_was_sealed():
    import hashlib

    assert hashlib.sha256((CORPUS / SEALED_SPLIT).read_bytes()).hexdigest() == SEALED_SHA256


# Issue 13's targets, on the sealed split (never tuned on, never read: only these figures leave it)
SEALED_MACRO_F1 = 0.93
SEALED_URGENT_RECALL = 0.95
SEALED_URGENT_PRECISION = 0.80
SEALED_INTENT_ACCURACY = 0.90


@pytest.fixture(scope="module")
def sealed(classifier):
    """The sealed split's figures as plain numbers: a failing assert must not print its messages."""
    report = evaluate(load_corpus(CORPUS / SEALED_SPLIT))
    return {
        "macro_f1": round(report.macro_f1, 3),
        "urgent_recall": round(report.urgent_recall, 3),
        "urgent_precision": round(report.urgent_precision, 3),
        "intent_accuracy": round(report.intent_accuracy, 3),
        "intent_labelled": report.intent_total,
        "messages": report.total,
    }


# met at 2026-12-02 evening (after nlp13d): 0.937 (it was 0.917)
def test_sealed_split_scheme_macro_f1(sealed):
    assert sealed["macro_f1"] >= SEALED_MACRO_F1, sealed


def test_sealed_split_urgent_recall_and_precision(sealed):
    assert sealed["urgent_recall"] >= SEALED_URGENT_RECALL, sealed
    assert sealed["urgent_precision"] >= SEALED_URGENT_PRECISION, sealed


def test_every_sealed_row_carries_an_intent(sealed):
    assert sealed["intent_labelled"] == sealed["messages"]


# met at 2026-12-02 (nlp13b): 0.903; 0.904 after nlp13d
def test_sealed_split_intent_accuracy(sealed):
    assert sealed["intent_accuracy"] >= SEALED_INTENT_ACCURACY, sealed
