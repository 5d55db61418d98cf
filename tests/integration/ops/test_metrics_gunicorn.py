"""Under gunicorn each worker process counts its own requests: with PROMETHEUS_MULTIPROC_DIR a scrape answered
by any one of them adds every process up."""

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


def _livez_count(base: str) -> float:
    text = requests.get(base + "/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "relief_http_request_duration_seconds_count" and sample.labels["route"] == "/livez":
                return sample.value
    return 0.0


def test_two_gunicorn_workers_are_counted_together(sqlite_template, tmp_path):
    db_file = tmp_path / "relief.db"
    shutil.copy(sqlite_template, db_file)
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
           "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": "false"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--preload", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "service:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + "/livez", timeout=30)
                break
            except requests.ConnectionError:  # not listening yet
                time.sleep(0.2)
        sent = _livez_count(base)
        pids = set()
        with ThreadPoolExecutor(8) as pool:
            for _ in range(20):  # until both workers have answered some (the kernel picks who accepts)
                statuses = list(pool.map(lambda _: requests.get(base + "/livez", timeout=10).status_code, range(40)))
                assert set(statuses) == {200}
                sent += len(statuses)
                pids = {p.stem.rsplit("_", 1)[-1] for p in metrics_dir.glob("histogram_*.db")}
                if len(pids) >= 2:
                    break
        assert len(pids) >= 2, "only one gunicorn worker answered; cannot show the figures add up"
        first, second = _livez_count(base), _livez_count(base)
        assert first == second == sent  # whichever worker answers the scrape, it counts both workers' requests
    finally:
        server.terminate()
        server.wait(timeout=20)
