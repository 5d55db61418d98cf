"""The README's "Running it for real", followed literally on a fresh PostgreSQL database with
SERVICE_ENV=production and no demo data: `doctor` first (it names what is missing), the onboarding commands
of step 2 exactly as printed there, the worker of step 3, a first log-in forced to change its one-time
password, a logged call in the window's queue, and `doctor` passing; then a half-configured environment
failing with its reasons.

The commands run as separate processes, as an operator types them; the staff pages are driven through the
test client of an app built from the same environment (the gunicorn line of step 3 is the deploy tests').
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import require_postgres
from tests.e2e.web.conftest import Browser
from tests.integration.ops.conftest import production_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
OWN_PASSWORD = "Suixi-minzheng-2027"


def readme_commands(heading: str) -> list[str]:
    """The `.venv/bin/flask` lines of the first sh block under `heading` in the README."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index(heading):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line.startswith(".venv/bin/flask ")]


def run(command: str, env: dict) -> subprocess.CompletedProcess:
    args = command.split()
    args[0] = FLASK  # .venv/bin/flask, whichever virtualenv runs the tests
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def fresh_database():
    base = make_url(require_postgres())
    name = f"relief_path_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_the_readme_brings_a_county_from_nothing_to_its_first_call(fresh_database, tmp_path, fake_sms,
                                                                  monkeypatch):
    production = production_env(fresh_database, tmp_path, SMS_GATEWAY_URL=fake_sms.base_url,
                                NOTIFY_POLL_SECONDS="0.2")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "SECRET_", "FIELD_"))},
           **production}

    first = run(readme_commands("### 5. Check, then take the first call")[0], env)
    assert first.returncode == 1 and "PROBLEM migrations: database at an empty database" in first.stdout

    passwords = {}
    for command in readme_commands("### 2. Onboarding the county"):
        done = run(command, env)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        if " staff add " in command:
            username = command.split(" staff add ")[1].split()[0]
            passwords[username] = re.search(r"one-time password: (\S+)", done.stdout).group(1)
    assert set(passwords) == {"wangfang", "lixiaohong", "chengang", "zhangwei", "liuyang"}

    half = run(readme_commands("### 5. Check, then take the first call")[0], env)
    assert half.returncode == 1
    assert re.findall(r"PROBLEM (.+?):", half.stdout) == ["notification worker"], half.stdout

    [worker_line] = [c for c in readme_commands("### 3. Starting the service and the worker") if "notify worker" in c]
    worker = subprocess.Popen([FLASK, *worker_line.split()[1:]], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for name, value in production.items():
            monkeypatch.setenv(name, value)
        case_no = _first_log_ins_and_a_call(passwords)
        ready = None
        for _ in range(60):  # the worker's first loop writes its heartbeat
            ready = run(readme_commands("### 5. Check, then take the first call")[0], env)
            if ready.returncode == 0:
                break
            time.sleep(1)
        assert ready.returncode == 0, ready.stdout
        assert ready.stdout.strip().endswith("warning(s))") and "doctor: ready for production" in ready.stdout
        for _ in range(60):  # the applicant, who called the hotline, hears by SMS
            if any(case_no in m["text"] for m in fake_sms.sent):
                break
            time.sleep(0.5)
        assert any(case_no in m["text"] for m in fake_sms.sent), fake_sms.sent
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    broken = run(readme_commands("### 5. Check, then take the first call")[0],
                 {**env, "WECHAT_AES_KEY": "", "WORKDAY_CALENDAR_FILE": str(tmp_path / "missing.json"),
                  "SECRET_KEY": "change-me"})
    assert broken.returncode == 1
    problems = re.findall(r"PROBLEM (.+?):", broken.stdout)
    assert problems == ["SECRET_KEY", "WECHAT_AES_KEY", "WORKDAY_CALENDAR_FILE"], broken.stdout
    assert "EncodingAESKey" in broken.stdout and "secrets.token_urlsafe" in broken.stdout


def _first_log_ins_and_a_call(passwords: dict) -> str:
    from service import create_app
    from service.extensions import db

    app = create_app()  # from the production environment alone, as gunicorn would
    assert app.config["SERVICE_ENV"] == "production"
    with app.app_context():
        operator = _log_in_first_time(app, "lixiaohong", passwords["lixiaohong"])
        page = operator.get("/staff/calls/new")
        village = re.search(r'<option value="(\d+)" *>孙疃镇 秦口村</option>', page.text).group(1)
        logged = operator.post("/staff/calls", {
            "phone": "13812345678", "name": "张秀英", "id_number": "11010519491231002X", "village_id": village,
            "intake": "dibao", "description": "俺家老汉瘫在床上好几年了，想申请低保", "household_size": "2"})
        assert logged.status_code == 302, logged.text
        case_no = re.search(r"\b(\d{11})\b", operator.get(logged.location).text).group(1)
        clerk = _log_in_first_time(app, "wangfang", passwords["wangfang"])
        queue = clerk.get("/staff/queue")
        assert "办理队列 · 孙疃镇" in queue.text and f'data-case-no="{case_no}"' in queue.text
        db.session.remove()
        db.engine.dispose()
    return case_no


def _log_in_first_time(app, username: str, one_time: str) -> Browser:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # production cookies are Secure
    browser = Browser(client)
    browser.get("/staff/login")
    assert browser.post("/staff/login", {"username": username, "password": one_time}).status_code == 302
    assert browser.get("/staff/queue").location == "/staff/password"  # nothing else before the password
    browser.get("/staff/password")
    changed = browser.post("/staff/password", {"current_password": one_time, "new_password": OWN_PASSWORD,
                                               "confirm_password": OWN_PASSWORD})
    assert changed.status_code == 302, changed.text
    browser.get(changed.location)
    return browser
