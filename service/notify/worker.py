"""The delivery worker: claim due outbox rows, send them through the sender ports, record each outcome;
every NOTIFY_SCAN_SECONDS run the periodic jobs the root registered (jobs.py).

Any number of workers, on any number of machines, may run against one database (see queue.py).
Nothing here holds a database transaction open while talking to WeChat or the SMS gateway. The worker
knows no protocol: the ports (sender.py; adapters chosen at the root; which one a row takes: channels.py)
answer sent, or SendFailed with retry / slow down / fall back to SMS / dead. A MEDIA_FETCH row (a chat
photo) goes through the media port the same way and its bytes are stored by media.record_stored.

Concurrency: the main thread claims rows and records outcomes (it alone uses the database session);
a pool of NOTIFY_CONCURRENCY sender threads only does HTTP, each send's result handed back as an
`Attempt`. The rows of one claim never share an ordering key (queue.claim hands out only the head of
each sequence) and the next row of a sequence is claimable only once this one is recorded, so sending
them side by side never lets a notice overtake an earlier one of the same application.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from service import clock
from service.clock import utcnow
from service.extensions import db
from service.notify import jobs, media, policy, queue, ratelimit
from service.notify.adapters import adapters
from service.notify.channels import Channels, NoRoute
from service.notify.heartbeat import Heartbeat
from service.notify.models import SMS, WECHAT_MEDIA
from service.notify.sender import DEAD, FALLBACK, RETRY, SLOW_DOWN, SendFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """What a sender thread did with one job; recorded by the main thread."""

    channel: str
    msgid: int | None = None
    error: Exception | None = None
    held: str | None = None  # not sent: ratelimit.PAUSED / LATE / STOPPED
    media: media.Media | None = None  # a fetched chat photo, stored by the main thread

    @property
    def sent(self) -> bool:
        return self.error is None and self.held is None


class Worker:
    def __init__(self, app: Flask, *, now: Callable[[], dt.datetime] = utcnow,
                 beijing_now: Callable[[], dt.datetime] | None = None,
                 rng: Callable[[], float] = random.random, name: str = "worker"):
        self.app, self.now, self.rng, self.name = app, now, rng, name
        self.heartbeat = Heartbeat(name)  # `doctor` and /metrics watch it
        self.beijing_now = beijing_now or (lambda: dt.datetime.now(clock.BEIJING))
        config = app.config
        self.batch = int(config["NOTIFY_BATCH_SIZE"])
        self.lease = float(config["NOTIFY_LEASE_SECONDS"])
        self.max_attempts = int(config["NOTIFY_MAX_ATTEMPTS"])
        self.base = float(config["NOTIFY_BACKOFF_BASE_SECONDS"])
        self.cap = float(config["NOTIFY_BACKOFF_CAP_SECONDS"])
        self.poll = float(config["NOTIFY_POLL_SECONDS"])
        self.scan_every = float(config["NOTIFY_SCAN_SECONDS"])
        self.concurrency = max(1, int(config["NOTIFY_CONCURRENCY"]))
        self.rate_pause = float(config["NOTIFY_RATE_PAUSE_SECONDS"])
        self.quota_pause = float(config["NOTIFY_QUOTA_PAUSE_SECONDS"])
        rates = [float(config["NOTIFY_WECHAT_RATE"]), float(config["NOTIFY_SMS_RATE"])]
        self.throttles = {"wechat": ratelimit.Throttle(rates[0]), "sms": ratelimit.Throttle(rates[1])}
        # rows held (sending or queued for a sender): a batch beyond the busy senders, but never more
        # than the slowest rate limit lets out within half a lease
        slowest = min((r for r in rates if r > 0), default=0.0)
        self.hold = self.concurrency + self.batch
        if slowest:
            self.hold = max(1, min(self.hold, int(slowest * self.lease / 2)))
        self.channels = Channels(*adapters(app).senders(), adapters(app).media())
        self.jobs = jobs.registered(app)
        self._last_scan = float("-inf")
        self._pool: ThreadPoolExecutor | None = None
        self._inflight: dict[Future, queue.Job] = {}
        self.stopping = threading.Event()
        self.sent = 0

    # ---- loop -------------------------------------------------------------------------------------

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> int:
        """Work until stopped (SIGTERM sets `stopping`), or, with until_idle, until no row is left to
        send by anyone (rows waiting out a back-off or in another worker's hands keep it going).
        Stopping lets the sends in flight finish and records them; rows not yet sent go back at once."""
        started = time.monotonic()
        with self.app.app_context():
            while not self.stopping.is_set():
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                try:
                    self.tick()
                    handled = self.pump()
                except SQLAlchemyError as exc:
                    # database gone or locked for a while: keep the process (and the outcomes in
                    # hand, recorded once it is back), try again shortly
                    db.session.rollback()
                    log.warning("notify worker: database error %s; pausing", type(exc).__name__)
                    self.stopping.wait(max(self.poll, 5.0))
                    continue
                if handled == 0 and not self._inflight:
                    if until_idle and queue.unsettled_count() == 0:
                        break
                    self.stopping.wait(self.poll)
            try:
                self.finish()
            except SQLAlchemyError as exc:  # the rows stay `sending`; their lease brings them back
                log.warning("notify worker: outcomes of the last sends not recorded (%s)", type(exc).__name__)
            if self._pool is not None:
                self._pool.shutdown(wait=False)
                self._pool = None
        return self.sent

    def tick(self) -> None:
        """The periodic jobs the root registered, in order, at most every NOTIFY_SCAN_SECONDS."""
        self.heartbeat.beat()  # every loop (written at most every 15 s): `doctor` and /metrics watch it
        if time.monotonic() - self._last_scan < self.scan_every:
            return
        self._last_scan = time.monotonic()
        local = self.beijing_now()
        for job in self.jobs:
            job.run(self.now(), local)

    def pump(self) -> int:
        """Claim more rows when the senders are about to run dry, record what came back; returns how
        many rows were claimed or recorded (0: nothing happened within a poll)."""
        claimed = 0
        if len(self._inflight) <= self.concurrency and not self.stopping.is_set():
            room = min(self.batch, self.hold - len(self._inflight))
            jobs = queue.claim(room, now=self.now(), lease_seconds=self.lease) if room > 0 else []
            for job in jobs:
                self.dispatch(job)
            claimed = len(jobs)
            if jobs:
                log.debug("notify claim: %d rows, %d in hand", claimed, len(self._inflight))
        block = bool(self._inflight) and (claimed == 0 or len(self._inflight) > self.concurrency)
        return claimed + self.collect(block=block)

    def run_once(self) -> int:
        """One claim, sent and recorded in full before returning (tests and one-off runs)."""
        jobs = queue.claim(self.batch, now=self.now(), lease_seconds=self.lease)
        for job in jobs:
            self.dispatch(job)
        self.finish()
        if jobs:
            log.info("notify batch: %d claimed, %d sent", len(jobs), self.sent)
        return len(jobs)

    def finish(self) -> None:
        """Wait for every send in flight and record it."""
        while self._inflight:
            self.collect(block=True)

    def dispatch(self, job: queue.Job) -> None:
        if self._exhausted(job):
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"{self.name}-send")
        self._inflight[self._pool.submit(self.attempt, job)] = job

    def collect(self, *, block: bool) -> int:
        """Record the sends that have finished (waiting up to a poll for the first when `block`)."""
        if not self._inflight:
            return 0
        done, _ = wait(list(self._inflight), timeout=max(self.poll, 0.05) if block else 0,
                       return_when=FIRST_COMPLETED)
        sent = [f for f in done if f.result().sent and f.result().media is None]
        if sent:  # the plain successes in one transaction
            now = self.now()
            queue.record_sent_many([self._sent_row(self._inflight[f], f.result()) for f in sent], now)
            self.sent += len(sent)
            for future in sent:
                del self._inflight[future]
        for future in sorted(done - set(sent), key=lambda f: self._inflight[f].id):
            self.record(self._inflight[future], future.result())
            del self._inflight[future]  # only once recorded: a database error keeps it for the next try
        return len(done)

    @staticmethod
    def _sent_row(job: queue.Job, attempt: Attempt) -> tuple:
        return (job, attempt.channel, job.openid if attempt.channel != SMS else None,
                job.phone if attempt.channel == SMS else None, attempt.msgid)

    # ---- one row ----------------------------------------------------------------------------------

    def handle(self, job: queue.Job) -> None:
        """One row from start to end in this thread."""
        if not self._exhausted(job):
            self.record(job, self.attempt(job))

    def _exhausted(self, job: queue.Job) -> bool:
        if job.attempts <= self.max_attempts:
            return False
        # only after repeated crashes or internal errors
        queue.record_dead(job, self.now(), error=f"已尝试{job.attempts - 1}次仍未发出（发送进程中断或内部错误）")
        return True

    def attempt(self, job: queue.Job) -> Attempt:
        """In a sender thread: wait for the account's rate limit, then send. No database here."""
        channel = job.channel
        try:
            channel = self.channels.route(job)
            if self.stopping.is_set():
                return Attempt(channel, held=ratelimit.STOPPED)
            # a send must start while a quarter of the lease is left, or another worker may take the row
            budget = (job.lease_until - self.now()).total_seconds() - self.lease / 4
            verdict = self.throttle(channel).acquire(timeout=budget, stop=self.stopping)
            if verdict != ratelimit.OK:
                return Attempt(channel, held=verdict)
            if channel == WECHAT_MEDIA:
                return Attempt(channel, media=self.channels.fetch(job))
            return Attempt(channel, msgid=self.channels.send(job, channel))
        except SendFailed as exc:
            # a quota answer holds the other threads now, not when the main thread records it
            if exc.outcome == SLOW_DOWN:
                self.throttle(channel).pause(self.pause_for(exc))
            return Attempt(channel, error=exc)
        except Exception as exc:  # noqa: BLE001  (judged and recorded by the main thread)
            return Attempt(channel, error=exc)

    def pause_for(self, exc: SendFailed) -> float:
        return self.rate_pause if exc.brief else self.quota_pause

    def throttle(self, channel: str) -> ratelimit.Throttle:
        return self.throttles["sms" if channel == SMS else "wechat"]

    def record(self, job: queue.Job, attempt: Attempt) -> None:
        """In the main thread: write down what became of one attempt."""
        now, channel, exc = self.now(), attempt.channel, attempt.error
        if attempt.held is not None:
            # not sent: back to the queue without counting the attempt, after the pause if there is one
            delay = {ratelimit.PAUSED: self.throttle(channel).paused_for(), ratelimit.LATE: 1.0}.get(attempt.held, 0.0)
            queue.record_deferred(job, now, delay=delay)
            return
        if exc is None and attempt.media is not None:
            if media.record_stored(job, now, attempt.media):
                self.sent += 1
        elif exc is None:
            _, via, openid, phone, msgid = self._sent_row(job, attempt)
            queue.record_sent(job, now, via=via, openid=openid, phone=phone, msgid=msgid)
            self.sent += 1
            log.debug("notification %s sent via %s (attempt %s)", job.id, channel, job.attempts)
        elif isinstance(exc, NoRoute):
            queue.record_dead(job, now, error=str(exc))
            log.warning("notification %s dead: no route", job.id)
        elif isinstance(exc, SendFailed):
            self.failed(job, channel, exc)
        else:  # one bad row must not stop the others' delivery
            log.error("notification %s: unexpected error", job.id, exc_info=exc)
            delay = policy.backoff_delay(job.attempts, base=self.base, cap=self.cap, rng=self.rng)
            queue.record_retry(job, now, delay=delay, error=f"内部错误：{type(exc).__name__}")

    def failed(self, job: queue.Job, channel: str, exc: SendFailed) -> None:
        now, reason = self.now(), exc.reason
        if exc.outcome == SLOW_DOWN:
            # the platform's quota, not the notice: hold the account's sends, then try again
            pause = self.pause_for(exc)
            self.throttle(channel).pause(pause)
            queue.record_deferred(job, now, delay=pause, error=reason)
            log.warning("notification %s: %s; sends paused for %gs", job.id, reason, pause)
            return
        if exc.outcome == FALLBACK:
            if job.phone and self.channels.sms is not None:
                queue.record_fallback(job, now, phone=job.phone, reason=reason)
                log.info("notification %s: wechat refused, falling back to sms", job.id)
            else:
                why = "，且没有登记手机号" if not job.phone else "，且未配置短信网关"
                queue.record_dead(job, now, error=reason + why, tried_openid=job.openid)
                log.warning("notification %s dead: %s", job.id, reason)
            return
        if exc.outcome == RETRY and job.attempts < self.max_attempts:
            delay = policy.backoff_delay(job.attempts, base=self.base, cap=self.cap, rng=self.rng)
            queue.record_retry(job, now, delay=delay, error=reason)
            log.info("notification %s attempt %s failed (%s); retry in %.1fs", job.id, job.attempts,
                     reason, delay)
            return
        error = reason if exc.outcome == DEAD else f"重试{job.attempts}次仍失败：{reason}"
        queue.record_dead(job, now, error=error, tried_openid=job.openid if channel != SMS else None)
        log.warning("notification %s dead after %s attempts: %s", job.id, job.attempts, reason)
