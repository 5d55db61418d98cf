"""`make run` as a newcomer meets it (scripts/run.sh): "serving" is printed only once gunicorn answers."""

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_serving_is_announced_only_once_the_service_answers(tmp_path):
    port, fake_port, sms_port = free_port(), free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'relief.db'}", "PORT": str(port),
           "FAKE_WECHAT_PORT": str(fake_port), "FAKE_SMS_PORT": str(sms_port), "LOG_LEVEL": "WARNING",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    env.pop("WECHAT_API_BASE_URL", None)
    env.pop("SMS_GATEWAY_URL", None)
    script = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in script.stdout], daemon=True).start()
    seen = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert script.poll() is None, "run.sh stopped:\n" + "".join(seen)
                continue
            seen.append(line)
            if line.startswith("serving"):
                # no retry: at the moment it says so, the service answers
                assert requests.get(f"http://127.0.0.1:{port}/livez", timeout=5).text == "ok"
                break
        else:
            pytest.fail("no 'serving' line within 4 minutes:\n" + "".join(seen))
        output = "".join(seen)
        assert f"http://127.0.0.1:{fake_port}/_fake/received" in output
        assert "menu pushed" in output
        received = requests.get(f"http://127.0.0.1:{fake_port}/_fake/received", timeout=5).json()
        assert "menu_create" in [r["endpoint"] for r in received]  # the worker may already have sent notices
        assert requests.get(f"http://127.0.0.1:{port}/staff/login", timeout=5).status_code == 200
    finally:
        os.killpg(script.pid, signal.SIGTERM)
        script.wait(timeout=30)
