"""The outside world the worker talks to, built from configuration when first asked (tests change the
configuration after create_app): the WeChat API client over one shared token store (Redis when REDIS_URL
is set, else the database), the SMS gateway client, and the sender ports over them. The root chooses the
port adapters (create_app passes WeChatSender and SMSSender); the worker only sees `senders()`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

import requests
from flask import Flask

from service.notify.media import MediaFetcher
from service.notify.sender import Sender
from service.notify.sms_client import SMSClient
from service.wechat.api_client import WeChatClient
from service.wechat.token_store import RedisTokenStore, TokenStore

log = logging.getLogger(__name__)


class Senders(NamedTuple):
    wechat: Sender
    sms: Sender | None  # None: no SMS gateway configured


class Adapters:
    """Registered as app.extensions["notify"]. Tests may replace `wechat_factory` / `sms_factory` (the
    protocol clients) or `senders_factory` (the ports)."""

    def __init__(self, app: Flask, *, wechat: Callable[[WeChatClient], Sender] | None = None,
                 sms: Callable[[SMSClient], Sender] | None = None,
                 media: Callable[[WeChatClient], MediaFetcher] | None = None):
        self.app = app
        self._store: TokenStore | None = None
        self.wechat_factory = self._wechat
        self.sms_factory = self._sms
        self.senders_factory = self._senders
        self._wechat_port, self._sms_port, self._media_port = wechat, sms, media

    def token_store(self) -> TokenStore:
        if self._store is None:
            url = self.app.config.get("REDIS_URL")
            if url:
                import redis

                self._store = RedisTokenStore(redis.Redis.from_url(url, socket_timeout=5),
                                              key=f"wechat:access_token:{self.app.config['WECHAT_APPID']}")
            else:
                from service.extensions import db
                from service.notify.token_store import DatabaseTokenStore

                with self.app.app_context():
                    self._store = DatabaseTokenStore(db.engine)
            from service.notify.token_store import CachedTokenStore

            self._store = CachedTokenStore(self._store)
        return self._store

    def wechat(self) -> WeChatClient:
        return self.wechat_factory()

    def sms(self) -> SMSClient | None:
        return self.sms_factory()

    def senders(self) -> Senders:
        """The ports the worker sends through, each over a fresh client."""
        return self.senders_factory()

    def media(self) -> MediaFetcher | None:
        """The port chat photos are fetched through, over a fresh client (None: none wired)."""
        return self._media_port(self.wechat()) if self._media_port is not None else None

    def _senders(self) -> Senders:
        if self._wechat_port is None or self._sms_port is None:
            raise RuntimeError("no sender adapters wired: create_app passes them to Adapters")
        sms = self.sms()
        return Senders(self._wechat_port(self.wechat()), self._sms_port(sms) if sms is not None else None)

    def _wechat(self) -> WeChatClient:
        config = self.app.config
        timeout = float(config.get("NOTIFY_HTTP_TIMEOUT_SECONDS", 10.0))
        return WeChatClient(config["WECHAT_APPID"], config["WECHAT_SECRET"],
                            base_url=config["WECHAT_API_BASE_URL"], store=self.token_store(),
                            timeout=(min(3.05, timeout), timeout), session=_session(config["WECHAT_API_BASE_URL"], self._pool_size()))

    def _sms(self) -> SMSClient | None:
        url = self.app.config.get("SMS_GATEWAY_URL")
        if not url:
            return None
        timeout = float(self.app.config.get("NOTIFY_HTTP_TIMEOUT_SECONDS", 10.0))
        return SMSClient(url, timeout=(min(3.05, timeout), timeout), session=_session(url, self._pool_size()))

    def _pool_size(self) -> int:
        return int(self.app.config.get("NOTIFY_CONCURRENCY", 16))


def _session(url: str, pool_size: int = 10) -> requests.Session:
    """A session that reads the proxy environment (HTTPS_PROXY, NO_PROXY) once, not on every request:
    requests re-scans os.environ per call, a good part of a busy worker's CPU per message. Its
    connection pool holds one kept-alive connection per sender thread, so none opens a new one per send."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=max(1, pool_size))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.proxies.update(requests.utils.get_environ_proxies(url))
    session.trust_env = False
    return session


def adapters(app: Flask) -> Adapters:
    return app.extensions["notify"]
