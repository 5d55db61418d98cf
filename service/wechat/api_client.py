"""A small adapter for the WeChat API calls the service makes, with one shared access token.

Token rule (WECHAT.md): one token in a shared store; on 40001/42001 refresh once, under the
store's lock, and only if the cached token is still the one that failed; then retry once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from .token_store import MemoryTokenStore, TokenLockTimeout, TokenStore

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
TOKEN_ERRORS = frozenset({40001, 42001, 40014})
TRANSIENT_ERRCODES = frozenset({-1, 45011})


class WeChatAPIError(Exception):
    """A failed call. errcode is WeChat's, or None for transport failures (see reason)."""

    def __init__(
        self,
        errcode: int | None,
        errmsg: str = "",
        *,
        endpoint: str = "",
        http_status: int | None = None,
        reason: str = "errcode",
    ):
        super().__init__(f"{endpoint}: errcode={errcode} {errmsg}".strip())
        self.errcode = errcode
        self.errmsg = errmsg
        self.endpoint = endpoint
        self.http_status = http_status
        self.reason = reason  # errcode | http | timeout | connection | lock | bad_response | too_large

    @property
    def transient(self) -> bool:
        """Worth retrying later with back-off (busy, minute quota, transport trouble)."""
        if self.reason in ("timeout", "connection", "lock"):
            return True
        if self.http_status is not None and self.http_status >= 500:
            return True
        return self.errcode in TRANSIENT_ERRCODES


class TokenInvalid(WeChatAPIError):
    """40001/42001/40014 that survived one refresh; transient, as another process is rotating."""

    @property
    def transient(self) -> bool:
        return True


class WeChatClient:
    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        store: TokenStore | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        expiry_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
    ):
        self.appid = appid
        self._secret = secret
        self.base_url = base_url.rstrip("/")
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.expiry_margin = expiry_margin
        self.clock = clock

    # ---- access token -------------------------------------------------------------------------

    def _fresh(self, cached: tuple[str, float] | None) -> str | None:
        return cached[0] if cached and cached[1] > self.clock() else None

    def access_token(self) -> str:
        token = self._fresh(self.store.get())
        if token:
            return token
        with self._locked():
            token = self._fresh(self.store.get())  # another worker may have fetched meanwhile
            return token or self._fetch_and_store()

    def refresh_token(self, failed_token: str) -> str:
        """Replace failed_token unless someone already did; returns the token to retry with."""
        with self._locked():
            token = self._fresh(self.store.get())
            if token and token != failed_token:
                return token
            return self._fetch_and_store()

    def fetch_token(self) -> tuple[str, float]:
        """Always asks WeChat (counts against the daily quota); returns (token, expires_at)."""
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret}
        # here 40001 means a wrong secret, not a stale token: a plain, permanent error
        data = self._request("GET", "/cgi-bin/token", params=params, token_errors=False)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeChatAPIError(None, "no access_token in answer", endpoint="token", reason="bad_response")
        expires_in = float(data.get("expires_in") or 7200)
        return token, self.clock() + max(expires_in - self.expiry_margin, expires_in / 2)

    def _fetch_and_store(self) -> str:
        token, expires_at = self.fetch_token()
        self.store.set(token, expires_at)
        log.info("wechat access token refreshed")
        return token

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with self.store.lock():
                yield
        except TokenLockTimeout:
            raise WeChatAPIError(None, "token lock timeout", endpoint="token", reason="lock") from None

    # ---- calls ----------------------------------------------------------------------------------

    def send_text(self, openid: str, content: str) -> dict[str, Any]:
        """Customer-service (客服) text; only inside the 48 h window (45015 otherwise)."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        return self._post("/cgi-bin/message/custom/send", payload)

    def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Any],
        *,
        url: str | None = None,
        client_msg_id: str | None = None,
    ) -> int | None:
        """Template message; client_msg_id lets WeChat drop a repeat of the same notice."""
        payload: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": _values(data)}
        if url:
            payload["url"] = url
        if client_msg_id:
            payload["client_msg_id"] = client_msg_id
        return self._post("/cgi-bin/message/template/send", payload).get("msgid")

    def send_subscription(
        self, openid: str, template_id: str, data: Mapping[str, Any], *, page: str | None = None
    ) -> dict[str, Any]:
        """Subscription notice (bizsend); fields typed by key prefix, 47003 on violation."""
        payload: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": _values(data)}
        if page:
            payload["page"] = page
        return self._post("/cgi-bin/message/subscribe/bizsend", payload)

    def get_media(self, media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
        """A temporary media file (kept by WeChat 3 days): (bytes, content type). Errors come back as JSON
        (40007 invalid or expired media_id); a file over max_bytes is refused as reason "too_large"."""
        token = self.access_token()
        try:
            return self._download(media_id, token, max_bytes)
        except TokenInvalid:
            token = self.refresh_token(failed_token=token)
        return self._download(media_id, token, max_bytes)

    def _download(self, media_id: str, token: str, max_bytes: int) -> tuple[bytes, str]:
        name = "media/get"
        try:
            resp = self.session.get(self.base_url + "/cgi-bin/media/get", timeout=self.timeout, stream=True,
                                    params={"access_token": token, "media_id": media_id})
            with resp:
                ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if resp.status_code >= 400:
                    raise WeChatAPIError(None, f"HTTP {resp.status_code}", endpoint=name,
                                         http_status=resp.status_code, reason="http")
                content = bytearray()
                for chunk in resp.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > max_bytes:
                        raise WeChatAPIError(None, "media too large", endpoint=name, reason="too_large")
        except requests.Timeout:
            raise WeChatAPIError(None, "timeout", endpoint=name, reason="timeout") from None
        except requests.RequestException as exc:
            raise WeChatAPIError(None, type(exc).__name__, endpoint=name, reason="connection") from None
        if ctype in ("application/json", "text/plain") or content[:1] == b"{":
            self._check_answer(name, bytes(content), resp.status_code)  # WeChat answers errors as JSON
            raise WeChatAPIError(None, "JSON instead of media", endpoint=name, reason="bad_response")
        return bytes(content), ctype

    def create_menu(self, menu: Mapping[str, Any]) -> None:
        self._post("/cgi-bin/menu/create", dict(menu))

    def _post(self, path: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")  # escaped \u gets 40033
        token = self.access_token()
        try:
            return self._request("POST", path, params={"access_token": token}, body=body)
        except TokenInvalid:
            token = self.refresh_token(failed_token=token)
        # the single retry; a second token error propagates to the caller
        return self._request("POST", path, params={"access_token": token}, body=body)

    def _request(
        self, method: str, path: str, *, params: dict, body: bytes | None = None, token_errors: bool = True
    ) -> dict:
        name = path.rsplit("/cgi-bin/", 1)[-1]
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        try:
            resp = self.session.request(
                method, self.base_url + path, params=params, data=body, headers=headers, timeout=self.timeout
            )
        # `from None`: requests' messages carry the URL, which holds the secret or the token
        except requests.Timeout:
            raise WeChatAPIError(None, "timeout", endpoint=name, reason="timeout") from None
        except requests.RequestException as exc:
            raise WeChatAPIError(None, type(exc).__name__, endpoint=name, reason="connection") from None
        if resp.status_code >= 400:
            raise WeChatAPIError(
                None, f"HTTP {resp.status_code}", endpoint=name, http_status=resp.status_code, reason="http"
            )
        return self._check_answer(name, resp.content, resp.status_code, token_errors=token_errors)

    @staticmethod
    def _check_answer(name: str, content: bytes, status: int, *, token_errors: bool = True) -> dict:
        """WeChat's JSON answer, or the WeChatAPIError it carries."""
        try:
            data = json.loads(content.decode("utf-8"))
        except ValueError:
            raise WeChatAPIError(
                None, "answer is not JSON", endpoint=name, http_status=status, reason="bad_response"
            ) from None
        if not isinstance(data, dict):
            raise WeChatAPIError(None, "answer is not an object", endpoint=name, reason="bad_response")
        errcode = data.get("errcode", 0)
        if errcode:
            errmsg = str(data.get("errmsg", ""))
            log.warning("wechat api %s failed: errcode=%s", name, errcode)
            kind = TokenInvalid if token_errors and errcode in TOKEN_ERRORS else WeChatAPIError
            raise kind(errcode, errmsg, endpoint=name, http_status=status)
        return data


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Accept {"key": "text"} or {"key": {"value": "text"}}; WeChat wants the latter."""
    return {k: v if isinstance(v, Mapping) else {"value": v} for k, v in data.items()}
