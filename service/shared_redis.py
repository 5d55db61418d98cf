"""The one Redis client the request path shares (rate of guesses, WeChat dedupe): a stalled Redis must fail
fast, so a callback is retried by WeChat instead of running past its 5-second deadline."""

from flask import current_app


def fast_redis():
    """The app's client for REDIS_URL (one connection pool per process), or None without REDIS_URL."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("fast_redis")
    if client is None:
        import redis

        client = current_app.extensions["fast_redis"] = redis.Redis.from_url(
            url, socket_timeout=1.5, socket_connect_timeout=1.5)
    return client
