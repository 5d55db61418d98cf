"""Plumbing shared by the local fakes: a real threaded HTTP server, a record of every request,
and scripted failures (error answers, HTTP 5xx, slow answers, dropped connections).

Control over HTTP, on every fake: GET /_fake/received, POST /_fake/reset, POST /_fake/fail with
{"endpoint", "errcode"?, "http_status"?, "delay"?, "down"?, "times"?, "duration"?}.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_REQUEST_BODY = 1024 * 1024


@dataclass
class Request:
    endpoint: str
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    json: Any = None


@dataclass
class FailRule:
    endpoint: str  # an endpoint name, or "*" for all
    errcode: int | None = None
    http_status: int | None = None
    delay: float = 0.0
    down: bool = False
    times: int | None = 1  # None: until `until` (or for ever)
    until: float | None = None

    def active(self, now: float) -> bool:
        if self.until is not None and now >= self.until:
            return False
        return self.times is None or self.times > 0


@dataclass
class Outcome:
    status: int = 200
    payload: Any = field(default_factory=dict)
    drop: bool = False  # close the socket without an answer
    content_type: str | None = None  # with a bytes payload: sent as is under this type


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops SYNs when a test hammers it from many threads


class FakeServer:
    """Subclasses fill ROUTES {(method, path): endpoint} and define handle_<endpoint>(req) -> Outcome."""

    ROUTES: dict[tuple[str, str], str] = {}

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self.port = host, port
        self._lock = threading.RLock()
        self._received: list[dict[str, Any]] = []
        self._rules: list[FailRule] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> str:
        server = _Server((self.host, self.port), _Handler)
        server.fake = self  # type: ignore[attr-defined]
        self._server, self.port = server, server.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name=type(self).__name__
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def serve_until_interrupted(self, banner: str) -> None:
        """For the command-line entry points: start, print where, serve until Ctrl-C."""
        print(banner.format(url=self.start()), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- inspection and control -----------------------------------------------------------------

    @property
    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._received)

    def calls(self, endpoint: str) -> list[dict[str, Any]]:
        return [r for r in self.received if r["endpoint"] == endpoint]

    def reset(self) -> None:
        with self._lock:
            self._received.clear()
            self._rules.clear()

    def fail(
        self,
        endpoint: str = "*",
        errcode: int | None = None,
        *,
        http_status: int | None = None,
        delay: float = 0.0,
        down: bool = False,
        times: int | None = None,
        duration: float | None = None,
    ) -> None:
        """Script calls to `endpoint` (a name, a path or "*") to misbehave: the next `times`
        calls (default 1), or every call for `duration` seconds (capped by `times` if given)."""
        name = self._endpoint_name(endpoint)
        if errcode is None and http_status is None and not down and not delay:
            raise ValueError("say how to fail: errcode, http_status, delay or down")
        if times is None and duration is None:
            times = 1
        until = time.time() + float(duration) if duration is not None else None
        rule = FailRule(name, errcode, http_status, float(delay), bool(down), times, until)
        with self._lock:
            self._rules.append(rule)

    def _endpoint_name(self, endpoint: str) -> str:
        if endpoint == "*" or endpoint in self.ROUTES.values():
            return endpoint
        for (_, path), name in self.ROUTES.items():
            if path == endpoint:
                return name
        raise ValueError(f"unknown endpoint {endpoint!r}")

    def _take_rule(self, endpoint: str) -> FailRule | None:
        now = time.time()
        with self._lock:
            self._rules = [r for r in self._rules if r.active(now)]
            for rule in self._rules:
                if rule.endpoint in ("*", endpoint):
                    if rule.times is not None:
                        rule.times -= 1
                    return rule
        return None

    # ---- request handling -----------------------------------------------------------------------

    def scripted_error(self, rule: FailRule) -> Outcome:
        """Subclasses render an errcode in their own dialect."""
        raise NotImplementedError

    def control(self, method: str, path: str, data: Any) -> Outcome | None:
        """Subclasses may add /_fake/* commands; return None when the path is not theirs."""
        return None

    def dispatch(self, method: str, raw_path: str, body: bytes) -> Outcome:
        parts = urlsplit(raw_path)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/_fake/"):
            return self._control(method, path, body)
        endpoint = self.ROUTES.get((method, path))
        if endpoint is None:
            return Outcome(404, {"errcode": 404, "errmsg": f"no route {method} {path}"})
        try:
            parsed = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            parsed = None
        req = Request(endpoint, method, path, query, body, parsed)
        rule = self._take_rule(endpoint)
        if rule and rule.delay:
            self._stopping.wait(rule.delay)
        if rule and rule.down:
            outcome = Outcome(drop=True)
        elif rule and rule.http_status:
            outcome = Outcome(rule.http_status, "<html>server error</html>")
        elif rule and rule.errcode is not None:
            outcome = self.scripted_error(rule)
        else:
            outcome = getattr(self, f"handle_{endpoint}")(req)
        self._record(req, outcome)
        return outcome

    def _record(self, req: Request, outcome: Outcome) -> None:
        entry = {
            "endpoint": req.endpoint,
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "json": req.json,
            "body": req.body.decode("utf-8", errors="replace"),
            "status": None if outcome.drop else outcome.status,
            "response": None if outcome.drop else outcome.payload,
            "time": time.time(),
        }
        with self._lock:
            self._received.append(entry)

    def _control(self, method: str, path: str, body: bytes) -> Outcome:
        try:
            data = json.loads(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, ValueError):
            return Outcome(400, {"error": "body is not JSON"})
        if (method, path) == ("GET", "/_fake/received"):
            return Outcome(200, self.received)
        if (method, path) == ("POST", "/_fake/reset"):
            self.reset()
            return Outcome(200, {"ok": True})
        if (method, path) == ("POST", "/_fake/fail"):
            allowed = {"endpoint", "errcode", "http_status", "delay", "down", "times", "duration"}
            try:
                self.fail(**{k: v for k, v in data.items() if k in allowed})
            except (TypeError, ValueError) as exc:
                return Outcome(400, {"error": str(exc)})
            return Outcome(200, {"ok": True})
        extra = self.control(method, path, data)
        return extra if extra is not None else Outcome(404, {"error": f"no control {method} {path}"})


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeServer/1"

    def _serve(self) -> None:
        fake: FakeServer = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        outcome = fake.dispatch(self.command, self.path, body)
        if outcome.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if isinstance(outcome.payload, bytes):
            data, ctype = outcome.payload, outcome.content_type or "application/octet-stream"
        elif isinstance(outcome.payload, str):
            data, ctype = outcome.payload.encode("utf-8"), "text/html; charset=utf-8"
        else:
            data, ctype = json.dumps(outcome.payload, ensure_ascii=False).encode("utf-8"), "application/json"
        try:
            self.send_response(outcome.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (its timeout was shorter than our scripted delay)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests stay quiet; everything is in .received
