"""The production layout under deploy/ as the server runs it: the web unit's ExecStart starts gunicorn with
deploy/gunicorn.conf.py exactly as written (only /opt/relief becomes this checkout), the worker unit names
the real command, and the env template explains every setting the service reads."""

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port
from tests.e2e.servers import serving

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/opt/relief"


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text("utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def _command(unit: str) -> list[str]:
    argv = shlex.split(_unit(unit)["ExecStart"][0])
    return [str(Path(sys.executable).parent / Path(a).name) if a.startswith(f"{INSTALLED}/.venv/bin/") else a
            for a in argv]


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
def test_the_web_unit_starts_gunicorn_as_written_and_it_serves(sqlite_template, tmp_path):
    unit = _unit("relief-web.service")
    assert unit["WorkingDirectory"] == [INSTALLED] and unit["EnvironmentFile"] == ["/etc/relief/relief.env"]
    argv = _command("relief-web.service")
    assert argv[1:] == ["--config", "deploy/gunicorn.conf.py", "service:create_app()"]
    database = tmp_path / "relief.db"
    shutil.copy(sqlite_template, database)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "2", "GUNICORN_LOG_LEVEL": "critical", "LOG_LEVEL": "WARNING",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    (tmp_path / "prometheus").mkdir()
    with serving(argv, env, port, "gunicorn as the web unit starts it") as base:
        assert requests.get(f"{base}/healthz", timeout=5).json()["database"] == "ok"
        assert requests.get(f"{base}/staff/login", timeout=5).status_code == 200


def test_the_worker_unit_runs_the_notification_worker():
    argv = _command("relief-worker.service")
    assert argv[1:] == ["--app", "service", "notify", "worker"]
    assert Path(argv[0]).exists()
    unit = _unit("relief-worker.service")
    assert unit["KillSignal"] == ["SIGTERM"]  # finishes what is in flight
    assert unit["Environment"] == ["NLP_WARM_UP=0"]  # never classifies


def test_the_env_template_explains_every_setting_the_service_reads():
    template = (DEPLOY / "relief.env.example").read_text("utf-8")
    lines = template.splitlines()
    keys = [line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line)]
    assert len(keys) == len(set(keys))
    sources = [ROOT / "service" / "config.py", DEPLOY / "gunicorn.conf.py", ROOT / "service" / "gunicorn_worker.py"]
    read = {key for path in sources
            for key in re.findall(r'environ\.get\("([A-Z][A-Z0-9_]*)"|env\.get\("([A-Z][A-Z0-9_]*)"', path.read_text("utf-8"))
            for key in key if key}
    from service.config import NOTIFY_DEFAULTS

    read |= set(NOTIFY_DEFAULTS) | {"PROMETHEUS_MULTIPROC_DIR"}
    read -= {"RATELIMIT_ENABLED", "NLP_WARM_UP"}  # a test switch; set per unit (the worker's 0)
    assert read - set(keys) == set(), "settings missing from deploy/relief.env.example"
    assert set(keys) - read == set(), "template settings the service never reads"
