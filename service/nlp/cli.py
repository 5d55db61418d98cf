"""`flask --app service nlp ...`: a plain click group the app factory registers (no Flask import here)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TextIO

import click

from . import learn
from .classifier import Decision, route
from .engine import build_engine, warm_up
from .evaluation import Example, evaluate, format_report, load_corpus
from .ladder import Thresholds, ladder
from .lexicon import DATA_DIR

# the labelled corpus lives beside the tests in a source checkout
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "routing"
LEARNED_FILE = DATA_DIR / "learned.tsv"
SPLIT_NAME = re.compile(r"[A-Za-z0-9_-]+")
# a split held back to measure on: its messages and misses are never printed, only the figures
SEALED_PREFIX = "sealed"


@click.group("nlp", help="Routing classifier: classify messages and measure it on the labelled corpus.")
def nlp_cli() -> None:
    pass


@nlp_cli.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="jieba cache directory.")
def classify(source: TextIO, cache_dir: str | None) -> None:
    """One message per line from stdin (or SOURCE) in, one JSON object per line out; blank lines skipped."""
    warm_up(cache_dir)
    thresholds = Thresholds.from_mapping(os.environ)
    for line in source:
        text = line.strip()
        if not text:
            continue
        decision = route(text)
        row = decision.to_dict()
        row["ladder"] = ladder(decision, thresholds).to_dict()
        click.echo(json.dumps(row, ensure_ascii=False))


def _split_path(split: str, corpus_dir: str | None) -> Path:
    if not SPLIT_NAME.fullmatch(split):
        raise click.UsageError(f"split {split!r}: letters, digits, - and _ only (a file name without .jsonl)")
    path = Path(corpus_dir or DEFAULT_CORPUS) / f"{split}.jsonl"
    if not path.is_file():
        raise click.UsageError(f"no corpus at {path}; pass --corpus-dir")
    return path


@nlp_cli.command("eval")
@click.option("--split", default="test", show_default=True,
              help="Corpus file name without .jsonl: test, dev, dev_2026_12, sealed_2026_12 …")
@click.option(
    "--corpus-dir",
    type=click.Path(file_okay=False),
    default=None,
    help=f"Directory holding the split files (default: {DEFAULT_CORPUS}).",
)
@click.option("--quiet", is_flag=True, help="Figures only, without the misrouted examples.")
def evaluate_command(split: str, corpus_dir: str | None, quiet: bool) -> None:
    """Scheme P/R/F1 and confusion, intent accuracy and confusion, urgency figures, and the misses.

    A sealed split (name starting with `sealed`) prints figures only: its messages are never shown.
    """
    path = _split_path(split, corpus_dir)
    warm_up()
    report = evaluate(load_corpus(path))
    click.echo(f"split {split}: {path}")
    click.echo(format_report(report, show_examples=not quiet and not split.startswith(SEALED_PREFIX)))


@nlp_cli.command("learn")
@click.option("--split", "splits", multiple=True,
              help="Dev split(s) to learn from (file name without .jsonl); default: every dev*.jsonl.")
@click.option("--corpus-dir", type=click.Path(file_okay=False), default=None,
              help=f"Directory holding the split files (default: {DEFAULT_CORPUS}).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help=f"Where to write the weights (default: {LEARNED_FILE}).")
@click.option("--folds", type=click.IntRange(min=2), default=None,
              help="Cross-validate instead: figures of models that never saw the message, nothing written.")
@click.option("--leave-one-out", "by_file", is_flag=True,
              help="Leave each split out in turn: learn on the others, score it; nothing written.")
def learn_command(splits: tuple[str, ...], corpus_dir: str | None, out: str | None, folds: int | None,
                  by_file: bool) -> None:
    """Learn word weights from the dev splits on top of the hand-written lexicons (never from test/sealed)."""
    base = Path(corpus_dir or DEFAULT_CORPUS)
    paths = [_split_path(s, corpus_dir) for s in splits] if splits else sorted(base.glob("dev*.jsonl"))
    if not paths:
        raise click.UsageError(f"no dev*.jsonl in {base}")
    try:
        learn.check_trainable(paths)
    except learn.HeldOutSplit as exc:
        raise click.UsageError(str(exc)) from None
    engine = build_engine(None, learned=False)
    corpora = {p.stem: load_corpus(p) for p in paths}
    data = {name: learn.samples(engine, examples) for name, examples in corpora.items()}
    if folds:
        everything = [s for samples in data.values() for s in samples]
        decisions = iter(learn.cross_validate(everything, folds, engine.lexicon))
        for name, examples in corpora.items():
            report = evaluate(examples, classify=lambda _text: next(decisions))
            click.echo(f"{folds}-fold cross-validation, split {name}")
            click.echo(format_report(report, show_examples=False))
            click.echo("")
        return
    if by_file:
        # a file written by one writer is held out whole: its wording is new to the model that scores it
        pooled: list[tuple[Example, Decision]] = []
        for name, examples in corpora.items():
            table = learn.learn([s for other, samples in data.items() if other != name for s in samples])
            decided = learn.predict(data[name], table, engine.lexicon)
            pooled.extend(zip(examples, decided, strict=True))
            click.echo(_figures(name, examples, decided))
        click.echo(_figures("pooled", [e for e, _ in pooled], [d for _, d in pooled]))
        return
    table = learn.learn([s for samples in data.values() for s in samples])
    target = Path(out) if out else LEARNED_FILE
    lines = learn.write(table, target)
    click.echo(f"learned from {', '.join(corpora)} ({sum(len(e) for e in corpora.values())} messages): "
               f"{lines} weights written to {target}")


def _figures(name: str, examples: list[Example], decided: list[Decision]) -> str:
    answers = iter(decided)
    r = evaluate(examples, classify=lambda _text: next(answers))
    return (f"{name:<16} messages {r.total:5d}  macro-F1 {r.macro_f1:.3f}  intent {r.intent_accuracy:.3f}  "
            f"urgent recall {r.urgent_recall:.3f} ({len(r.missed_urgent)} missed)  "
            f"precision {r.urgent_precision:.3f} ({len(r.false_urgent)} false)")
