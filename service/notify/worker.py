"""The delivery worker: claim due outbox rows, send each, record the outcome; now and then apologise
for overdue steps and send the staff's morning digests.

Any number of workers, on any number of machines, may run against one database (see queue.py).
Nothing here holds a database transaction open while talking to WeChat or the SMS gateway.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from service import clock
from service.extensions import db
from service.intake.models import utcnow
from service.notify import periodic, policy, queue
from service.notify.adapters import adapters
from service.notify.models import APPLICANT, SMS, WECHAT_CS, WECHAT_TEMPLATE
from service.ops import heartbeat
from service.wechat import reminders, retention
from service.wechat.api_client import WeChatAPIError
from service.wechat.sms_client import SMSError

log = logging.getLogger(__name__)


class NoRoute(Exception):
    """Nowhere to send this notice (no WeChat, no phone, no gateway); dead-lettered at once."""


class Worker:
    def __init__(self, app: Flask, *, now: Callable[[], dt.datetime] = utcnow,
                 beijing_now: Callable[[], dt.datetime] | None = None,
                 rng: Callable[[], float] = random.random, name: str = "worker"):
        self.app, self.now, self.rng, self.name = app, now, rng, name
        self.beijing_now = beijing_now or (lambda: dt.datetime.now(clock.BEIJING))
        config = app.config
        self.batch = int(config["NOTIFY_BATCH_SIZE"])
        self.lease = float(config["NOTIFY_LEASE_SECONDS"])
        self.max_attempts = int(config["NOTIFY_MAX_ATTEMPTS"])
        self.base = float(config["NOTIFY_BACKOFF_BASE_SECONDS"])
        self.cap = float(config["NOTIFY_BACKOFF_CAP_SECONDS"])
        self.poll = float(config["NOTIFY_POLL_SECONDS"])
        self.scan_every = float(config["NOTIFY_SCAN_SECONDS"])
        self.digest_hour = int(config["NOTIFY_DIGEST_HOUR"])
        self._wechat = adapters(app).wechat()
        self._sms = adapters(app).sms()
        self._last_scan = float("-inf")
        self.stopping = threading.Event()
        self.sent = 0

    # ---- loop -------------------------------------------------------------------------------------

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> int:
        """Work until stopped (SIGTERM sets `stopping`), or, with until_idle, until no row is left to
        send by anyone (rows waiting out a back-off or in another worker's hands keep it going)."""
        started = time.monotonic()
        with self.app.app_context():
            while not self.stopping.is_set():
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                try:
                    self.tick()
                    handled = self.run_once()
                except SQLAlchemyError as exc:
                    # database gone or locked for a while: keep the process, try again shortly
                    db.session.rollback()
                    log.warning("notify worker: database error %s; pausing", type(exc).__name__)
                    self.stopping.wait(max(self.poll, 5.0))
                    continue
                if handled == 0:
                    if until_idle and queue.unsettled_count() == 0:
                        break
                    self.stopping.wait(self.poll)
        return self.sent

    def tick(self) -> None:
        """The clock-driven steps, at most every NOTIFY_SCAN_SECONDS."""
        heartbeat.beat(self.name)  # every loop (written at most every 15 s): `doctor` and /metrics watch it
        if time.monotonic() - self._last_scan < self.scan_every:
            return
        self._last_scan = time.monotonic()
        local = self.beijing_now()
        periodic.enqueue_overdue_apologies(local.date())
        reminders.remind_stalled(self.now(), local.hour)
        retention.sweep(self.now())
        if local.hour >= self.digest_hour:
            periodic.enqueue_staff_digests(local.date())

    def run_once(self) -> int:
        jobs = queue.claim(self.batch, now=self.now(), lease_seconds=self.lease)
        before = self.sent
        for job in jobs:
            if self.stopping.is_set():
                break  # the rest come back when their lease runs out
            if self.now() > job.lease_until - dt.timedelta(seconds=self.lease / 4):
                continue  # slow sends ate the lease: leave the row to whoever claims it next
            try:
                self.handle(job)
            except SQLAlchemyError:
                raise
            except Exception as exc:  # noqa: BLE001  (one bad row must not stop the others' delivery)
                log.exception("notification %s: unexpected error", job.id)
                delay = policy.backoff_delay(job.attempts, base=self.base, cap=self.cap, rng=self.rng)
                queue.record_retry(job, self.now(), delay=delay, error=f"内部错误：{type(exc).__name__}")
        if jobs:
            log.info("notify batch: %d claimed, %d sent", len(jobs), self.sent - before)
        return len(jobs)

    # ---- one row ----------------------------------------------------------------------------------

    def handle(self, job: queue.Job) -> None:
        if job.attempts > self.max_attempts:  # only after repeated crashes or internal errors
            queue.record_dead(job, self.now(),
                              error=f"已尝试{job.attempts - 1}次仍未发出（发送进程中断或内部错误）")
            return
        channel = self.route(job)
        try:
            msgid = self.send(job, channel)
        except NoRoute as exc:
            queue.record_dead(job, self.now(), error=str(exc))
            log.warning("notification %s dead: no route", job.id)
            return
        except (WeChatAPIError, SMSError) as exc:
            self.failed(job, channel, exc)
            return
        queue.record_sent(job, self.now(), via=channel, openid=job.openid if channel != SMS else None,
                          phone=job.phone if channel == SMS else None, msgid=msgid)
        self.sent += 1
        log.debug("notification %s sent via %s (attempt %s)", job.id, channel, job.attempts)

    def route(self, job: queue.Job) -> str:
        if job.channel != APPLICANT:
            return job.channel
        if job.openid and job.template_id:
            return WECHAT_TEMPLATE
        return SMS

    def send(self, job: queue.Job, channel: str) -> int | None:
        if channel == WECHAT_TEMPLATE:
            return self._wechat.send_template(job.openid, job.template_id, job.fields, url=job.url,
                                              client_msg_id=job.idempotency_key)
        if channel == WECHAT_CS:
            self._wechat.send_text(job.openid, job.text)
            return None
        if not job.phone:
            if job.channel != APPLICANT:
                raise NoRoute("没有可用的手机号")
            raise NoRoute("未配置模板消息ID（NOTIFY_TEMPLATE_ID），且申请人没有登记手机号" if job.openid
                          else "申请人没有关注公众号，也没有登记手机号")
        if self._sms is None:
            raise NoRoute("未配置短信网关（SMS_GATEWAY_URL）")
        self._sms.send(job.phone, job.sms_sign + job.text, job.idempotency_key)
        return None

    def failed(self, job: queue.Job, channel: str, exc: Exception) -> None:
        verdict = policy.judge(exc, channel=channel)
        now = self.now()
        if verdict.action == policy.FALLBACK:
            if job.phone and self._sms is not None:
                queue.record_fallback(job, now, phone=job.phone, reason=verdict.reason)
                log.info("notification %s: wechat refused, falling back to sms", job.id)
            else:
                why = "，且没有登记手机号" if not job.phone else "，且未配置短信网关"
                queue.record_dead(job, now, error=verdict.reason + why, tried_openid=job.openid)
                log.warning("notification %s dead: %s", job.id, verdict.reason)
            return
        if verdict.action == policy.RETRY and job.attempts < self.max_attempts:
            delay = policy.backoff_delay(job.attempts, base=self.base, cap=self.cap, rng=self.rng)
            queue.record_retry(job, now, delay=delay, error=verdict.reason)
            log.info("notification %s attempt %s failed (%s); retry in %.1fs", job.id, job.attempts,
                     verdict.reason, delay)
            return
        error = verdict.reason if verdict.action == policy.DEAD else f"重试{job.attempts}次仍失败：{verdict.reason}"
        queue.record_dead(job, now, error=error, tried_openid=job.openid if channel != SMS else None)
        log.warning("notification %s dead after %s attempts: %s", job.id, job.attempts, verdict.reason)
