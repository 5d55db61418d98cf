"""Guessing a case's last four: limited per case number as well as per source, shared by the public look-up
and the chat's 绑定 and by every worker; the same answers for a case that exists and one that does not;
full-width input from a Chinese keyboard read as the resident meant it; staff told when a case is guessed."""

import threading

import pytest
from sqlalchemy import func, select, update

from service.clock import utcnow
from service.extensions import db
from service.intake.models import Application, ApplicationEvent
from tests.conftest import login
from tests.e2e.test_api import CALL
from tests.wechat_client import WeChat

MISSING = "26000000000"


@pytest.fixture
def case_no(client, county):
    login(client, "hotline")
    number = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    client.post("/api/v1/auth/logout")
    return number


def look_up(app, case_no, last4, address="203.0.113.7"):
    return app.test_client().post("/api/v1/public/lookup", json={"case_no": case_no, "id_last4": last4},
                                  environ_base={"REMOTE_ADDR": address})


def _counters():
    from service.attempts import AttemptCounter  # imported late: the module is new with the limits

    return AttemptCounter


def _expire_windows():
    db.session.execute(update(_counters()).values(expires_at=utcnow()))  # as if an hour had passed
    db.session.commit()


def _notes(case_no):
    db.session.expire_all()
    return db.session.scalars(select(ApplicationEvent).join(Application).where(
        Application.case_no == case_no, ApplicationEvent.action == "guessing_suspected")).all()


def test_sixteen_addresses_get_five_guesses_at_one_case_between_them(app, case_no):
    answers = [look_up(app, case_no, f"{n:04d}", f"198.51.100.{a}").status_code for a in range(16) for n in range(12)]
    assert answers.count(404) == app.config["GUESS_MAX_PER_CASE"] == 5
    assert set(answers[5:]) == {429}
    assert look_up(app, case_no, "002X", "192.0.2.1").status_code == 429  # the case rests until the window ends
    assert len(_notes(case_no)) == 1  # one note for staff, however many guessers
    _expire_windows()
    assert look_up(app, case_no, "002X", "192.0.2.1").status_code == 200


def test_parallel_guesses_cannot_slip_past_the_case_limit(app, case_no):
    start, answers = threading.Barrier(12), []

    def guess(n):
        start.wait()
        answers.append(look_up(app, case_no, f"{n:04d}", f"198.51.100.{n}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [404] * 5 + [429] * 7
    assert len(_notes(case_no)) == 1


def test_the_staff_note_is_on_the_cases_history(app, client, case_no):
    for n in range(5):
        look_up(app, case_no, f"{n:04d}")
    login(client, "suntuan")
    history = client.get(f"/api/v1/applications/{case_no}").get_json()["history"]
    note = [h for h in history if h["action"] == "guessing_suspected"]
    assert len(note) == 1 and "后四位" in note[0]["note"] and note[0]["actor"] == "系统"
    page = client.get(f"/staff/applications/{case_no}")
    assert "疑似有人猜测查询信息" in page.get_data(as_text=True)


def test_one_source_gets_ten_guesses_whatever_the_case_numbers(app, county):
    answers = [look_up(app, f"2600000{n:04d}", "1234").status_code for n in range(12)]
    assert answers == [404] * 10 + [429] * 2


def test_the_chat_and_the_look_up_share_one_budget_per_case(app, client, case_no):
    for n in range(3):
        assert look_up(app, case_no, f"{n:04d}", f"198.51.100.{n}").status_code == 404
    resident = WeChat(client, app.config["WECHAT_TOKEN"], "o_guesser")
    for n in range(2):
        assert "不正确" in resident.say(f"绑定 {case_no} 99{n:02d}")
    assert "尝试次数太多" in resident.say(f"绑定 {case_no} 9999")
    assert look_up(app, case_no, "002X", "192.0.2.9").status_code == 429
    assert len(_notes(case_no)) == 1


def test_an_existing_and_a_missing_case_answer_alike_to_every_guess(app, case_no):
    def answers(number, address):
        out = []
        for last4 in ("1234", "１２３４", "00２9", "abcd", "1234", "4321", "0000"):
            response = look_up(app, number, last4, address)
            body = response.get_json()
            assert body.pop("request_id"), last4
            out.append((response.status_code, body))
        return out

    existing, missing = answers(case_no, "198.51.100.1"), answers(MISSING, "198.51.100.2")
    assert existing == missing
    assert [status for status, _ in existing] == [404] * 5 + [429] * 2


@pytest.mark.parametrize("last4", ["００２Ｘ", "００２ｘ", " 002x ", "002X"])
def test_full_width_digits_and_x_from_a_chinese_keyboard_are_read_as_typed(app, client, case_no, last4):
    response = look_up(app, case_no, last4)
    assert response.status_code == 200 and response.get_json()["case_no"] == case_no
    full_width_case = case_no.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert look_up(app, full_width_case, last4).status_code == 200
    resident = WeChat(client, app.config["WECHAT_TOKEN"], "o_keyboard")
    assert "绑定成功" in resident.say(f"绑定 {full_width_case} {last4.strip()}")


def test_a_wrong_full_width_guess_in_the_chat_is_an_answer_not_a_500(app, client, case_no):
    resident = WeChat(client, app.config["WECHAT_TOKEN"], "o_keyboard")
    assert "案件号" in resident.say("绑定")
    resident.say(case_no)
    assert "不正确" in resident.say("１２３４")


def test_with_redis_the_counts_live_in_redis(app, case_no):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        client = redis.Redis.from_url(url)
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    app.config["REDIS_URL"] = url
    app.extensions.pop("attempt_counters", None)
    client.delete(f"attempts:guess:case:{case_no}", "attempts:guess:source:address:203.0.113.7")
    try:
        answers = [look_up(app, case_no, f"{n:04d}").status_code for n in range(7)]
        assert answers == [404] * 5 + [429] * 2
        assert db.session.scalar(select(func.count()).select_from(_counters())) == 0
        assert int(client.get(f"attempts:guess:case:{case_no}")) == 7
        assert 0 < client.ttl(f"attempts:guess:case:{case_no}") <= 3600
        assert len(_notes(case_no)) == 1
    finally:
        client.delete(f"attempts:guess:case:{case_no}", "attempts:guess:source:address:203.0.113.7")
        app.extensions.pop("attempt_counters", None)


def test_ended_windows_are_swept_by_the_housekeeping(app, runner, case_no):
    look_up(app, case_no, "1234")
    assert db.session.scalar(select(func.count()).select_from(_counters())) == 2  # the case and the source
    assert "removed 0 old keys" in runner.invoke(args=["housekeeping"]).output
    _expire_windows()
    assert "removed 2 old keys" in runner.invoke(args=["housekeeping"]).output
    assert db.session.scalar(select(func.count()).select_from(_counters())) == 0
