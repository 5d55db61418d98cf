"""Duplicates under real concurrency on PostgreSQL: two operators logging one person for one intake at the
same moment, the same new ID number twice at once (by phone and by chat). Every round ends with exactly
one open application and one 409 with the Chinese reason; never two, never a 500.

Both requests are held at a barrier after their duplicate check has passed, so every round is the hard
case: neither can see the other's application, and only the database's unique keys decide."""

import threading

import pytest
from sqlalchemy import func, select

from service.auth.services import create_staff
from service.extensions import db
from service.intake import opening
from service.intake.identity import check_character
from service.intake.models import Applicant, Application
from tests.conftest import login, require_postgres
from tests.wechat_client import WeChat

QUICK, FULL = 10, 100
STEMS = "甲乙丙丁戊己庚辛壬癸"


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is about PostgreSQL's concurrent transactions; SQLite serialises writers anyway")
    require_postgres()


def id_number(n: int) -> str:
    body = f"3406211960{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return body + check_character(body)


@pytest.fixture
def race(monkeypatch):
    """Runs calls in threads at once; each thread's first duplicate check, once passed, waits for the
    others' (calls outside a race are not held)."""
    state = {"barrier": None}
    seen = threading.local()
    real = opening.refuse_duplicate

    def check_then_wait(*args, **kwargs):
        real(*args, **kwargs)
        if state["barrier"] is not None and not getattr(seen, "waited", False):
            seen.waited = True
            state["barrier"].wait()

    monkeypatch.setattr(opening, "refuse_duplicate", check_then_wait)

    def run_together(*calls) -> list:
        state["barrier"] = threading.Barrier(len(calls), timeout=20)
        results: list = [None] * len(calls)

        def run(i, call):
            results[i] = call()

        threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        state["barrier"] = None
        return results

    return run_together


def open_count(applicant_filter) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Application.id)).join(Applicant).where(
        applicant_filter, Application.status == "submitted"))


def operators(app, county):
    create_staff("hotline2", "demo2026", "operator", "周丽", county["actors"]["hotline"].county_id, None)
    clients = [app.test_client(), app.test_client()]
    login(clients[0], "hotline")
    login(clients[1], "hotline2")
    return clients


def call_by(client, body):
    def post():
        response = client.post("/api/v1/calls", json=body)
        return response.status_code, response.get_json()
    return post


def check_one_opened_one_refused(results) -> None:
    codes = sorted(code for code, _ in results)
    assert codes == [201, 409], results
    refusal = next(body for code, body in results if code == 409)["error"]
    assert refusal["code"] == "duplicate_open_application"
    # the loser looked again after the winner committed: the same refusal as any duplicate, told as to an operator
    assert refusal["message"].startswith("该申请人已有一件办理中的最低生活保障（含特困）申请，不要重复登记")


@pytest.mark.parametrize("rounds", [
    pytest.param(QUICK, id="quick"), pytest.param(FULL, id="100-rounds", marks=pytest.mark.slow)])
def test_two_operators_log_one_person_for_one_intake_at_once(app, county, postgres_only, race,
                                                             rounds):
    first, second = operators(app, county)
    for n in range(rounds):
        person = id_number(n)
        body = {"phone": f"1380000{n:04d}", "name": f"申请人{n}", "id_number": person, "intake": "dibao",
                "village_id": county["villages"]["秦口村"], "description": "老人瘫痪，想申请低保"}
        code, _ = call_by(first, {**body, "intake": "temporary_relief", "description": "家里失火"})()
        assert code == 201  # the person is on file already, with another intake open
        check_one_opened_one_refused(race(call_by(first, body), call_by(second, body)))
        assert open_count(Applicant.name == f"申请人{n}") == 2  # the 临时救助 and exactly one 低保


@pytest.mark.parametrize("rounds", [
    pytest.param(QUICK, id="quick"), pytest.param(FULL, id="100-rounds", marks=pytest.mark.slow)])
def test_the_same_new_id_number_twice_at_once(app, county, postgres_only, race, rounds):
    first, second = operators(app, county)
    for n in range(rounds):
        person = id_number(500 + n)
        body = {"phone": f"1390000{n:04d}", "name": f"新申请人{n}", "id_number": person, "intake": "dibao",
                "village_id": county["villages"]["秦口村"], "description": "老人瘫痪，想申请低保"}
        check_one_opened_one_refused(race(call_by(first, body), call_by(second, body)))
        assert open_count(Applicant.name == f"新申请人{n}") == 1
    assert db.session.scalar(select(func.count(Applicant.id))) == rounds  # one file per person, not two


@pytest.mark.parametrize("rounds", [
    pytest.param(3, id="quick"), pytest.param(FULL, id="100-rounds", marks=pytest.mark.slow)])
def test_two_wechat_accounts_submit_the_same_new_id_number_at_once(app, county, postgres_only,
                                                                   race, rounds):
    token = app.config["WECHAT_TOKEN"]
    for n in range(rounds):
        person = id_number(2000 + n)
        accounts = [f"o_race_{n}_a", f"o_race_{n}_b"]
        name = "微信" + STEMS[n // 10 % 10] + STEMS[n % 10]  # no digits in a name the chat accepts
        chats = [WeChat(app.test_client(), token, openid) for openid in accounts]
        for chat in chats:
            for line in ("俺家老汉瘫在床上好几年了，想吃低保", "1", name, person, f"1370000{n:04d}",
                         "孙疃镇秦口村", "2", "不知道", "0"):
                chat.say(line)
        replies = race(*[lambda c=chat: c.say("1") for chat in chats])
        opened = [r for r in replies if "申请已提交" in r]
        refused = [r for r in replies if "提交没有成功" in r]
        assert len(opened) == 1 and len(refused) == 1, replies
        assert "这个身份证号已有一件办理中的低保申请，不能重复申请" in refused[0] and "绑定" in refused[0]
        case_no = opened[0].split("案件号：")[1][:11]
        assert case_no not in refused[0]  # the other account follows nothing: it is not told the case
        assert open_count(Applicant.name == name) == 1
