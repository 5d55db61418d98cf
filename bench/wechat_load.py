"""Load benchmark of the /wechat callback under gunicorn (2 sync workers), on SQLite or PostgreSQL.

    .venv/bin/python bench/wechat_load.py --db sqlite
    .venv/bin/python bench/wechat_load.py --db postgres [--pg-admin-url postgresql://postgres@127.0.0.1:5432/postgres]

One command does everything for one database: a fresh database (SQLite: a temporary file; PostgreSQL: the
dedicated database `relief_bench_wechat`, dropped and re-created — never `test`), `flask db upgrade` and
`flask seed-demo` against it, gunicorn started as `scripts/run.sh` starts it (--preload, 2 workers) on a
free 127.0.0.1 port, then three phases measured by the same client:

  1. ceiling: closed-loop GET /livez (no database) with --concurrency connections for --ceiling-seconds;
  2. closed-loop POST /wechat with the realistic mix for --max-seconds;
  3. open-loop POST /wechat at --rate messages/s for --duration seconds: each request is sent at its
     scheduled time whatever the replies, and its latency counts from that time (no coordinated omission).

The mix: simulated residents (--residents openids per phase) each walking through a real conversation
(first words → 1 → name → ID number → phone → village → household → 0 → 1 submit, or the child-welfare
form), with greetings, progress queries, images, menu clicks and location/voice messages, ~5 % duplicate
deliveries (the same MsgId resent: some while the first is in flight, some after its reply) and ~0.5 %
requests with a bad signature. A resident waits for each reply (plus a short think time) before its next
message; many residents are in conversation at once. Every reply is checked against what the dialogue
should say; after the run the database is checked: applications created against residents whose submit
was answered with a case number, attachments, dedupe rows, and every non-2xx status.

The client is the standard library's asyncio on raw sockets, with every request built and signed before
the clock starts, so it costs little of the two cores it shares with the server. Results are printed and
written to bench/results/wechat_<db>_<time>.json (gitignored). bench/wechat/README.md records a run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import heapq
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from service.devtools.simulator import inbound_xml  # noqa: E402
from service.intake.identity import check_character  # noqa: E402
from service.wechat.callback import signed_request  # noqa: E402

BIN = ROOT / ".venv" / "bin"
TOKEN = "bench-wechat-token"
REFUSED_DB_NAMES = {"test", "postgres", "template0", "template1", "relief", "relief_bench"}
HOST = "127.0.0.1"

# First words that the classifier routes straight to one intake ("auto"), checked against service.nlp.
FIRST_WORDS = {
    "dibao": [
        "俺家老汉瘫在床上好几年了，俺一个人种二亩地，想吃低保", "我今年七十多了，无儿无女，想吃低保",
        "丈夫去世，两个孩子上学，收入很低，想申请低保", "残疾人，没有劳动能力，申请低保",
        "家里三口人都有慢性病，每月药费上千，能不能吃低保", "一家四口，只有我一个人有收入，每月一千多，想办低保",
        "老伴常年吃药，家里没有收入，想申请最低生活保障", "我是五保户，老人无依无靠，想问问特困供养咋申请",
        "俺想吃低保", "低保咋申请",
    ],
    "temporary_relief": [
        "昨天晚上家里着火了房子烧没了一家人今晚没地方住", "老伴突发脑溢血在县医院抢救，押金交不起",
        "孩子上大学学费凑不齐，家里就靠我打零工，想申请临时救助", "车祸后腿断了干不了活，家里断了收入，想申请临时救助",
        "家里老人看病花光了积蓄，想申请临时救助", "屋里被大水淹了，粮食全泡了，今天没吃的",
        "外出打工回来路费都没了，能不能救急",
    ],
    "child_welfare": [
        "孙子父母双亡，我年纪大了养不动他，想给娃申请孤儿补贴", "孩子父母都去世了，跟着爷爷奶奶过，想申请孤儿基本生活费",
        "孩子爸爸在服刑，妈妈走了联系不上一年多，孩子没人管", "娃是事实无人抚养儿童，想申请补助",
    ],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "秀英桂兰玉兰凤英德明建国志强红梅春花文华海燕国庆秀兰淑珍金凤永福长林立新小红翠花宝山学文"
RELATIONS = ["奶奶", "爷爷", "外婆", "外公", "舅舅", "姑姑", "村委会"]
INCOMES = ["1500", "大概两千", "一千二", "没收入", "不知道", "三百五"]
CHILD_SITUATIONS = ["孩子八岁，爹妈前年车祸都没了，跟着我过", "孩子十岁，爸爸在服刑，妈妈联系不上，我在照顾",
                    "娃六岁，有先天性心脏病，爹妈外出打工不管", "孩子十二岁，父母都病故了，跟着奶奶住"]
HOUSEHOLD = ["1", "2", "3", "4", "5", "三口人", "一家五口", "两口人"]
# ID numbers of the simulated residents: birthplaces elsewhere in 淮北 so they can never equal a demo applicant's
ID_REGIONS = ["340602", "340603", "340604", "340702", "341221"]

ANSWERED = re.compile(rb"<Content><!\[CDATA\[(.*?)\]\]></Content>", re.S)


# -- requests ------------------------------------------------------------------------------------
def http_request(method: str, target: str, body: bytes = b"") -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
    if method == "POST":
        head += f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def signed_post(xml: str, *, bad_signature: bool = False, path: str = "/wechat") -> bytes:
    args, body = signed_request(TOKEN, xml)
    if bad_signature:
        args["signature"] = "0" * 40
    return http_request("POST", f"{path}?" + urlencode(args), body.encode("utf-8"))


FLOOR_OPENIDS = "o_floor_%05d"


def floor_requests(path: str, openids: int, count: int) -> list[bytes]:
    """Signed form-field messages (a name) for bench/wechat_floor.py's /parse or /floor, spread over openids
    whose conversations exist, so that the floor's row locks collide no more than residents' do."""
    return [signed_post(inbound_xml("张秀英", FLOOR_OPENIDS % (i % openids)), path=path) for i in range(count)]


def floor_conversations(engine, openids: int) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("INSERT INTO wechat_conversations (openid, step, data, updated_at)"
                          " VALUES (:openid, 'idle', '{}', CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING"),
                     [{"openid": FLOOR_OPENIDS % i} for i in range(openids)])


@dataclass
class Step:
    line: str
    expect: str | None  # a phrase the reply must contain
    kind: str  # first, confirm, field, village, submit, image_pending, image_after, progress, chat, event
    raw: bytes = b""


@dataclass
class Resident:
    openid: str
    intake: str | None
    steps: list[Step]
    pos: int = 0
    case_no: str | None = None
    submit_unknown: bool = False  # the submit request failed: an application may or may not exist
    diverged: str | None = None
    pending_images: int = 0
    attached: int = 0


@dataclass
class Sent:
    """One request on the wire, and what came back."""

    raw: bytes
    kind: str
    resident: Resident | None = None
    step: Step | None = None
    duplicate_of: Sent | None = None
    in_flight: bool = True
    raced: bool = False  # a duplicate sent while the first delivery was still being handled
    status: int | None = None
    reply: bytes | None = None
    dup: Sent | None = None


class People:
    """Unique names, ID numbers (valid check character) and phone numbers for the simulated residents."""

    def __init__(self, rng: random.Random):
        self.rng, self.ids, self.phone = rng, set(), 13000000000 + rng.randrange(10**8)

    def name(self) -> str:
        given = "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    def id_number(self) -> str:
        while True:
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 64))
            body = f"{self.rng.choice(ID_REGIONS)}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            if body not in self.ids:
                self.ids.add(body)
                return body + check_character(body)

    def phone_number(self) -> str:
        self.phone += 1 + self.rng.randrange(7)
        return str(self.phone)


def applicant_steps(rng: random.Random, people: People, intake: str, village: str) -> list[Step]:
    child = intake == "child_welfare"
    steps = []
    pre = rng.random()
    if pre < 0.2:
        steps.append(Step("你好", "您好", "chat"))
    elif pre < 0.3:
        steps.append(Step("/subscribe", "民政局", "event"))
    elif pre < 0.4:
        steps.append(Step("/menu APPLY", "困难", "event"))
    steps.append(Step(rng.choice(FIRST_WORDS[intake]), "回复 1 确认", "first"))
    steps.append(Step("1", "姓名", "confirm"))
    steps.append(Step(people.name(), "身份证", "field"))
    if rng.random() < 0.15:
        steps.append(Step("/image", "提交申请时会一起作为材料附上", "image_pending"))
    steps.append(Step(people.id_number(), "手机", "field"))
    if rng.random() < 0.1:
        steps.append(Step("进度", "没有找到与您微信绑定的申请", "progress"))
    steps.append(Step(people.phone_number(), "哪个镇", "field"))
    steps.append(Step(village, "关系" if child else "几口人", "village"))
    if child:
        steps.append(Step(rng.choice(RELATIONS), "孩子叫什么名字", "field"))
        steps.append(Step(people.name(), "几岁", "field"))
        steps.append(Step(str(rng.randint(1, 16)), "孩子现在的情况", "field"))
        steps.append(Step(rng.choice(CHILD_SITUATIONS), "请核对", "field"))
    else:
        if intake == "dibao":  # the pre-screen asks roughly the household's income (never a gate)
            steps.append(Step(rng.choice(HOUSEHOLD), "收入", "field"))
            steps.append(Step(rng.choice(INCOMES), "困难", "field"))
        else:
            steps.append(Step(rng.choice(HOUSEHOLD), "困难", "field"))
        steps.append(Step("0", "请核对", "field"))
    if rng.random() < 0.1:
        steps.append(Step("/image", "提交申请时会一起作为材料附上", "image_pending"))
    steps.append(Step("1", "案件号", "submit"))
    after = [("进度", "待受理", "progress", 0.4), ("/image", "已作为材料附在", "image_after", 0.25),
             ("/menu PROGRESS", "待受理", "event", 0.15)]
    steps.extend(Step(line, expect, kind) for line, expect, kind, share in after if rng.random() < share)
    return steps


CHATTER = [("你好", "您好", "chat"), ("办事大厅几点上班", "办公时间", "chat"), ("/menu CONTACT", "热线", "event"),
           ("/menu POLICY", "材料", "event"), ("进度", "没有找到", "progress"),
           ("/location 33.70 116.55", "临涣镇", "event"), ("我要举报村里有人骗低保", None, "chat")]


def chatter_steps(rng: random.Random) -> list[Step]:
    picked = sorted(rng.sample(range(len(CHATTER)), rng.randrange(2, 6)))
    steps = [Step(*CHATTER[i]) for i in picked]
    if rng.random() < 0.3:  # ends by saying what they need, then leaves the question unanswered
        steps.append(Step("/voice 嗯那个俺想问问吃低保咋申请俺老汉瘫了", "低保", "first"))
    return steps


def build_residents(prefix: str, count: int, rng: random.Random, people: People, villages: list[str]) -> list[Resident]:
    residents = []
    for i in range(count):
        openid = f"o_bench_{prefix}_{i:05d}"
        roll = rng.random()
        intake = "dibao" if roll < 0.4 else "temporary_relief" if roll < 0.7 else "child_welfare" if roll < 0.8 else None
        steps = applicant_steps(rng, people, intake, rng.choice(villages)) if intake else chatter_steps(rng)
        for step in steps:
            step.raw = signed_post(inbound_xml(step.line, openid))
        residents.append(Resident(openid, intake, steps))
    return residents


# -- the mix: which request goes next --------------------------------------------------------------
class Mix:
    def __init__(self, residents: list[Resident], rng: random.Random, *, dup_share: float, bad_share: float,
                 think: tuple[float, float]):
        self.residents = residents
        self.pending = collections.deque(residents)
        self.log: list[Sent] = []  # every first delivery of a resident's message
        self.ready: list[tuple[float, int, Resident]] = []  # heap by the time the resident has read the reply
        self.recent: collections.deque[Sent] = collections.deque(maxlen=64)  # candidates for a duplicate
        self.rng, self.dup_share, self.bad_share, self.think = rng, dup_share, bad_share, think
        self.seq = 0
        self.started = 0
        self.bad_raw = [signed_post(inbound_xml("你好", f"o_bench_forged_{i}"), bad_signature=True) for i in range(50)]
        self.duplicates: list[Sent] = []
        self.dup_mismatch: list[dict] = []

    def next(self, now: float) -> Sent | None:
        roll = self.rng.random()
        if roll < self.bad_share:
            return Sent(self.rng.choice(self.bad_raw), "bad_signature")
        if roll < self.bad_share + self.dup_share and self.recent:
            original = self._pick_duplicate()
            if original is not None:
                dup = original.dup = Sent(original.raw, "duplicate", duplicate_of=original, raced=original.in_flight)
                self.duplicates.append(dup)
                return dup
        if self.ready and self.ready[0][0] <= now:
            resident = heapq.heappop(self.ready)[2]
        elif self.pending:
            resident = self.pending.popleft()
            self.started += 1
        elif self.ready:
            resident = heapq.heappop(self.ready)[2]
        else:
            return None
        step = resident.steps[resident.pos]
        sent = Sent(step.raw, step.kind, resident, step)
        self.recent.append(sent)
        self.log.append(sent)
        return sent

    def _pick_duplicate(self) -> Sent | None:
        # WeChat resends when it has no answer within 5 s: half while the first is still being handled, half after;
        # submits are favoured, since a duplicate submit is the one that could open a second application
        candidates = [s for s in self.recent if s.dup is None]
        if not candidates:
            return None
        racing = [s for s in candidates if s.in_flight]
        pool = racing if racing and self.rng.random() < 0.5 else candidates
        submits = [s for s in pool if s.kind == "submit"]
        chosen = self.rng.choice(submits if submits and self.rng.random() < 0.5 else pool)
        self.recent.remove(chosen)
        return chosen

    def done(self, sent: Sent, now: float) -> None:
        sent.in_flight = False
        if sent.duplicate_of is not None:
            self._compare(sent.duplicate_of, sent)
            return
        if sent.dup is not None and not sent.dup.in_flight:
            self._compare(sent, sent.dup)
        resident, step = sent.resident, sent.step
        if resident is None:
            return
        text = content(sent.reply)
        if sent.status != 200:
            if step.kind == "submit":
                resident.submit_unknown = True
            resident.diverged = f"HTTP {sent.status} to {step.line!r}"
            return
        if step.expect is not None and step.expect not in text:
            resident.diverged = f"{step.line!r} answered {text[:80]!r}"
            if step.kind == "submit":
                resident.submit_unknown = "案件号" in text
            return
        if step.kind == "submit":
            resident.case_no = text.split("案件号：", 1)[1][:11]
            resident.attached += resident.pending_images
        elif step.kind == "image_pending":
            resident.pending_images += 1
        elif step.kind == "image_after":
            resident.attached += 1
        resident.pos += 1
        if resident.pos < len(resident.steps):
            self.seq += 1
            heapq.heappush(self.ready, (now + self.rng.uniform(*self.think), self.seq, resident))

    def _compare(self, original: Sent, dup: Sent) -> None:
        if original.status == 200 and dup.status == 200 and content(original.reply) != content(dup.reply):
            if len(self.dup_mismatch) < 20:
                self.dup_mismatch.append({"first": content(original.reply)[:120], "again": content(dup.reply)[:120],
                                          "kind": original.kind})
            else:
                self.dup_mismatch.append({})


def content(reply: bytes | None) -> str:
    if not reply:
        return ""
    found = ANSWERED.search(reply)
    return found.group(1).decode("utf-8") if found else reply.decode("utf-8", "replace")


# -- the client ----------------------------------------------------------------------------------
class _Exchange(asyncio.Protocol):
    """One request on a new connection; gunicorn's sync workers close it after the response."""

    def __init__(self, payload: bytes, done: asyncio.Future):
        self.payload, self.done, self.chunks = payload, done, []

    def connection_made(self, transport):
        transport.write(self.payload)

    def data_received(self, data):
        self.chunks.append(data)

    def connection_lost(self, exc):
        if not self.done.done():
            if exc is None:
                self.done.set_result(b"".join(self.chunks))
            else:
                self.done.set_exception(exc)


def _expire(future: asyncio.Future) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


async def exchange(port: int, payload: bytes, timeout: float) -> tuple[int, bytes]:
    """(status, body); status 0 for a connection error or a time-out."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    timer = loop.call_later(timeout, _expire, done)
    transport = None
    try:
        transport, _ = await loop.create_connection(lambda: _Exchange(payload, done), HOST, port)
        raw = await done
    except (OSError, TimeoutError):
        return 0, b""
    finally:
        timer.cancel()
        if transport is not None:
            transport.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        return int(head[9:12]), body
    except ValueError:
        return 0, b""


class Recorder:
    def __init__(self):
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.status: collections.Counter = collections.Counter()
        self.unexpected: collections.Counter = collections.Counter()  # (kind, status) that should not happen
        self.begin = time.monotonic()
        self.points: list[tuple[float, float, bool]] = []  # (sent at, latency, as expected) for the timeline

    def add(self, kind: str, status: int, seconds: float, at: float | None = None) -> None:
        self.latency[kind].append(seconds)
        if at is not None:
            self.points.append((at - self.begin, seconds, status == (403 if kind == "bad_signature" else 200)))
        self.status[status] += 1
        expected = 403 if kind == "bad_signature" else 200
        if status != expected:
            self.unexpected[f"{kind}:{status}"] += 1

    def summary(self, elapsed: float) -> dict:
        every = sorted(x for values in self.latency.values() for x in values)
        wechat = sorted(x for kind, values in self.latency.items() if kind != "bad_signature" for x in values)
        by_kind = {kind: percentiles(sorted(values)) for kind, values in sorted(self.latency.items())}
        return {"requests": len(every), "seconds": round(elapsed, 2), "per_second": round(len(every) / elapsed, 1),
                "latency_ms": percentiles(wechat or every), "by_kind_ms": by_kind,
                "status": {str(k): v for k, v in sorted(self.status.items())},
                "non_2xx": sum(v for k, v in self.status.items() if not 200 <= k < 300),
                "unexpected": dict(self.unexpected), "errors": sum(self.unexpected.values()),
                "timeline": self.timeline()}

    def timeline(self) -> list[dict]:
        """Per second of sending: requests, median and worst latency, failures (to tell a stall from a trend)."""
        buckets: dict[int, list] = collections.defaultdict(list)
        for at, seconds, ok in self.points:
            buckets[int(at)].append((seconds, ok))
        rows = []
        for second in sorted(buckets):
            values = sorted(x for x, _ in buckets[second])
            rows.append({"s": second, "n": len(values), "p50_ms": round(values[len(values) // 2] * 1000, 1),
                         "max_ms": round(values[-1] * 1000, 1), "failed": sum(1 for _, ok in buckets[second] if not ok)})
        return rows


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}

    def at(q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)

    return {"n": len(values), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(values[-1] * 1000, 1)}


async def closed_livez(port: int, concurrency: int, seconds: float) -> dict:
    payload = http_request("GET", "/livez")
    record = Recorder()
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds

    async def connection():
        while loop.time() < stop:
            started = loop.time()
            status, _ = await exchange(port, payload, 10)
            record.add("livez", status, loop.time() - started, started)

    began = loop.time()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return record.summary(loop.time() - began)


async def closed_payloads(port: int, payloads: list[bytes], kind: str, concurrency: int, seconds: float,
                          timeout: float) -> dict:
    """Closed loop over prebuilt requests that all expect 200 (the floor's /parse and /floor)."""
    record = Recorder()
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds
    queue = collections.deque(payloads)

    async def connection():
        while loop.time() < stop:
            payload = queue[0]
            queue.rotate(-1)
            started = loop.time()
            status, _ = await exchange(port, payload, timeout)
            record.add(kind, status, loop.time() - started, started)

    began = loop.time()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return record.summary(loop.time() - began)


async def _send(port: int, mix: Mix, sent: Sent, record: Recorder, scheduled: float, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    sent.status, sent.reply = await exchange(port, sent.raw, timeout)
    now = loop.time()
    record.add(sent.kind, sent.status, now - scheduled, scheduled)
    mix.done(sent, time.monotonic())


async def closed_wechat(port: int, mix: Mix, concurrency: int, seconds: float, timeout: float) -> dict:
    record = Recorder()
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds

    async def connection():
        while loop.time() < stop:
            sent = mix.next(time.monotonic())
            if sent is None:
                await asyncio.sleep(0.005)
                continue
            await _send(port, mix, sent, record, loop.time(), timeout)

    began = loop.time()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return record.summary(loop.time() - began)


async def open_wechat(port: int, mix: Mix, rate: float, seconds: float, timeout: float) -> dict:
    record = Recorder()
    loop = asyncio.get_running_loop()
    start, tasks, idle_slots = loop.time() + 0.05, set(), 0
    late = 0.0
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late = max(late, -delay)
        sent = mix.next(time.monotonic())
        if sent is None:
            idle_slots += 1
            continue
        task = asyncio.ensure_future(_send(port, mix, sent, record, scheduled, timeout))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 1)
    summary = record.summary(seconds)
    summary.update(offered_rate=rate, idle_slots=idle_slots, sender_max_late_ms=round(late * 1000, 1))
    return summary


# -- CPU accounting -------------------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def machine_cpu() -> tuple[float, float]:
    """(all CPU time, time not spent working) from /proc/stat. guest and guest_nice are already inside user
    and nice, so only the first eight fields count; steal (the hypervisor's) is time not spent working."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    return (user + nice + system + idle + iowait + irq + softirq + steal) / TICK, (idle + iowait + steal) / TICK


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds used during a phase: this client, gunicorn (master and workers), database backends, machine."""

    def __init__(self, server_pids: list[int], db_pids):
        self.server_pids, self.db_pids = server_pids, db_pids

    def __enter__(self):
        self.wall = time.monotonic()
        self.client = time.process_time()
        self.server = process_cpu(self.server_pids)
        self.dbp = self.db_pids()
        self.db = {pid: process_cpu([pid]) for pid in self.dbp}
        sessions = getattr(self.db_pids, "sessions", None)
        self.sessions = sessions() if sessions else None
        self.machine = machine_cpu()
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.wall
        total, idle = machine_cpu()
        busy = (total - self.machine[0]) - (idle - self.machine[1])
        # backends alive at the end: their CPU since the start (all of it for those opened meanwhile); the CPU of
        # backends that closed during the phase is lost, so database_cores is a floor when some ended
        now = self.db_pids()
        db_cpu = sum(process_cpu([pid]) - self.db.get(pid, 0.0) for pid in now)
        self.result = {
            "client_cores": round((time.process_time() - self.client) / wall, 2),
            "server_cores": round((process_cpu(self.server_pids) - self.server) / wall, 2),
            "database_cores": round(db_cpu / wall, 2) if now else None,
            "machine_busy_cores": round(busy / wall, 2),
        }
        if self.sessions is not None:
            self.result["database_backends_ended"] = len(set(self.db) - set(now))
            self.result["database_sessions_opened"] = self.db_pids.sessions() - self.sessions
        # whatever else ran on the machine meanwhile (other people's jobs): figures are only clean when ~0
        used = sum(v for k, v in self.result.items() if k.endswith("_cores") and k != "machine_busy_cores" and v)
        self.result["other_cores"] = round(max(self.result["machine_busy_cores"] - used, 0), 2)


SAMPLES: dict[str, list] = {}


async def sample_cpu(server_pids: list[int], db_pids: list[int]) -> None:
    """Every second: cores used by the server, the database backends and everything else but this client."""
    rows = SAMPLES["last"] = []
    loop = asyncio.get_running_loop()
    previous = (loop.time(), process_cpu(server_pids), process_cpu(db_pids), time.process_time(), *machine_cpu())
    while True:
        await asyncio.sleep(1 - (loop.time() - previous[0]) % 1)
        now = (loop.time(), process_cpu(server_pids), process_cpu(db_pids), time.process_time(), *machine_cpu())
        wall = now[0] - previous[0]
        server, database, client = ((now[i] - previous[i]) / wall for i in (1, 2, 3))
        busy = ((now[4] - previous[4]) - (now[5] - previous[5])) / wall
        rows.append({"server_cores": round(server, 2), "other_cores": round(max(busy - server - database - client, 0), 2)})
        previous = now


def background_load(seconds: float = 2.0) -> float:
    total, idle = machine_cpu()
    time.sleep(seconds)
    total2, idle2 = machine_cpu()
    return round(((total2 - total) - (idle2 - idle)) / seconds, 2)


def wait_quiet(limit: float, patience: float) -> float:
    """Wait (at most `patience` seconds) until other jobs leave the machine nearly idle; the load last seen."""
    deadline, told = time.monotonic() + patience, 0.0
    while True:
        load = background_load()
        if load <= limit or time.monotonic() > deadline:
            return load
        if time.monotonic() - told > 30:
            print(f"machine busy with other jobs ({load} cores); waiting for it to calm down…", flush=True)
            told = time.monotonic()


# -- database and server ---------------------------------------------------------------------------
def prepare_database(args, workdir: Path) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    import psycopg

    name = args.pg_db
    if name in REFUSED_DB_NAMES or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to use database {name!r}: the benchmark needs a dedicated one")
    with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    base = args.pg_admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def server_env(database_url: str, redis_url: str = "") -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, WECHAT_TOKEN=TOKEN, SERVICE_ENV="development", LOG_LEVEL="WARNING",
               FLASK_APP="service", WECHAT_AES_KEY="", REDIS_URL=redis_url,
               # nothing here may reach WeChat: a closed local port
               WECHAT_API_BASE_URL="http://127.0.0.1:9/", SMS_GATEWAY_URL="")
    return env


def migrate_and_seed(env: dict, log) -> None:
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "service", *command], cwd=ROOT, env=env, check=True,
                       stdout=log, stderr=subprocess.STDOUT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict, port: int, args, log) -> subprocess.Popen:
    """gunicorn serving the real app plus bench/wechat_floor.py's /parse and /floor routes.

    --server deploy (the default): deploy/gunicorn.conf.py, as scripts/run.sh and production start it (threaded
    DeadlineThreadWorker, --preload), with --workers and --threads (run.sh: 2 and 8). Worker recycling
    (max_requests 5,000) is turned off: at the /livez ceiling it would restart workers in the middle of a phase.
    --server sync: the old command, `--preload -w N` with sync workers, for comparison with earlier runs."""
    env = {**env, "GUNICORN_WORKERS": str(args.workers), "GUNICORN_THREADS": str(args.threads),
           "GUNICORN_LOG_LEVEL": "warning", "WECHAT_BENCH_SERVER": args.server}
    if args.pool_size:
        env["BENCH_DB_POOL_SIZE"] = str(args.pool_size)
    app = ["--pythonpath", str(ROOT / "bench"), "-b", f"{HOST}:{port}", "wechat_floor:create_app()"]
    if args.profile:  # the profiling hooks; that file reads deploy/gunicorn.conf.py itself for --server deploy
        config = ["-c", str(ROOT / "bench" / "wechat_profile_conf.py")]
    else:
        config = ["-c", str(ROOT / "deploy" / "gunicorn.conf.py")] if args.server == "deploy" else []
    if args.server == "deploy":
        command = [str(BIN / "gunicorn"), *config, "--max-requests", "0", *app]
    else:
        command = [str(BIN / "gunicorn"), *config, "--preload", "-w", str(args.workers), *app]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_live(port: int, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see its log")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://{HOST}:{port}/livez", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /livez in time")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its workers
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def village_names(engine) -> list[str]:
    from sqlalchemy import text

    from service.chat.places import Place, match_villages

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT v.id, v.name, t.name FROM villages v JOIN townships t ON t.id = v.township_id"
                                 " ORDER BY v.id")).all()
    places = [Place(*row) for row in rows]
    # the names residents type must each match exactly one village (they do for the demo county)
    return [p.township + p.village for p in places if len(match_villages(p.township + p.village, places)) == 1]


def database_pids(engine, db_name: str | None):
    from sqlalchemy import text

    if db_name is None:
        return lambda: []

    def pids():
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"),
                                               {"n": db_name})]
    pids.sessions = lambda: database_sessions(engine, db_name)
    return pids


def database_sessions(engine, db_name: str) -> int:
    """Connections ever opened to the database (PostgreSQL 14+): each new one is a backend forked and warmed up."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.scalar(text("SELECT sessions FROM pg_stat_database WHERE datname = :n"), {"n": db_name}) or 0


# -- verification ----------------------------------------------------------------------------------
def verify(engine, mixes: dict[str, Mix], records: list[dict]) -> dict:
    from sqlalchemy import text

    residents = [r for mix in mixes.values() for r in mix.residents]
    expected = {r.openid: r.case_no for r in residents if r.case_no}
    unknown = {r.openid for r in residents if r.submit_unknown and not r.case_no}
    expected_attachments = sum(r.attached for r in residents if r.case_no)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT f.openid, a.case_no, a.intake FROM applications a"
            " JOIN application_followers f ON f.application_id = a.id WHERE f.openid LIKE :who"),
            {"who": "o_bench_%"}).all()
        attachments = conn.scalar(text(
            "SELECT count(*) FROM application_attachments x"
            " JOIN application_followers f ON f.application_id = x.application_id WHERE f.openid LIKE :who"),
            {"who": "o_bench_%"})
        delivered = conn.scalar(text("SELECT count(*) FROM wechat_delivered WHERE key LIKE :key"),
                                {"key": "%:o_bench_%"})
    created: dict[str, list[str]] = collections.defaultdict(list)
    for openid, case_no, _intake in rows:
        created[openid].append(case_no)
    extra = {o: c for o, c in created.items() if o not in expected and o not in unknown}
    multiple = {o: c for o, c in created.items() if len(c) > 1}
    mismatched = {o: (expected[o], created.get(o)) for o in expected if created.get(o) != [expected[o]]}
    answered_originals = sum(1 for mix in mixes.values() for s in mix.log if s.status == 200)
    duplicates = [d for mix in mixes.values() for d in mix.duplicates]
    diverged = [r.diverged for r in residents if r.diverged]
    return {
        "residents_started": sum(mix.started for mix in mixes.values()),
        "submits_answered_with_case_no": len(expected),
        "submits_failed_or_unclear": len(unknown),
        "applications_created": len(rows),
        "applications_unexpected": len(extra) + sum(len(c) - 1 for c in multiple.values()),
        "case_no_mismatches": len(mismatched),
        "attachments_expected": expected_attachments,
        "attachments_created": attachments,
        "dedupe_rows": delivered,
        "distinct_messages_answered": answered_originals,
        "duplicates_sent": len(duplicates),
        "duplicates_racing_the_first": sum(1 for d in duplicates if d.raced),
        "duplicate_replies_differing": sum(len(mix.dup_mismatch) for mix in mixes.values()),
        "duplicate_reply_examples": [m for mix in mixes.values() for m in mix.dup_mismatch if m][:5],
        "conversations_diverged": len(diverged),
        "divergence_examples": diverged[:8],
        "non_2xx": sum(r["non_2xx"] for r in records),
        "unexpected_statuses": sum(r["errors"] for r in records),
    }


# -- main ------------------------------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop messages per second")
    parser.add_argument("--duration", type=float, default=30.0, help="open-loop seconds")
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument("--max-seconds", type=float, default=20.0, help="closed-loop /wechat seconds")
    parser.add_argument("--concurrency", type=int, default=8, help="connections of the closed-loop phases")
    parser.add_argument("--residents", type=int, default=2000, help="openids per /wechat phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("deploy", "sync"), default="deploy",
                        help="deploy: deploy/gunicorn.conf.py's threaded workers (as scripts/run.sh); sync: the old "
                             "`--preload -w N`")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker with --server deploy (run.sh: 8)")
    parser.add_argument("--pool-size", type=int, default=0, help="SQLAlchemy pool size per worker instead of the "
                        "app's (DATABASE_POOL_SIZE, 15): a what-if for service/config.py "
                        "(bench/wechat_floor.py, BENCH_DB_POOL_SIZE)")
    parser.add_argument("--floor-seconds", type=float, default=10.0,
                        help="each closed-loop /floor phase (one before, one after the /wechat mix; /parse half)")
    parser.add_argument("--floor-openids", type=int, default=2000)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.5), metavar=("MIN", "MAX"),
                        help="seconds a resident takes to answer after a reply")
    parser.add_argument("--dup-share", type=float, default=0.05)
    parser.add_argument("--bad-share", type=float, default=0.005)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="relief_bench_wechat")
    parser.add_argument("--redis", default="", metavar="URL", help="REDIS_URL for the app, as production sets it "
                        "(deploy/relief.env.example): the WeChat dedupe and replay cache then live in Redis, not in "
                        "the database; e.g. redis://127.0.0.1:6379/15")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="before measuring, wait up to this long for other jobs to leave the cores idle")
    parser.add_argument("--quiet-cores", type=float, default=0.3, help="what counts as idle for --wait-quiet")
    parser.add_argument("--profile", action="store_true", help="cProfile both workers during the closed-loop "
                        "/wechat phase only (bench/wechat_profile_conf.py) and print where the time goes")
    parser.add_argument("--profile-clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--keep-server", action="store_true", help="wait for Enter before stopping gunicorn "
                        "(to attach py-spy to a worker)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from sqlalchemy import create_engine

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="wechat_bench_"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = RESULTS / f"wechat_{args.db}_{stamp}.server.log"
    server = None
    engine = None
    try:
        idle_before = background_load()
        with log_path.open("w") as log:
            database_url = prepare_database(args, workdir)
            env = server_env(database_url, args.redis)
            if args.profile:
                env["WECHAT_BENCH_PROFILE_DIR"] = str(workdir / "profile")
                env["WECHAT_BENCH_PROFILE_CLOCK"] = args.profile_clock
            print(f"database: {database_url}  (machine busy before the run: {idle_before} cores)")
            migrate_and_seed(env, log)
            engine = create_engine(database_url)
            villages = village_names(engine)
            if args.wait_quiet:  # before signing: a request signed more than 300 s before it is sent gets a 403
                idle_before = wait_quiet(args.quiet_cores, args.wait_quiet)
            people = People(rng)
            started = time.monotonic()
            mixes = {"warm": Mix(build_residents("warm", 20, rng, people, villages), random.Random(1),
                                 dup_share=0, bad_share=0, think=(0, 0))}
            for phase in ("max", "rate"):
                residents = build_residents(phase, args.residents, rng, people, villages)
                mixes[phase] = Mix(residents, rng, dup_share=args.dup_share, bad_share=args.bad_share,
                                   think=tuple(args.think))
            floors = {"parse": floor_requests("/parse", args.floor_openids, 4000)}
            if args.db == "postgres":  # the floor's statements are PostgreSQL's
                floor_conversations(engine, args.floor_openids)
                floors["floor"] = floor_requests("/floor", args.floor_openids, 8000)
            print(f"built and signed {sum(len(r.steps) for m in mixes.values() for r in m.residents)} requests "
                  f"and {sum(map(len, floors.values()))} floor requests in {time.monotonic() - started:.1f} s; "
                  f"{len(villages)} villages")
            port = free_port()
            server = start_gunicorn(env, port, args, log)
            wait_live(port, server)
            server_pids = [server.pid, *children_of(server.pid)]
            db_pids = database_pids(engine, args.pg_db if args.db == "postgres" else None)
            results = asyncio.run(run_phases(args, port, mixes, floors, server_pids, db_pids))
            if args.keep_server:
                input(f"gunicorn {server_pids} on port {port}; Enter to stop it… ")
        results["verification"] = verify(engine, mixes, [results[p] for p in ("max", "rate") if p in results])
        if args.profile:
            stop_gunicorn(server)
            report = profile_report(workdir / "profile", results["max"]["requests"],
                                    RESULTS / f"wechat_{args.db}_{stamp}.prof")
            out = RESULTS / f"wechat_{args.db}_{stamp}.profile.txt"
            out.write_text(report)
            print(report[:6000])
            print(f"\nfull profile: {out.relative_to(ROOT)}; verification: {results['verification']}")
            return 0
    finally:
        if server is not None:
            stop_gunicorn(server)
        if engine is not None:
            engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    results["config"] = {**{k: v for k, v in vars(args).items() if k != "pg_admin_url"},
                         "cores": os.cpu_count(), "machine_busy_before_cores": idle_before,
                         "server": server_label(args), "python": sys.version.split()[0]}
    results["versus_floor"] = versus_floor(results)
    out = RESULTS / f"wechat_{args.db}_{stamp}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_table(args, results)
    print(f"\nraw results: {out.relative_to(ROOT)}   server log: {log_path.relative_to(ROOT)}")
    v = results["verification"]
    ok = v["applications_unexpected"] == 0 and v["case_no_mismatches"] == 0 and v["unexpected_statuses"] == 0 \
        and v["duplicate_replies_differing"] == 0 and v["attachments_expected"] == v["attachments_created"]
    return 0 if ok else 1


async def run_phases(args, port: int, mixes: dict[str, Mix], floors: dict[str, list[bytes]], server_pids,
                     db_pids) -> dict:
    results = {}
    # warm-up, not measured: each worker's first requests build what they cache (handler, imports, the pool)
    await closed_wechat(port, mixes["warm"], 4, 3, args.timeout)
    await closed_livez(port, args.concurrency, 1)
    for path, payloads in floors.items():
        await closed_payloads(port, payloads, path, args.concurrency, 1, args.timeout)

    def floor_phase(path: str, seconds: float):
        return lambda: closed_payloads(port, floors[path], path, args.concurrency, seconds, args.timeout)

    # the floor runs before and after the dialogue mix, so that other jobs coming or going shift both alike
    phases = [
        ("ceiling", lambda: closed_livez(port, args.concurrency, args.ceiling_seconds)),
        ("parse", floor_phase("parse", args.floor_seconds / 2)),
        ("floor", floor_phase("floor", args.floor_seconds)),
        ("max", lambda: closed_wechat(port, mixes["max"], args.concurrency, args.max_seconds, args.timeout)),
        ("floor_after", floor_phase("floor", args.floor_seconds)),
        ("rate", lambda: open_wechat(port, mixes["rate"], args.rate, args.duration, args.timeout)),
    ]
    if "floor" not in floors:
        phases = [p for p in phases if not p[0].startswith("floor")]
    if args.profile:
        phases = [p for p in phases if p[0] == "max"]
    for name, run in phases:
        with CpuMeter(server_pids, db_pids) as meter:
            sampler = asyncio.ensure_future(sample_cpu(server_pids, meter.dbp))
            results[name] = await run()
            sampler.cancel()
        results[name]["cpu"] = meter.result
        results[name]["load_average_after"] = round(os.getloadavg()[0], 2)
        per_second = SAMPLES.pop("last", [])  # the sampler's rows, one a second
        for row, cpu in zip(results[name]["timeline"], per_second, strict=False):
            row.update(cpu)
        print(f"{name}: {results[name]['per_second']} req/s, p50 {results[name]['latency_ms'].get('p50')} ms, "
              f"p99 {results[name]['latency_ms'].get('p99')} ms, cpu {meter.result}")
        await asyncio.sleep(1)
    return results


def profile_report(folder: Path, requests: int, keep: Path | None = None) -> str:
    """Merged cProfile stats of the workers: the view's callees by cumulative time, then by own time."""
    import io
    import pstats

    files = sorted(str(p) for p in folder.glob("*.prof"))
    if not files:
        return "no profile written (did the workers exit cleanly?)"
    stream = io.StringIO()
    stats = pstats.Stats(*files, stream=stream)
    if keep is not None:
        stats.dump_stats(str(keep))
    stream.write(f"{len(files)} workers, {requests} requests in the profiled phase\n\n")
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    for name in ("views.py:.*receive", "chat.py:.*handle", "chat.py:.*_dispatch", "chat.py:.*_conversation",
                 "dedupe.py:.*claim", "dedupe.py:.*remember", "ports.py:.*submit", "unit_of_work.py:.*use_case"):
        stats.sort_stats("cumulative").print_callees(name)
    return stream.getvalue()


def server_label(args) -> str:
    pool = f", DB pool {args.pool_size} (what-if)" if args.pool_size else ""
    if args.server == "deploy":
        return f"gunicorn -c deploy/gunicorn.conf.py, {args.workers} workers x {args.threads} threads, --max-requests 0{pool}"
    return f"gunicorn --preload -w {args.workers} (sync){pool}"


def cost_ms(phase: dict, key: str) -> float | None:
    """CPU ms per request of one side (server or database) during a phase."""
    cores = phase["cpu"].get(key)
    return round(cores * 1000 / phase["per_second"], 2) if cores and phase["per_second"] else None


def versus_floor(results: dict) -> dict:
    """The dialogue mix against the floor of the same run: throughput and CPU per message, as ratios."""
    floors = [results[p] for p in ("floor", "floor_after") if p in results]
    if not floors:
        return {}
    top = results["max"]
    seconds = sum(f["seconds"] for f in floors)
    floor_rate = sum(f["requests"] for f in floors) / seconds

    def mean_cost(key: str) -> float | None:  # cores weighted by time, over requests
        cores = [f["cpu"].get(key) for f in floors]
        if None in cores:
            return None
        return round(sum(c * f["seconds"] for c, f in zip(cores, floors, strict=True)) * 1000 / sum(f["requests"] for f in floors), 2)

    out = {"floor_per_second": round(floor_rate, 1), "max_per_second": top["per_second"],
           "throughput_ratio": round(top["per_second"] / floor_rate, 3),
           "floor_server_cpu_ms": mean_cost("server_cores"), "max_server_cpu_ms": cost_ms(top, "server_cores"),
           "floor_database_cpu_ms": mean_cost("database_cores"), "max_database_cpu_ms": cost_ms(top, "database_cores")}
    for side in ("server", "database"):
        a, b = out[f"max_{side}_cpu_ms"], out[f"floor_{side}_cpu_ms"]
        out[f"{side}_cpu_ratio"] = round(a / b, 2) if a and b else None
    return out


def print_table(args, results: dict) -> None:
    ceiling, top, rate, v = results["ceiling"], results["max"], results["rate"], results["verification"]
    floor = results["versus_floor"]
    rows = [
        ("database / server", args.db, server_label(args)),
        ("GET /livez ceiling (closed loop, req/s)", f"{ceiling['per_second']}",
         f"p50 {ceiling['latency_ms']['p50']} ms; server CPU {cost_ms(ceiling, 'server_cores')} ms/req"),
        ("POST /parse (closed loop, req/s)", f"{results['parse']['per_second']}",
         f"server CPU {cost_ms(results['parse'], 'server_cores')} ms/req") if "parse" in results else None,
    ]
    for name in ("floor", "floor_after"):
        if name in results:
            f = results[name]
            rows.append((f"POST /floor, {'after' if name == 'floor_after' else 'before'} the mix (req/s)",
                         f"{f['per_second']}", f"p50 {f['latency_ms']['p50']} ms; server / database CPU "
                         f"{cost_ms(f, 'server_cores')} / {cost_ms(f, 'database_cores')} ms/req; "
                         f"{f['cpu'].get('database_sessions_opened')} new DB connections"))
    rows += [
        ("POST /wechat max (closed loop, msg/s)", f"{top['per_second']}",
         f"p50 {top['latency_ms']['p50']} / p99 {top['latency_ms']['p99']} ms; server / database CPU "
         f"{cost_ms(top, 'server_cores')} / {cost_ms(top, 'database_cores')} ms/msg; "
         f"{top['cpu'].get('database_sessions_opened')} new DB connections"),
    ]
    if floor:
        ratio = floor["throughput_ratio"]
        rows += [
            ("/wechat max ÷ /floor (target ≥ 0.75)", f"{ratio:.2f}",
             ("met" if ratio >= 0.75 else f"MISSED by {(0.75 - ratio) / 0.75:.0%}") + f" (floor {floor['floor_per_second']} req/s)"),
            ("CPU per message ÷ floor's: server / database", f"{floor['server_cpu_ratio']} / {floor['database_cpu_ratio']}",
             f"{floor['max_server_cpu_ms']} vs {floor['floor_server_cpu_ms']} ms; "
             f"{floor['max_database_cpu_ms']} vs {floor['floor_database_cpu_ms']} ms"),
        ]
    rows += [
        ("/wechat max ÷ /livez ceiling (withdrawn target)", f"{top['per_second'] / ceiling['per_second']:.0%}", ""),
        (f"open loop {rate['offered_rate']:g} msg/s: achieved", f"{rate['per_second']}", ""),
        ("  p50 / p95 / p99 / max (ms)", "{p50} / {p95} / {p99} / {max}".format(**rate["latency_ms"]),
         "p99 target < 100 ms: " + ("met" if rate["latency_ms"]["p99"] < 100 else "MISSED")),
        ("non-2xx (all phases) / unexpected statuses", f"{v['non_2xx']} / {v['unexpected_statuses']}",
         "403s are the forged signatures"),
        ("applications created / expected", f"{v['applications_created']} / {v['submits_answered_with_case_no']}",
         f"unexpected {v['applications_unexpected']}, unclear submits {v['submits_failed_or_unclear']}"),
        ("attachments created / expected", f"{v['attachments_created']} / {v['attachments_expected']}", ""),
        ("duplicates sent (racing) / replies differing",
         f"{v['duplicates_sent']} ({v['duplicates_racing_the_first']}) / {v['duplicate_replies_differing']}", ""),
        ("conversations diverged from the script", f"{v['conversations_diverged']}", ""),
    ]
    rows = [r for r in rows if r]
    width = max(len(r[0]) for r in rows)
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>18}  {note}")
    for name in ("ceiling", "parse", "floor", "max", "floor_after", "rate"):
        if name in results:
            print(f"cpu during {name}: {results[name]['cpu']}; load average after {results[name]['load_average_after']}")


if __name__ == "__main__":
    sys.exit(main())
