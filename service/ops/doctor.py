"""`flask --app service doctor`: everything production needs, checked at once, each problem with what to do.

It reads the environment the way create_app does (service.config) but never calls create_app, which
refuses to start on the very problems the doctor is there to name. Database checks use their own engine.
Problems fail the check (exit 1); warnings are worth reading but a county can start with them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from urllib.parse import urlsplit

from service import config as config_module
from service.config import ConfigError
from service.ops.findings import HEARTBEAT_MAX_AGE, Finding, ok, problem, warning  # noqa: F401  (re-exported)

GENERATE = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
DEMO_WECHAT = {"WECHAT_TOKEN": "relief-demo-token", "WECHAT_APPID": "wx0000000000demo00"}
SECRET_MIN_LENGTH, SECRET_MIN_DISTINCT = 32, 12


def run_checks(env: dict, instance_path: str, *, now: dt.datetime | None = None) -> list[Finding]:
    from service.ops import doctor_data

    try:
        config = config_module.from_environment(instance_path, env)
    except ConfigError as exc:
        return [problem("environment", str(exc), "correct the variable and run doctor again")]
    findings = [_service_env(config)]
    findings += [_secret(env, config, "SECRET_KEY", config_module.DEMO_SECRET_KEY, "signs staff session cookies"),
                 _secret(env, config, "FIELD_ENCRYPTION_KEY", config_module.DEMO_FIELD_KEY,
                         "encrypts ID numbers; keep a copy apart from the backups, a lost key loses them")]
    findings += _wechat(config)
    findings += _calendar(config)
    findings += _notify_settings(config)
    findings += doctor_data.check_database(config, now=now)
    return findings


def _service_env(config: dict) -> Finding:
    if config["SERVICE_ENV"] == "production":
        return ok("SERVICE_ENV", "production")
    return problem("SERVICE_ENV", f"is {config['SERVICE_ENV']!r}: the service runs with demo defaults",
                   "set SERVICE_ENV=production (it refuses demo secrets, demo passwords and SQLite)")


def _secret(env: dict, config: dict, name: str, demo: str, purpose: str) -> Finding:
    value = str(config.get(name) or "")
    if not env.get(name):
        return problem(name, f"not set: the built-in demo value is used ({purpose})", GENERATE)
    if value == demo:
        return problem(name, "is the demo value", GENERATE)
    if len(value) < SECRET_MIN_LENGTH or len(set(value)) < SECRET_MIN_DISTINCT:
        return problem(name, f"too weak ({len(value)} characters, {len(set(value))} different): at least "
                             f"{SECRET_MIN_LENGTH} random characters", GENERATE)
    return ok(name, f"set, {len(value)} characters")


def _wechat(config: dict) -> list[Finding]:
    found = []
    aes = config.get("WECHAT_AES_KEY") or ""
    where = "公众号后台 → 设置与开发 → 基本配置 → 服务器配置"
    if not aes:
        found.append(problem("WECHAT_AES_KEY", "not set: callbacks would travel in plaintext",
                             f"choose 安全模式 in {where} and set WECHAT_AES_KEY to its EncodingAESKey (43 characters)"))
    elif not _aes_key_ok(aes):
        found.append(problem("WECHAT_AES_KEY", f"is not an EncodingAESKey ({len(aes)} characters)",
                             f"copy the 43-character EncodingAESKey from {where}"))
    else:
        found.append(ok("WECHAT_AES_KEY", "set: safe mode (plaintext callbacks are refused)"))
    token = config.get("WECHAT_TOKEN") or ""
    if token == DEMO_WECHAT["WECHAT_TOKEN"] or not re.fullmatch(r"[A-Za-z0-9]{3,32}", token):
        found.append(problem("WECHAT_TOKEN", "is the demo value" if token == DEMO_WECHAT["WECHAT_TOKEN"] else
                             "is not 3–32 letters and digits", f"set it to the Token entered in {where}"))
    else:
        found.append(ok("WECHAT_TOKEN", "set"))
    appid = config.get("WECHAT_APPID") or ""
    if appid == DEMO_WECHAT["WECHAT_APPID"] or not re.fullmatch(r"wx[0-9a-f]{16}", appid):
        found.append(problem("WECHAT_APPID", "is the demo value" if appid == DEMO_WECHAT["WECHAT_APPID"] else
                             f"{appid!r} is not an AppID (wx and 16 hex digits)", f"copy the AppID from {where}"))
    else:
        found.append(ok("WECHAT_APPID", appid))
    secret = config.get("WECHAT_SECRET") or ""
    if secret == config_module.DEMO_WECHAT_SECRET or len(secret) < 16:
        found.append(problem("WECHAT_SECRET", "is the demo value or too short",
                             f"set it to the AppSecret from {where} (the account's administrator resets it there)"))
    else:
        found.append(ok("WECHAT_SECRET", "set"))
    base = urlsplit(config.get("WECHAT_API_BASE_URL") or "")
    if base.scheme != "https" or base.hostname in ("127.0.0.1", "localhost", "::1"):
        found.append(problem("WECHAT_API_BASE_URL", f"points at {base.geturl()!r}, not WeChat",
                             "unset it (the default is https://api.weixin.qq.com/) or give the HTTPS proxy to it"))
    else:
        found.append(ok("WECHAT_API_BASE_URL", base.geturl()))
    return found


def _aes_key_ok(key: str) -> bool:
    if len(key) != 43:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _calendar(config: dict) -> list[Finding]:
    from service.clock import today

    try:
        calendar = config_module.load_calendar(config)
    except ConfigError as exc:
        return [problem("WORKDAY_CALENDAR_FILE", str(exc), "correct the file (see README, Architecture)")]
    found = []
    year = today().year
    for y in (year, year + 1):
        source = calendar.coverage(y)
        if source == "weekdays":
            found.append(problem(f"calendar {y}", "not covered: deadlines would count Monday–Friday, ignoring "
                                                  "holidays and make-up workdays",
                                 f"write the State Council's {y} holiday arrangement into the JSON file named by "
                                 f"WORKDAY_CALENDAR_FILE ({{\"{y}\": {{\"holidays\": [...], \"workdays\": [...]}}}}) "
                                 "and restart; `flask --app service calendar` shows the coverage"))
        else:
            found.append(ok(f"calendar {y}", {"local": "WORKDAY_CALENDAR_FILE", "official": "chinesecalendar"}[source]))
    return found


def _notify_settings(config: dict) -> list[Finding]:
    if config.get("SMS_GATEWAY_URL"):
        return [ok("SMS_GATEWAY_URL", "set")]
    return [problem("SMS_GATEWAY_URL", "not set: applicants without WeChat (hotline, window) hear nothing",
                    "set SMS_GATEWAY_URL to the county's SMS gateway")]


def report(findings: list[Finding]) -> tuple[str, bool]:
    """The text operators read, and whether everything needed is there."""
    marks = {"ok": "ok      ", "warning": "WARNING ", "problem": "PROBLEM "}
    lines = []
    for f in findings:
        lines.append(f"  {marks[f.level]}{f.check}: {f.message}")
        if f.fix and f.level != "ok":
            lines.append(f"           → {f.fix}")
    problems = sum(f.level == "problem" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    if problems:
        lines.append(f"doctor: {problems} problem(s), {warnings} warning(s): fix each PROBLEM above, then run doctor again")
    else:
        lines.append(f"doctor: ready for production ({len(findings)} checks, {warnings} warning(s))")
    return "\n".join(lines), problems == 0
