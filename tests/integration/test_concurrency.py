"""Two clerks acting on one application at the same moment, on PostgreSQL's real row locking."""

import threading

import pytest

from service.intake import workflow
from tests.conftest import login, require_postgres
from tests.integration.test_use_cases import call


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is about PostgreSQL's row locks; SQLite serialises writers anyway")
    require_postgres()


def test_two_clerks_at_once_one_succeeds_and_the_other_gets_409(app, county, postgres_only, monkeypatch):
    detail = call(county)
    both_read = threading.Barrier(2, timeout=10)
    real_decide = workflow.decide

    def decide_after_both_have_read(*args, **kwargs):
        both_read.wait()  # both requests have loaded version N before either writes
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(workflow, "decide", decide_after_both_have_read)
    clerk, reviewer = app.test_client(), app.test_client()
    login(clerk, "suntuan")
    login(reviewer, "county")
    results = {}

    def run(name, client, action, body):
        url = f"/api/v1/applications/{detail['case_no']}/actions/{action}"
        response = client.post(url, json={"version": detail["version"], **body})
        results[name] = (response.status_code, response.get_json())

    threads = [
        threading.Thread(target=run, args=("accept", clerk, "accept", {})),
        threading.Thread(target=run, args=("materials", reviewer, "request_materials", {"missing": ["户口簿"]})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    codes = sorted(code for code, _ in results.values())
    assert codes == [200, 409], results
    loser = next(body for code, body in results.values() if code == 409)
    assert loser["error"]["code"] == "stale_version" and "刷新" in loser["error"]["message"]
    winner = next(body for code, body in results.values() if code == 200)
    final = clerk.get(f"/api/v1/applications/{detail['case_no']}").get_json()
    assert final["status"] == winner["status"] and final["version"] == detail["version"] + 1
    assert len(final["history"]) == 2  # submit + exactly one of the two actions
