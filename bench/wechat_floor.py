"""The floor of a /wechat form-field turn in this stack, against /livez (CPU time in one process, or served).

    .venv/bin/python bench/wechat_floor.py    # in one process, after bench/wechat_load.py --db postgres (its database)
    bench/wechat_load.py serves `wechat_floor:create_app()` under gunicorn and loads /floor in the same run

Two stripped-down routes added to the real app: /parse verifies and parses the signed callback and builds
the reply (no database); /floor does that plus the four statements a field turn needs (dedupe claim,
conversation lock, conversation update, stored reply) straight on the psycopg connection, no ORM, and
commits. Nothing in the service uses these routes; they measure what no implementation can go below.
"""
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from flask import Flask, Response, abort, request  # noqa: E402

from service import create_app as create_service_app  # noqa: E402
from service.config import from_environment  # noqa: E402
from service.devtools.simulator import inbound_xml  # noqa: E402
from service.extensions import db  # noqa: E402
from service.wechat.callback import signed_request  # noqa: E402
from service.wechat.errors import CallbackError  # noqa: E402
from service.wechat.replies import text_reply  # noqa: E402
from service.wechat.views import handler  # noqa: E402

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/relief_bench_wechat"
FIELD_REPLY = "请留一个能联系到您的手机号码。"


def opened():
    """The signed message, or the real view's refusal (403 for a bad signature or a stale timestamp)."""
    callback = handler()
    try:
        return callback.open(request.args, request.stream.read(callback.max_body_bytes + 1))
    except CallbackError as exc:
        abort(exc.http_status)


def parse_only():
    msg, encode = opened()
    return Response(encode(text_reply(msg, FIELD_REPLY)), mimetype="application/xml")


def floor():
    msg, encode = opened()
    conn = db.session.connection().connection.driver_connection
    cur = conn.cursor()
    key = f"{msg.from_user}|{msg.create_time}|{time.perf_counter_ns()}"
    cur.execute("INSERT INTO wechat_delivered (key, created_at) VALUES (%s, now()) ON CONFLICT DO NOTHING RETURNING key", (key,))
    cur.fetchone()
    cur.execute("SELECT step, data, updated_at FROM wechat_conversations WHERE openid = %s FOR UPDATE", (msg.from_user,))
    cur.fetchone()
    data = {"step": "phone", "form": {"name": "张秀英"}}
    cur.execute("UPDATE wechat_conversations SET step=%s, data=%s::json, updated_at=now(), last_inbound_at=now() WHERE openid=%s",
                ("phone", json.dumps(data, ensure_ascii=False), msg.from_user))
    cur.execute("UPDATE wechat_delivered SET reply=%s WHERE key=%s", (FIELD_REPLY, key))
    db.session.commit()
    return Response(encode(text_reply(msg, FIELD_REPLY)), mimetype="application/xml")


def add_floor_routes(app: Flask) -> Flask:
    app.add_url_rule("/parse", "bench_parse", parse_only, methods=["POST"])
    app.add_url_rule("/floor", "bench_floor", floor, methods=["POST"])
    return app


def create_app(config=None) -> Flask:
    """The real app (configured from the environment, as gunicorn loads it) plus /parse and /floor.
    BENCH_DB_POOL_SIZE (bench/wechat_load.py --pool-size) tries another pool size than the app's
    (DATABASE_POOL_SIZE, 15 by default, no overflow: service/config.py)."""
    config = dict(config or {})
    if os.environ.get("BENCH_DB_POOL_SIZE"):
        options = dict(from_environment("/tmp")["SQLALCHEMY_ENGINE_OPTIONS"])
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_size": int(os.environ["BENCH_DB_POOL_SIZE"])}
    return add_floor_routes(create_service_app(config))


def run(fn, n: int) -> float:
    """CPU ms per call of fn(i), i in range(n)."""
    t = time.process_time()
    for i in range(n):
        fn(i)
    return (time.process_time() - t) / n * 1000


def main() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        db.session.execute(db.text("INSERT INTO wechat_conversations (openid, step, data, updated_at) "
                                   "VALUES ('o_floor', 'idle', '{}', now()) ON CONFLICT DO NOTHING"))
        db.session.commit()
    reqs = []
    for _ in range(2000):
        query, body = signed_request(app.config["WECHAT_TOKEN"], inbound_xml("张秀英", "o_floor"))
        reqs.append((query, body.encode()))

    def post(path):
        return lambda i: client.post(path, query_string=reqs[i][0], data=reqs[i][1], content_type="text/xml")

    for _ in range(3):
        livez = run(lambda i: client.get("/livez"), 2000)
        parse = run(post("/parse"), 2000)
        floor_ms = run(post("/floor"), 2000)
        print(f"livez {livez:.2f} ms  parse+reply {parse:.2f} ms  floor {floor_ms:.2f} ms  "
              f"floor / livez {floor_ms / livez:.1f}x")


if __name__ == "__main__":
    main()
