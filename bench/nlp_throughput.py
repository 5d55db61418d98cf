"""Throughput of service.nlp.route() against bare jieba.lcut on the same messages, and resident memory.

    .venv/bin/python bench/nlp_throughput.py [--messages 10000] [--rounds 3]

Both run in this one process, one core, on the same messages built from the labelled corpus; the
best of several rounds is kept for each. RSS is measured in fresh child processes so neither side
carries the other's memory. Results are printed; bench/nlp/README.md records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "routing"
sys.path.insert(0, str(ROOT))

RSS_PROBE = """
import logging, sys
sys.path.insert(0, {root!r})
{body}
for line in open('/proc/self/status'):
    if line.startswith('VmRSS:'):
        print(int(line.split()[1]) // 1024)
"""
CLASSIFIER_BODY = "from service.nlp import route, warm_up\nwarm_up()\nroute('俺想吃低保')"
JIEBA_BODY = "import jieba\njieba.setLogLevel(logging.WARNING)\njieba.initialize()\njieba.lcut('俺想吃低保')"
EMPTY_BODY = "pass"
# importing service.nlp imports the service package, whose __init__ builds the Flask app factory
APP_PACKAGE_BODY = "import logging, jieba\njieba.setLogLevel(logging.WARNING)\nimport service"


def build_messages(count: int) -> list[str]:
    """Corpus messages, and pairs of them joined as residents do in one long message, shuffled."""
    texts = []
    for name in ("dev.jsonl", "test.jsonl"):
        with (CORPUS / name).open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    rng = random.Random(20241123)
    messages = []
    while len(messages) < count:
        first = rng.choice(texts)
        messages.append(first if rng.random() < 0.7 else f"{first} {rng.choice(texts)}")
    return messages


def paired_times(baseline, candidate, messages: list[str], rounds: int) -> tuple[float, float]:
    """Seconds each side spent on all messages, from the round with the lowest baseline time.

    The two alternate message by message, so a burst of load from other processes on a shared machine
    slows both alike instead of whichever ran during it."""
    best = (float("inf"), float("inf"))
    clock = time.perf_counter_ns
    for _ in range(rounds):
        base = cand = 0
        for text in messages:
            t0 = clock()
            baseline(text)
            t1 = clock()
            candidate(text)
            cand += clock() - t1
            base += t1 - t0
        if base < best[0]:
            best = (base, cand)
    return best[0] / 1e9, best[1] / 1e9


def rss_mib(body: str) -> int:
    code = RSS_PROBE.format(root=str(ROOT), body=body)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import logging

    import jieba

    from service.nlp import route, warm_up

    jieba.setLogLevel(logging.WARNING)
    messages = build_messages(args.messages)
    chars = sum(len(m) for m in messages)

    start = time.perf_counter()
    warm_up()
    load_seconds = time.perf_counter() - start
    jieba.initialize()
    route(messages[0])
    jieba.lcut(messages[0])

    lcut_s, route_s = paired_times(jieba.lcut, route, messages, args.rounds)

    results = {
        "messages": len(messages),
        "mean_chars": round(chars / len(messages), 1),
        "jieba_lcut_seconds": round(lcut_s, 3),
        "route_seconds": round(route_s, 3),
        "ratio_route_over_lcut": round(route_s / lcut_s, 3),
        "lcut_messages_per_second": round(len(messages) / lcut_s),
        "route_messages_per_second_per_core": round(len(messages) / route_s),
        "warm_up_seconds": round(load_seconds, 2),
        "rss_mib_python_only": rss_mib(EMPTY_BODY),
        "rss_mib_jieba_loaded": rss_mib(JIEBA_BODY),
        "rss_mib_service_package_imported": rss_mib(APP_PACKAGE_BODY),
        "rss_mib_classifier_loaded": rss_mib(CLASSIFIER_BODY),
        "cpu": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    for key, value in results.items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
