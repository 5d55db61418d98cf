"""Slow clients against the production gunicorn (deploy/gunicorn.conf.py, started as the README says, on a
free port of 127.0.0.1): two dozen clients that send their headers and never their body, or stop half-way
through the headers, do not take the service down. /livez and the API keep answering while they hang, and
each of them is cut off after the read deadline instead of holding a worker for good."""

import os
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest
import requests

from service.wechat.crypto import signature
from tests.conftest import free_port
from tests.e2e.servers import serving

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 24  # twelve times what took the two sync workers down
TOKEN = "relief-demo-token"


@pytest.fixture
def production_gunicorn(sqlite_template, tmp_path):
    database = tmp_path / "relief.db"
    shutil.copy(sqlite_template, database)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "GUNICORN_WORKERS": "2", "LOG_LEVEL": "WARNING",
           "GUNICORN_LOG_LEVEL": "critical", "WECHAT_TOKEN": TOKEN, "RATELIMIT_ENABLED": "false"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    argv = [gunicorn, "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "service:create_app()"]
    with serving(argv, env, port, "gunicorn with deploy/gunicorn.conf.py"):
        yield port


def _stall(port: int, n: int) -> socket.socket:
    """A client that sends everything but its body (or, every fourth, stops inside its headers)."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    now = str(int(time.time()))
    if n % 4 == 3:
        head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: relief\r\nContent-Type: application/json\r\n"
    elif n % 4 == 2:
        query = f"signature={signature(TOKEN, now, f'n{n}')}&timestamp={now}&nonce=n{n}"
        head = f"POST /wechat?{query} HTTP/1.1\r\nHost: relief\r\nContent-Type: text/xml\r\nContent-Length: 900\r\n\r\n"
    else:
        head = ("POST /api/v1/public/lookup HTTP/1.1\r\nHost: relief\r\nContent-Type: application/json\r\n"
                "Content-Length: 1000\r\n\r\n{\"case_no\": ")
    client.sendall(head.encode())
    return client


@pytest.mark.slow
def test_livez_and_the_api_keep_answering_while_slow_clients_hang(production_gunicorn):
    port, base = production_gunicorn, f"http://127.0.0.1:{production_gunicorn}"
    stalled = [_stall(port, n) for n in range(SLOW_CLIENTS)]
    time.sleep(1)  # every one of them has been given to a worker by now
    started = time.monotonic()
    for n in range(8):  # distinct case numbers: the guessing limits are not what this test is about
        assert requests.get(f"{base}/livez", timeout=5).text == "ok"  # each within 5 s, or it fails
        lookup = requests.post(f"{base}/api/v1/public/lookup", json={"case_no": f"2600000{n:04d}", "id_last4": "1234"},
                               timeout=5)
        assert lookup.status_code == 404 and lookup.json()["error"]["code"] == "no_match"
    answered_in = time.monotonic() - started
    # the stalled clients are cut off after the read deadline (10 s), with a 408 where the app was reading
    cut_off = []
    for client in stalled:
        try:
            cut_off.append(client.recv(4096))
        except TimeoutError:
            cut_off.append(None)  # still held after 30 s: the deadline did not work
        finally:
            client.close()
    assert None not in cut_off, cut_off
    assert sum(b" 408 " in answer.split(b"\r\n")[0] for answer in cut_off if answer) >= SLOW_CLIENTS // 2, cut_off
    assert answered_in < 30
