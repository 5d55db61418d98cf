"""A server process a test starts from this checkout (gunicorn as production or a unit starts it), waited
for until /livez answers, and stopped with its whole process group."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serving(argv: list[str], env: dict, port: int, what: str) -> Iterator[str]:
    """Run `argv` from the checkout; yields the base URL once /livez answers on `port`."""
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/livez", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail(f"{what} did not start")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
