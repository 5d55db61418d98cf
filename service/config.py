"""Settings from the environment only, with safe embedded defaults for a newcomer's machine."""

import os
from pathlib import Path

DEMO_SECRET_KEY = "demo-secret-key-not-for-production"
DEMO_FIELD_KEY = "demo-field-encryption-key-not-for-production"
DEMO_WECHAT_SECRET = "demo-wechat-secret"


class ConfigError(RuntimeError):
    """The environment asks for something the service must refuse to start with."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
    return number


def from_environment(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask config mapping; every key can be set by an environment variable of the same name."""
    env = dict(os.environ if env is None else env)
    sqlite_file = Path(instance_path) / "relief.db"
    service_env = env.get("SERVICE_ENV", "development").strip().lower()
    database_url = _normalise_db_url(env.get("DATABASE_URL") or f"sqlite:///{sqlite_file}")
    config = {
        "SERVICE_ENV": service_env,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url, env),
        "SECRET_KEY": env.get("SECRET_KEY", DEMO_SECRET_KEY),
        "FIELD_ENCRYPTION_KEY": env.get("FIELD_ENCRYPTION_KEY", DEMO_FIELD_KEY),
        # the county whose bureau runs this official account: chat applications land in its townships
        "COUNTY_CODE": env.get("COUNTY_CODE", "340621"),
        "WECHAT_PLACES_CACHE_SECONDS": int(env.get("WECHAT_PLACES_CACHE_SECONDS", "60")),
        # a resident who stops half-way through the chat's form is nudged once after this long (0: never)
        "WECHAT_RESUME_REMINDER_HOURS": float(env.get("WECHAT_RESUME_REMINDER_HOURS", "2")),
        "WECHAT_TOKEN": env.get("WECHAT_TOKEN", "relief-demo-token"),
        "WECHAT_APPID": env.get("WECHAT_APPID", "wx0000000000demo00"),
        "WECHAT_SECRET": env.get("WECHAT_SECRET", DEMO_WECHAT_SECRET),
        "WECHAT_AES_KEY": env.get("WECHAT_AES_KEY", ""),
        # production refuses plaintext callbacks (the signature does not cover the body) unless this is set
        "WECHAT_ALLOW_PLAINTEXT": _bool(env.get("WECHAT_ALLOW_PLAINTEXT")),
        # a signed callback is authentic only this many seconds either side of our clock
        "WECHAT_TIMESTAMP_WINDOW_SECONDS": _int(env.get("WECHAT_TIMESTAMP_WINDOW_SECONDS", "300"),
                                                "WECHAT_TIMESTAMP_WINDOW_SECONDS", 30, 3600),
        "WECHAT_API_BASE_URL": env.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com/"),
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL", ""),
        "REDIS_URL": env.get("REDIS_URL", ""),
        # a message claimed in Redis by a worker that then died is handled by a retry after this long;
        # WeChat retries for about 15 s, so keep it between the handling time and that
        "WECHAT_DEDUPE_LEASE_SECONDS": _int(env.get("WECHAT_DEDUPE_LEASE_SECONDS", "10"),
                                            "WECHAT_DEDUPE_LEASE_SECONDS", 2, 60),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute"),
        "RATELIMIT_LOOKUP": env.get("RATELIMIT_LOOKUP", "10 per minute"),
        # scrypt: a memory-hard KDF; tests lower the cost through the same setting
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        # wrong guesses of a case's last four (look-up and the chat's 绑定) per case number and per source
        "GUESS_MAX_PER_CASE": _int(env.get("GUESS_MAX_PER_CASE", "5"), "GUESS_MAX_PER_CASE", 1, 100),
        "GUESS_MAX_PER_SOURCE": _int(env.get("GUESS_MAX_PER_SOURCE", "10"), "GUESS_MAX_PER_SOURCE", 1, 1000),
        "GUESS_WINDOW_MINUTES": _int(env.get("GUESS_WINDOW_MINUTES", "60"), "GUESS_WINDOW_MINUTES", 1, 24 * 60),
        # 等保 level 3: staff passwords at least this long (plus three character classes, service.auth.passwords)
        "PASSWORD_MIN_LENGTH": _int(env.get("PASSWORD_MIN_LENGTH", "10"), "PASSWORD_MIN_LENGTH", 8, 64),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", "15")),
        # the whole account locks only when wrong passwords come from this many addresses in the window
        "LOGIN_LOCK_ADDRESSES": _int(env.get("LOGIN_LOCK_ADDRESSES", "10"), "LOGIN_LOCK_ADDRESSES", 2, 1000),
        # routing ladder thresholds; unset keeps service.nlp.Thresholds' defaults (checked at start-up)
        "ROUTE_AUTO_CONFIDENCE": env.get("ROUTE_AUTO_CONFIDENCE"),
        "ROUTE_AUTO_MARGIN": env.get("ROUTE_AUTO_MARGIN"),
        "ROUTE_ASK_CONFIDENCE": env.get("ROUTE_ASK_CONFIDENCE"),
        "NLP_LEXICON_DIR": env.get("NLP_LEXICON_DIR", ""),
        # reverse proxies (nginx, a load balancer) in front of gunicorn whose X-Forwarded-For is trusted
        "PROXY_HOPS": _int(env.get("PROXY_HOPS", "0"), "PROXY_HOPS", 0, 5),
        # years of the official holiday arrangement that the chinesecalendar package does not carry yet
        "WORKDAY_CALENDAR_FILE": env.get("WORKDAY_CALENDAR_FILE", ""),
        # /metrics answers these addresses (comma-separated, networks allowed) or a Bearer METRICS_TOKEN only
        "METRICS_ALLOW": env.get("METRICS_ALLOW", "127.0.0.1"),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": service_env == "production",
        "PERMANENT_SESSION_LIFETIME": int(env.get("SESSION_LIFETIME_SECONDS", str(8 * 3600))),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # flask-smorest / OpenAPI
        "API_TITLE": "县民政局救助受理服务 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
    }
    config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "memory://"
    config["RATELIMIT_ENABLED"] = _bool(env.get("RATELIMIT_ENABLED"), True)
    # load the routing classifier and pinyin tables at start-up; off where nothing reads messages (notify worker)
    config["NLP_WARM_UP"] = _bool(env.get("NLP_WARM_UP"), True)
    config.update(_notify_settings(env))
    return config


# Notification outbox and worker (service/notify): name -> default; numbers, set from the environment.
NOTIFY_DEFAULTS = {
    "NOTIFY_MAX_ATTEMPTS": 8,  # attempts per channel before a row is dead-lettered
    "NOTIFY_BACKOFF_BASE_SECONDS": 30.0,  # first retry after 15-30 s, then doubling …
    "NOTIFY_BACKOFF_CAP_SECONDS": 3600.0,  # … up to 30-60 min
    "NOTIFY_LEASE_SECONDS": 120.0,  # a claimed row returns to the queue if its worker is gone this long
    "NOTIFY_BATCH_SIZE": 50,  # rows per claim; rows whose lease runs short before their turn wait for the next
    "NOTIFY_POLL_SECONDS": 1.0,  # idle worker's pause between looks at the queue
    "NOTIFY_SCAN_SECONDS": 300.0,  # how often to look for overdue steps and morning digests
    "NOTIFY_DIGEST_HOUR": 8,  # Beijing hour from which working-day digests go out
    "NOTIFY_HTTP_TIMEOUT_SECONDS": 10.0,
    "NOTIFY_CONCURRENCY": 16,  # sends in flight at once per worker (threads doing only HTTP)
    "NOTIFY_WECHAT_RATE": 200.0,  # this worker's WeChat sends per second (0: no limit); split the account's cap among workers
    "NOTIFY_SMS_RATE": 50.0,  # this worker's SMS per second (0: no limit)
    "NOTIFY_RATE_PAUSE_SECONDS": 60.0,  # the account's pause after 45011 (minute quota)
    "NOTIFY_QUOTA_PAUSE_SECONDS": 600.0,  # the account's pause after 45009 / 45047 (daily or message quota)
}


def _notify_settings(env: dict) -> dict:
    settings = {}
    for key, default in NOTIFY_DEFAULTS.items():
        raw = env.get(key)
        try:
            settings[key] = default if raw in (None, "") else type(default)(raw)
        except ValueError as exc:
            raise ConfigError(f"{key} must be a number, got {raw!r}") from exc
    if settings["NOTIFY_CONCURRENCY"] < 1:
        raise ConfigError("NOTIFY_CONCURRENCY must be at least 1")
    # WeChat template for applicant notices (empty: applicants get SMS); see service/notify/templates.json
    settings["NOTIFY_TEMPLATE_ID"] = env.get("NOTIFY_TEMPLATE_ID", "")
    return settings


DATABASE_POOL_SIZE = 15  # PostgreSQL connections a process may hold (SQLAlchemy's default pool 5 + overflow 10)


def _engine_options(url: str, env: dict) -> dict:
    # bound parameters (names, phones, the resident's words) never enter an exception message or a log;
    # a pooled connection a database restart killed is replaced before use, not failed on a request: the ping
    # (a socket check without it lost the race with a backend still exiting: one 503, seen in CI)
    options = {"hide_parameters": True, "pool_pre_ping": True}
    if not url.startswith("sqlite"):  # SQLite's in-memory pool takes no size (and production refuses SQLite)
        # At most DATABASE_POOL_SIZE connections per process, each kept once opened: SQLAlchemy's default (5 kept,
        # 10 more opened at a peak and closed when returned) made a busy worker fork a PostgreSQL backend for
        # most requests. 15 is the same peak as before, so 4 workers and the notice worker still fit the
        # default max_connections 100 (`flask doctor` checks the sum); a pool opens connections only as needed.
        options["pool_size"] = _int(env.get("DATABASE_POOL_SIZE") or str(DATABASE_POOL_SIZE), "DATABASE_POOL_SIZE", 1, 500)
        options["max_overflow"] = 0
    return options


def _normalise_db_url(url: str) -> str:
    # Hosting panels hand out postgres:// URLs; SQLAlchemy wants an explicit driver (psycopg 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_thresholds(config: dict) -> None:
    from service.nlp import Thresholds

    try:
        Thresholds.from_mapping(config)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def load_calendar(config: dict):
    """The county's working-day calendar (a WorkCalendar), its file checked at start-up: a bad date must stop
    the service, not skew deadlines."""
    import json

    from service.intake import workdays

    path = config.get("WORKDAY_CALENDAR_FILE")
    if not path:
        return workdays.WorkCalendar()
    try:
        years = workdays.parse_calendar(json.loads(Path(path).read_text("utf-8")))
    except (OSError, ValueError) as exc:  # CalendarFileError and JSONDecodeError are ValueErrors
        raise ConfigError(f"WORKDAY_CALENDAR_FILE {path}: {exc}") from exc
    return workdays.WorkCalendar(years)


def check_production(config: dict) -> None:
    """Production refuses to start with the demo secrets a newcomer's machine runs on."""
    if config.get("SERVICE_ENV") != "production":
        return
    weak = [
        key
        for key, demo in (
            ("SECRET_KEY", DEMO_SECRET_KEY),
            ("FIELD_ENCRYPTION_KEY", DEMO_FIELD_KEY),
            ("WECHAT_SECRET", DEMO_WECHAT_SECRET),
        )
        if not config.get(key) or config.get(key) == demo or len(str(config.get(key))) < 16
    ]
    if weak:
        raise ConfigError("production mode refuses demo or short secrets: " + ", ".join(weak))
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        raise ConfigError("production mode needs DATABASE_URL pointing at PostgreSQL")
    if not config.get("WECHAT_AES_KEY") and not config.get("WECHAT_ALLOW_PLAINTEXT"):
        raise ConfigError("production mode needs WECHAT_AES_KEY (safe mode: the signature covers the message); "
                          "plaintext callbacks can be forged from one logged URL. Set WECHAT_ALLOW_PLAINTEXT=true "
                          "only if the account cannot use safe mode")
