"""Measuring the classifier on a labelled corpus (JSONL: text, intake, also, urgent)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .classifier import Decision, route
from .lexicon import INTAKES


@dataclass(frozen=True)
class Example:
    text: str
    intake: str
    also: tuple[str, ...] = ()
    urgent: bool = False

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
    misrouted: list[Miss] = field(default_factory=list)
    missed_urgent: list[Miss] = field(default_factory=list)
    false_urgent: list[Miss] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.per_class.values()) / len(self.per_class)


def load_corpus(path: str | Path) -> list[Example]:
    examples = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            intake, also = row["intake"], tuple(row.get("also") or ())
            if intake not in INTAKES or any(a not in INTAKES for a in also):
                raise ValueError(f"{path}:{number}: unknown intake in {intake!r} / {also!r}")
            examples.append(Example(row["text"], intake, also, bool(row.get("urgent", False))))
    return examples


def _ratio(num: int, den: int) -> float:
    # an empty denominator means nothing to get wrong
    return num / den if den else 1.0


def evaluate(examples: Iterable[Example], classify: Callable[[str], Decision] = route) -> Report:
    """Score predictions; a prediction in `also` counts as correct and is credited to that intake."""
    confusion = {g: dict.fromkeys(INTAKES, 0) for g in INTAKES}
    report = Report({}, confusion, 0.0, 0.0, 0.0, 0)
    urgent_tp = urgent_fn = urgent_fp = 0
    for example in examples:
        decision = classify(example.text)
        predicted = decision.category
        gold = predicted if example.accepts(predicted) else example.intake
        confusion[gold][predicted] += 1
        report.total += 1
        if gold != predicted:
            report.misrouted.append(Miss(example, decision))
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


def format_report(report: Report, show_examples: bool = True) -> str:
    width = max(len(n) for n in INTAKES)
    lines = [f"{'intake':<{width}}  precision  recall     f1  support"]
    for name, s in report.per_class.items():
        lines.append(f"{name:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}")
    lines.append(f"macro-F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}   messages {report.total}")
    lines.append(f"urgent recall {report.urgent_recall:.3f}   urgent precision {report.urgent_precision:.3f}")
    lines.append("")
    lines.append("confusion (rows: labelled, columns: predicted)")
    short = {n: n[:8] for n in INTAKES}
    lines.append(" " * width + "  " + "  ".join(f"{short[n]:>8}" for n in INTAKES))
    for gold in INTAKES:
        cells = "  ".join(f"{report.confusion[gold][p]:>8d}" for p in INTAKES)
        lines.append(f"{gold:<{width}}  {cells}")
    if show_examples:
        for title, misses in (
            ("misrouted", report.misrouted),
            ("missed urgent", report.missed_urgent),
            ("false urgent", report.false_urgent),
        ):
            lines.append("")
            lines.append(f"{title} ({len(misses)})")
            for miss in misses:
                d, ex = miss.decision, miss.example
                lines.append(
                    f"  [{ex.intake} -> {d.category} {d.confidence:.2f}] {ex.text}  "
                    f"keywords={','.join(d.keywords)} urgent={','.join(d.urgent_keywords)}"
                )
    return "\n".join(lines)
