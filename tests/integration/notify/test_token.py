"""One access token for every process, in the database: the refresh-once rule under a 40001 storm."""

import threading
import time

import pytest

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET
from service.extensions import db
from service.notify.adapters import Adapters
from service.notify.models import SENT
from service.notify.token_store import CachedTokenStore, DatabaseTokenStore
from service.wechat.api_client import TokenInvalid, WeChatClient
from tests.integration.notify.conftest import accepted_templates, drain, rows


def client_for(fake, store) -> WeChatClient:
    return WeChatClient(DEFAULT_APPID, DEFAULT_SECRET, base_url=fake.base_url, store=store, timeout=(2, 5))


def test_the_database_store_keeps_one_token_for_every_process(app):
    first, second = DatabaseTokenStore(db.engine), DatabaseTokenStore(db.engine)  # two "processes"
    assert first.get() is None
    with first.lock():
        first.set("T-1", time.time() + 7000)
        assert first.get()[0] == "T-1"
    assert second.get()[0] == "T-1"
    second.set("T-2", 123.0)
    assert first.get() == ("T-2", 123.0)


def test_the_lock_serialises_refreshes_across_store_instances(app):
    stores = [DatabaseTokenStore(db.engine) for _ in range(3)]
    inside, overlaps, order = [0], [], []
    guard = threading.Lock()

    def hold(i):
        with stores[i].lock():
            with guard:
                inside[0] += 1
                overlaps.append(inside[0])
            order.append(i)
            time.sleep(0.15)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=hold, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(order) == [0, 1, 2] and max(overlaps) == 1


def test_a_40001_storm_refreshes_the_token_once_across_processes(app, fake_wechat):
    # six "processes", each wired as in production: its own cache over the shared database row
    clients = [client_for(fake_wechat, CachedTokenStore(DatabaseTokenStore(db.engine))) for _ in range(6)]
    for client in clients:
        client.access_token()  # every process has the token in its cache
    clients[0].access_token()
    assert fake_wechat.tokens_issued == 1
    fake_wechat.revoke_tokens()  # every process's cached token now answers 40001
    start, results, errors = threading.Barrier(len(clients)), [], []

    def send(i):
        start.wait()
        try:
            results.append(clients[i].send_template(f"o-storm-{i:04d}", "TPL", {"thing1": "x"}))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == [] and len(results) == 6
    assert fake_wechat.tokens_issued == 2  # the storm cost exactly one refresh
    assert len(fake_wechat.calls("token")) == 2


def test_a_token_that_stays_invalid_is_retried_once_not_recursively(notify_app, cases, fake_wechat):
    cases.open(openid="o-follower-1001")
    fake_wechat.fail("template_send", 40001, times=2)
    notify_app.config["NOTIFY_BACKOFF_BASE_SECONDS"] = 0.01
    drain(notify_app)
    calls = fake_wechat.calls("template_send")
    # attempt 1: 40001, refresh, 40001 again -> TokenInvalid, back-off; attempt 2: sent
    assert [(r["response"] or {}).get("errcode") for r in calls] == [40001, 40001, 0]
    assert len(fake_wechat.calls("token")) == 2
    assert rows()[0].status == SENT and rows()[0].attempts == 2


def test_the_single_retry_raises_instead_of_looping(app, fake_wechat):
    client = client_for(fake_wechat, DatabaseTokenStore(db.engine))
    fake_wechat.fail("template_send", 40001, times=50)
    with pytest.raises(TokenInvalid):
        client.send_template("o-x", "TPL", {"thing1": "x"})
    assert len(fake_wechat.calls("template_send")) == 2 and len(fake_wechat.calls("token")) == 2


def test_workers_share_the_stored_token_and_survive_a_storm(notify_app, cases, fake_wechat):
    for i in range(6):
        cases.open(openid=f"o-storm-worker-{i:03d}")
    drain(notify_app, workers=2)
    assert fake_wechat.tokens_issued == 1  # two workers, one token
    fake_wechat.revoke_tokens()
    for row in rows():
        cases.act(_case_no(row), "accept")
    drain(notify_app, workers=3)
    assert fake_wechat.tokens_issued == 2
    assert len(accepted_templates(fake_wechat)) == 12


def _case_no(row) -> str:
    from service.intake.models import Application

    return db.session.get(Application, row.application_id).case_no


def test_redis_is_used_when_configured(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    from service.wechat.token_store import RedisTokenStore

    assert isinstance(Adapters(app).token_store().inner, RedisTokenStore)
    app.config["REDIS_URL"] = ""
    assert isinstance(Adapters(app).token_store().inner, DatabaseTokenStore)
