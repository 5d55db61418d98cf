"""A local fake of the WeChat API: a real HTTP server with the few endpoints the service calls.

    with FakeWeChatAPI() as fake:          # or fake.start() -> base URL, then fake.stop()
        client = WeChatClient("wxfake", "fakesecret", base_url=fake.base_url)
        fake.fail("custom_send", 45015, times=2)
        fake.revoke_tokens()               # issued tokens now answer 40001 (expire_tokens: 42001)
        fake.block_user("o-unfollowed", 43004)
        fake.add_media("MEDIA-1")          # media/get serves a small PNG for it (sample_png())
        fake.received                      # every request, in order

Standalone: `python -m service.devtools.fake_api --port 8801`. Over HTTP, besides the common
/_fake/* controls (fake_http.py): POST /_fake/tokens {"action": "expire"|"revoke"} and
POST /_fake/users {"openid", "errcode"} (errcode null clears). It dedupes nothing.
media/get serves the media added with add_media, and a test PNG for any id starting with "media-" (the
simulator's /image); any other id answers 40007 (invalid or expired, as after WeChat's 3 days).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import struct
import threading
import time
import zlib
from pathlib import Path
from typing import Any

from .fake_http import FailRule, FakeServer, Outcome, Request

DEFAULT_APPID = "wxfake0000000000"
DEFAULT_SECRET = "fakesecret"

ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40007: "invalid media_id",
    40013: "invalid appid",
    40016: "invalid button size",
    40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44004: "empty content",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit",
    45015: "response out of time limit or subscription is canceled",
    47001: "data format error",
    47003: "argument invalid! data.value invalid",
}
TEMPLATE_VALUE_MAX = 20
# bizsend field types by key prefix (thing1, name2, …): maximum characters
SUBSCRIBE_FIELD_MAX = {
    "thing": 20,
    "name": 10,
    "phrase": 5,
    "character_string": 32,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "phone_number": 17,
    "car_number": 8,
    "time": 40,
    "date": 40,
    "amount": 32,
}


def _error(code: int) -> Outcome:
    return Outcome(200, {"errcode": code, "errmsg": ERRMSGS.get(code, "fake error")})


OK = {"errcode": 0, "errmsg": "ok"}


class FakeWeChatAPI(FakeServer):
    ROUTES = {
        ("GET", "/cgi-bin/token"): "token",
        ("POST", "/cgi-bin/message/custom/send"): "custom_send",
        ("POST", "/cgi-bin/message/template/send"): "template_send",
        ("POST", "/cgi-bin/message/subscribe/bizsend"): "subscribe_send",
        ("POST", "/cgi-bin/menu/create"): "menu_create",
        ("GET", "/cgi-bin/media/get"): "media_get",
    }

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        appid: str | None = DEFAULT_APPID,
        secret: str | None = DEFAULT_SECRET,
        token_ttl: int = 7200,
        revoke_on_fetch: bool = False,
        token_file: str | Path | None = None,
    ):
        """appid/secret None accepts any; revoke_on_fetch makes each new token invalidate the
        older ones at once (real WeChat keeps the previous one alive for about five minutes);
        token_file keeps issued tokens across restarts, as the real WeChat does not forget them when
        our side restarts (`make run`: no 40001 for the token the database still holds)."""
        super().__init__(host, port)
        self.appid, self.secret = appid, secret
        self.token_ttl = token_ttl
        self.revoke_on_fetch = revoke_on_fetch
        self.token_file = Path(token_file) if token_file else None
        self._tokens: dict[str, dict[str, Any]] = self._load_tokens()
        self._users: dict[str, int] = {}
        self._msgid = 1000
        self.menu: dict[str, Any] | None = None
        self._media: dict[str, tuple[bytes, str]] = {}
        self._state_lock = threading.Lock()

    # ---- control --------------------------------------------------------------------------------

    @property
    def tokens_issued(self) -> int:
        with self._state_lock:
            return len(self._tokens)

    def expire_tokens(self) -> None:
        with self._state_lock:
            for state in self._tokens.values():
                state["expires_at"] = 0.0
            self._save_tokens()

    def revoke_tokens(self) -> None:
        with self._state_lock:
            for state in self._tokens.values():
                state["revoked"] = True
            self._save_tokens()

    def _load_tokens(self) -> dict[str, dict[str, Any]]:
        if self.token_file is None or not self.token_file.exists():
            return {}
        try:
            saved = json.loads(self.token_file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}  # a damaged file: start afresh, as if WeChat had expired every token
        now = time.time()
        return {t: s for t, s in saved.items() if isinstance(s, dict) and s.get("expires_at", 0) > now}

    def _save_tokens(self) -> None:
        """Under _state_lock."""
        if self.token_file is None:
            return
        partial = self.token_file.with_suffix(".tmp")
        partial.write_text(json.dumps(self._tokens), "utf-8")
        partial.replace(self.token_file)

    def block_user(self, openid: str, errcode: int | None) -> None:
        """Every send to openid answers errcode (43004 unfollowed, 43101 refused, …); None clears."""
        with self._state_lock:
            if errcode is None:
                self._users.pop(openid, None)
            else:
                self._users[openid] = int(errcode)

    def reset(self) -> None:
        super().reset()
        with self._state_lock:
            self._users.clear()
            self._media.clear()
            self.menu = None

    def add_media(self, media_id: str, data: bytes | None = None, content_type: str = "image/png") -> None:
        """media/get answers `data` (the test PNG by default) for this id until reset()."""
        with self._state_lock:
            self._media[media_id] = (sample_png() if data is None else data, content_type)

    def control(self, method: str, path: str, data: Any) -> Outcome | None:
        if (method, path) == ("POST", "/_fake/tokens"):
            action = {"expire": self.expire_tokens, "revoke": self.revoke_tokens}.get(data.get("action"))
            if action is None:
                return Outcome(400, {"error": "action must be expire or revoke"})
            action()
            return Outcome(200, {"ok": True})
        if (method, path) == ("POST", "/_fake/users") and data.get("openid"):
            self.block_user(data["openid"], data.get("errcode"))
            return Outcome(200, {"ok": True})
        return None

    def scripted_error(self, rule: FailRule) -> Outcome:
        return _error(rule.errcode)

    # ---- endpoints ------------------------------------------------------------------------------

    def handle_token(self, req: Request) -> Outcome:
        q = req.query
        if q.get("grant_type") != "client_credential":
            return _error(40002)
        if self.appid is not None and q.get("appid") != self.appid:
            return _error(40013)
        if self.secret is not None and q.get("secret") != self.secret:
            return _error(40125)
        with self._state_lock:
            if self.revoke_on_fetch:
                for state in self._tokens.values():
                    state["revoked"] = True
            token = f"FAKE-{len(self._tokens) + 1}-{secrets.token_hex(12)}"
            self._tokens[token] = {"expires_at": time.time() + self.token_ttl, "revoked": False}
            self._save_tokens()
        return Outcome(200, {"access_token": token, "expires_in": self.token_ttl})

    def _precheck(self, req: Request, needs_user: bool = True) -> Outcome | None:
        """Token, charset, body shape and per-user rules shared by the send endpoints."""
        token = req.query.get("access_token")
        if not token:
            return _error(41001)
        with self._state_lock:
            state = self._tokens.get(token)
            if state is None or state["revoked"]:
                return _error(40001)
            if state["expires_at"] <= time.time():
                return _error(42001)
        if b"\\u" in req.body:
            return _error(40033)
        if not isinstance(req.json, dict):
            return _error(47001)
        if not needs_user:
            return None
        touser = req.json.get("touser")
        if not isinstance(touser, str) or not touser:
            return _error(40003)
        with self._state_lock:
            blocked = self._users.get(touser)
        return _error(blocked) if blocked is not None else None

    def _next_msgid(self) -> int:
        with self._state_lock:
            self._msgid += 1
            return self._msgid

    def handle_custom_send(self, req: Request) -> Outcome:
        if (bad := self._precheck(req)) is not None:
            return bad
        text = req.json.get("text")
        if req.json.get("msgtype") != "text" or not isinstance(text, dict):
            return _error(47001)
        if not isinstance(text.get("content"), str) or not text["content"].strip():
            return _error(44004)
        return Outcome(200, dict(OK))

    def _template_data(self, req: Request) -> Outcome | dict:
        """What template and subscription sends share: token, template id, a non-empty data object."""
        if (bad := self._precheck(req)) is not None:
            return bad
        if not req.json.get("template_id"):
            return _error(40037)
        data = req.json.get("data")
        return data if isinstance(data, dict) and data else _error(47003)

    def handle_template_send(self, req: Request) -> Outcome:
        if isinstance(data := self._template_data(req), Outcome):
            return data
        for key, field in data.items():
            # since 2023-05: no first/remark, no colours, values ≤ 20 characters on one line
            if key in ("first", "remark") or not isinstance(field, dict) or "color" in field:
                return _error(47003)
            value = field.get("value")
            if not isinstance(value, str) or len(value) > TEMPLATE_VALUE_MAX or re.search(r"[\r\n]", value):
                return _error(47003)
        return Outcome(200, {**OK, "msgid": self._next_msgid()})

    def handle_subscribe_send(self, req: Request) -> Outcome:
        if isinstance(data := self._template_data(req), Outcome):
            return data
        for key, field in data.items():
            match = re.fullmatch(r"([a-z_]+?)\d+", key)
            limit = SUBSCRIBE_FIELD_MAX.get(match.group(1)) if match else None
            value = field.get("value") if isinstance(field, dict) else None
            if limit is None or not isinstance(value, str) or not value or len(value) > limit:
                return _error(47003)
        return Outcome(200, {**OK, "msgid": self._next_msgid()})

    def handle_menu_create(self, req: Request) -> Outcome:
        if (bad := self._precheck(req, needs_user=False)) is not None:
            return bad
        buttons = req.json.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return _error(40016)
        with self._state_lock:
            self.menu = req.json
        return Outcome(200, dict(OK))


    def handle_media_get(self, req: Request) -> Outcome:
        token = req.query.get("access_token")
        with self._state_lock:
            state = self._tokens.get(token or "")
            media = self._media.get(req.query.get("media_id", ""))
        if not token:
            return _error(41001)
        if state is None or state["revoked"]:
            return _error(40001)
        if state["expires_at"] <= time.time():
            return _error(42001)
        if media is None and req.query.get("media_id", "").startswith("media-"):
            media = (sample_png(), "image/png")
        if media is None:
            return _error(40007)
        return Outcome(200, media[0], content_type=media[1])


def sample_png(width: int = 8, height: int = 8) -> bytes:
    """A small valid PNG (an orange square), built here so no image file is needed."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + b"\xf0\x8c\x28" * width  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local fake of the WeChat API (never the real host).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--appid", default=DEFAULT_APPID)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--token-file", default=None, help="keep issued tokens here across restarts")
    args = parser.parse_args(argv)
    fake = FakeWeChatAPI(args.host, args.port, appid=args.appid, secret=args.secret, token_file=args.token_file)
    fake.serve_until_interrupted(
        "fake WeChat API on {url} (appid " + args.appid + "); Ctrl-C stops")


if __name__ == "__main__":
    main()
