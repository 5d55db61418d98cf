"""`flask --app service nlp ...`: a plain click group the app factory registers (no Flask import here)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

import click

from .classifier import route
from .engine import warm_up
from .evaluation import evaluate, format_report, load_corpus
from .ladder import Thresholds, ladder

# the labelled corpus lives beside the tests in a source checkout
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "routing"


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


@nlp_cli.command("eval")
@click.option("--split", type=click.Choice(["dev", "test"]), default="test", show_default=True)
@click.option(
    "--corpus-dir",
    type=click.Path(file_okay=False),
    default=None,
    help=f"Directory holding dev.jsonl and test.jsonl (default: {DEFAULT_CORPUS}).",
)
@click.option("--quiet", is_flag=True, help="Figures only, without the misrouted examples.")
def evaluate_command(split: str, corpus_dir: str | None, quiet: bool) -> None:
    """Per-intake precision/recall/F1, confusion matrix, urgency figures and the misrouted examples."""
    path = Path(corpus_dir or DEFAULT_CORPUS) / f"{split}.jsonl"
    if not path.is_file():
        raise click.UsageError(f"no corpus at {path}; pass --corpus-dir")
    warm_up()
    report = evaluate(load_corpus(path))
    click.echo(f"split {split}: {path}")
    click.echo(format_report(report, show_examples=not quiet))
