"""Measuring the classifier on a labelled corpus (JSONL: text, intake, also, urgent[, intent]).

Both dimensions are scored: the scheme (per-intake precision/recall/F1, macro-F1, confusion) and the
intent (accuracy and confusion, over the rows that carry an intent), with urgency beside them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .classifier import Decision, route
from .lexicon import INTAKES, INTENTS


@dataclass(frozen=True)
class Example:
    text: str
    intake: str
    also: tuple[str, ...] = ()
    urgent: bool = False
    intent: str | None = None

    def accepts(self, category: str) -> bool:
        return category == self.intake or category in self.also


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Miss:
    example: Example
    decision: Decision


@dataclass
class Report:
    per_class: dict[str, ClassScore]
    confusion: dict[str, dict[str, int]]  # gold (as credited) -> predicted -> count
    urgent_recall: float
    urgent_precision: float
    accuracy: float
    total: int
    intent_confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # gold -> predicted -> count
    misrouted: list[Miss] = field(default_factory=list)
    missed_urgent: list[Miss] = field(default_factory=list)
    false_urgent: list[Miss] = field(default_factory=list)
    wrong_intent: list[Miss] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.per_class.values()) / len(self.per_class)

    @property
    def other_precision(self) -> float:
        return self.per_class["other"].precision

    @property
    def intent_total(self) -> int:
        return sum(sum(row.values()) for row in self.intent_confusion.values())

    @property
    def intent_accuracy(self) -> float:
        correct = sum(self.intent_confusion[i][i] for i in self.intent_confusion)
        return _ratio(correct, self.intent_total)


def load_corpus(path: str | Path) -> list[Example]:
    examples = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            intake, also, intent = row["intake"], tuple(row.get("also") or ()), row.get("intent")
            if intake not in INTAKES or any(a not in INTAKES for a in also):
                raise ValueError(f"{path}:{number}: unknown intake in {intake!r} / {also!r}")
            if intent is not None and intent not in INTENTS:
                raise ValueError(f"{path}:{number}: unknown intent {intent!r}")
            examples.append(Example(row["text"], intake, also, bool(row.get("urgent", False)), intent))
    return examples


def _ratio(num: int, den: int) -> float:
    # an empty denominator means nothing to get wrong
    return num / den if den else 1.0


def evaluate(examples: Iterable[Example], classify: Callable[[str], Decision] = route) -> Report:
    """Score predictions; a prediction in `also` counts as correct and is credited to that intake."""
    confusion = {g: dict.fromkeys(INTAKES, 0) for g in INTAKES}
    intents = {g: dict.fromkeys(INTENTS, 0) for g in INTENTS}
    report = Report({}, confusion, 0.0, 0.0, 0.0, 0, intents)
    urgent_tp = urgent_fn = urgent_fp = 0
    for example in examples:
        decision = classify(example.text)
        predicted = decision.category
        gold = predicted if example.accepts(predicted) else example.intake
        confusion[gold][predicted] += 1
        report.total += 1
        if gold != predicted:
            report.misrouted.append(Miss(example, decision))
        if example.intent is not None:
            intents[example.intent][decision.intent] += 1
            if decision.intent != example.intent:
                report.wrong_intent.append(Miss(example, decision))
        if example.urgent and decision.urgent:
            urgent_tp += 1
        elif example.urgent:
            urgent_fn += 1
            report.missed_urgent.append(Miss(example, decision))
        elif decision.urgent:
            urgent_fp += 1
            report.false_urgent.append(Miss(example, decision))
    for name in INTAKES:
        tp = confusion[name][name]
        predicted_n = sum(confusion[g][name] for g in INTAKES)
        gold_n = sum(confusion[name].values())
        p, r = _ratio(tp, predicted_n), _ratio(tp, gold_n)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        report.per_class[name] = ClassScore(p, r, f1, gold_n)
    correct = sum(confusion[n][n] for n in INTAKES)
    report.accuracy = _ratio(correct, report.total)
    report.urgent_recall = _ratio(urgent_tp, urgent_tp + urgent_fn)
    report.urgent_precision = _ratio(urgent_tp, urgent_tp + urgent_fp)
    return report


def _matrix(labels: tuple[str, ...], table: dict[str, dict[str, int]]) -> list[str]:
    width = max(len(n) for n in labels)
    lines = [" " * width + "  " + "  ".join(f"{n[:8]:>8}" for n in labels)]
    for gold in labels:
        cells = "  ".join(f"{table[gold][p]:>8d}" for p in labels)
        lines.append(f"{gold:<{width}}  {cells}")
    return lines


def format_report(report: Report, show_examples: bool = True) -> str:
    width = max(len(n) for n in INTAKES)
    lines = [f"{'scheme':<{width}}  precision  recall     f1  support"]
    for name, s in report.per_class.items():
        lines.append(f"{name:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}")
    lines.append(f"macro-F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}   messages {report.total}")
    lines.append(f"other precision {report.other_precision:.3f}")
    lines.append(f"urgent recall {report.urgent_recall:.3f}   urgent precision {report.urgent_precision:.3f}")
    if report.intent_total:
        lines.append(f"intent accuracy {report.intent_accuracy:.3f}   labelled {report.intent_total}")
    lines.append("")
    lines.append("scheme confusion (rows: labelled, columns: predicted)")
    lines.extend(_matrix(INTAKES, report.confusion))
    if report.intent_total:
        lines.append("")
        lines.append("intent confusion (rows: labelled, columns: predicted)")
        lines.extend(_matrix(INTENTS, report.intent_confusion))
    if show_examples:
        for title, misses in (
            ("misrouted", report.misrouted),
            ("missed urgent", report.missed_urgent),
            ("false urgent", report.false_urgent),
            ("wrong intent", report.wrong_intent),
        ):
            lines.append("")
            lines.append(f"{title} ({len(misses)})")
            for miss in misses:
                d, ex = miss.decision, miss.example
                lines.append(
                    f"  [{ex.intake}/{ex.intent or '-'} -> {d.category}/{d.intent} {d.confidence:.2f}] {ex.text}  "
                    f"keywords={','.join(d.keywords)} intent={','.join(d.intent_keywords)} "
                    f"urgent={','.join(d.urgent_keywords)}"
                )
    return "\n".join(lines)
