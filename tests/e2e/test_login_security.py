"""Log-in under attack: one KDF run whoever asks (timing tells nothing), a failure count parallel guesses
cannot beat, one budget for both log-in doors, unknown names treated like real ones, and a lock-out an
anonymous guesser cannot turn against the clerk at her own desk."""

import threading

import pytest
from sqlalchemy import select

from service import create_app
from service.auth import services
from service.auth.models import AuditRecord, StaffUser
from service.extensions import db
from tests.conftest import BASE_CONFIG
from tests.e2e.web.conftest import Browser

GUESSER, CLERK = "198.51.100.66", "192.0.2.10"


def api_login(app, username, password, address=GUESSER):
    response = app.test_client().post("/api/v1/auth/login", json={"username": username, "password": password},
                                      environ_base={"REMOTE_ADDR": address})
    return response.status_code, (response.get_json().get("error") or {}).get("code")


@pytest.fixture
def kdf_runs(monkeypatch):
    """Every password-hash computation of a log-in: checks and new hashes alike."""
    runs = []
    check, generate = services.check_password_hash, services.generate_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: runs.append(("check", h)) or check(h, p))
    monkeypatch.setattr(services, "generate_password_hash", lambda *a, **k: runs.append(("hash", None)) or generate(*a, **k))
    return runs


def test_every_log_in_costs_exactly_one_kdf_run_known_unknown_locked_or_disabled(app, county, kdf_runs):
    api_login(app, "nobody", "x", "192.0.2.99")  # the process makes its one dummy hash here
    for _ in range(5):
        api_login(app, "linhuan", "wrong", "192.0.2.50")  # linhuan is now paused from that address
    db.session.scalars(select(StaffUser).where(StaffUser.username == "hotline")).one().active = False
    db.session.commit()
    cases = [("nosuchuser", "demo2026", GUESSER, "bad_credentials"), ("suntuan", "wrong", GUESSER, "bad_credentials"),
             ("suntuan", "demo2026", CLERK, None), ("linhuan", "demo2026", "192.0.2.50", "locked"),
             ("hotline", "demo2026", GUESSER, "bad_credentials")]
    for username, password, address, code in cases:
        kdf_runs.clear()
        assert api_login(app, username, password, address)[1] == code, username
        assert [kind for kind, _ in kdf_runs] == ["check"], (username, kdf_runs)


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, county, kdf_runs):
    real_hash = db.session.scalars(select(StaffUser.password_hash).where(StaffUser.username == "suntuan")).one()
    start, codes = threading.Barrier(10), []

    def guess(n):
        start.wait()
        codes.append(api_login(app, "suntuan", f"guess-{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(codes) == 10
    assert sum(1 for kind, h in kdf_runs if h == real_hash) == app.config["LOGIN_MAX_FAILURES"] == 5
    assert sorted(code for _, code in codes) == ["bad_credentials"] * 5 + ["locked"] * 5


def test_a_guesser_cannot_lock_the_clerk_out_from_her_own_desk(app, county):
    codes = [api_login(app, "suntuan", f"guess-{n}")[1] for n in range(20)]
    assert codes == ["bad_credentials"] * 5 + ["locked"] * 15
    assert api_login(app, "suntuan", "demo2026", CLERK) == (200, None)
    browser = Browser(app.test_client())  # the staff page door counts against the same budget
    page = browser.post("/staff/login", {"username": "suntuan", "password": "demo2026"},
                        environ_base={"REMOTE_ADDR": GUESSER})
    assert page.status_code == 401 and "锁定" in page.text


def test_the_account_locks_only_when_wrong_passwords_come_from_many_addresses(app, county):
    many = app.config["LOGIN_LOCK_ADDRESSES"]
    for n in range(many - 1):
        assert api_login(app, "suntuan", "guess", f"203.0.113.{n}")[1] == "bad_credentials"
    assert api_login(app, "suntuan", "demo2026", CLERK) == (200, None)
    assert api_login(app, "suntuan", "guess", f"203.0.113.{many}")[1] == "bad_credentials"
    assert api_login(app, "suntuan", "demo2026", CLERK) == (401, "locked")
    outcomes = db.session.scalars(select(AuditRecord.outcome).where(AuditRecord.event == "login")).all()
    assert outcomes.count("locked_account") == 1 and outcomes[-1] == "locked"


def test_an_unknown_name_is_answered_exactly_like_a_real_one(app, county):
    real = [api_login(app, "suntuan", "wrong", "198.51.100.1") for _ in range(7)]
    unknown = [api_login(app, "suntuam", "wrong", "198.51.100.2") for _ in range(7)]
    assert real == unknown == [(401, "bad_credentials")] * 5 + [(401, "locked")] * 2


def test_both_log_in_doors_draw_on_one_rate_limit(database_url, county, tmp_path):
    limited = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_LOGIN": "3 per minute"})
    limited.instance_path = str(tmp_path)
    assert api_login(limited, "suntuan", "wrong")[0] == 401
    assert api_login(limited, "linhuan", "wrong")[0] == 401
    browser = Browser(limited.test_client())
    assert browser.post("/staff/login", {"username": "county", "password": "wrong"},
                        environ_base={"REMOTE_ADDR": GUESSER}).status_code == 401
    assert browser.post("/staff/login", {"username": "county", "password": "wrong"},
                        environ_base={"REMOTE_ADDR": GUESSER}).status_code == 429
    assert api_login(limited, "hotline", "wrong")[0] == 429
    assert api_login(limited, "hotline", "demo2026", CLERK)[0] == 200  # another address has its own budget
