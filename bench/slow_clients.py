"""/livez latency while N clients hold connections with their headers sent and their body never, for the
old production command (sync workers) and deploy/gunicorn.conf.py. Local only (127.0.0.1), bounded.

    .venv/bin/python bench/slow_clients.py --stalled 24 --probes 20

Needs a migrated database: DATABASE_URL, or the SQLite file under instance/ that `make run` creates.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
VARIANTS = {
    "sync -w 4 (old README command)": ["--preload", "-w", "4"],
    "deploy/gunicorn.conf.py, 2 workers": ["-c", "deploy/gunicorn.conf.py"],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(label: str, args: list[str], stalled: int, probes: int) -> None:
    port = free_port()
    env = {**os.environ, "GUNICORN_WORKERS": "2", "LOG_LEVEL": "WARNING", "GUNICORN_LOG_LEVEL": "critical",
           "RATELIMIT_ENABLED": "false"}
    server = subprocess.Popen([GUNICORN, *args, "-b", f"127.0.0.1:{port}", "service:create_app()"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(f"{base}/livez", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        held = []
        for _ in range(stalled):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"POST /api/v1/public/lookup HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 1000\r\n\r\n")
            held.append(client)
        time.sleep(1)
        times, failures = [], 0
        for _ in range(probes):
            started = time.perf_counter()
            try:
                requests.get(f"{base}/livez", timeout=5)
                times.append((time.perf_counter() - started) * 1000)
            except requests.RequestException:
                failures += 1
        shown = (f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms" if times else "no answer")
        print(f"{label}: {stalled} stalled clients, {probes} probes: {shown}, {failures} timed out (5 s)")
        for client in held:
            client.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stalled", type=int, default=24)
    parser.add_argument("--probes", type=int, default=20)
    options = parser.parse_args()
    for label, args in VARIANTS.items():
        run(label, args, options.stalled, options.probes)


if __name__ == "__main__":
    main()
