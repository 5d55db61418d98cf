"""Schemathesis over /api/openapi.json as each kind of caller (hotline operator, window clerk, county
reviewer, auditor, anonymous): generated requests, valid and invalid, must never get a 5xx, and every
answer must match what the document declares for it (the success body's schema, the one error shape).

Driven through schemathesis' Python API (one hypothesis run per operation) rather than its pytest plugin,
so the callers and both databases are ordinary pytest parameters."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests.conftest import login

CALLERS = ["hotline", "suntuan", "county", "audit", None]  # None: nobody logged in
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 15  # per operation and caller, valid and invalid mixed: ~3,000 requests over both databases
ENDS_THE_SESSION = r"^/api/v1/auth/(logout|tokens/\{token_id\})$"  # would log the run itself out


def _session(app, username: str | None) -> dict:
    """The session cookie a log-in gives (as cookies=: werkzeug's client drops a hand-made Cookie header)."""
    if username is None:
        return {}
    client = app.test_client()
    login(client, username)
    return {"session": client.get_cookie("session").value}


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
def test_no_generated_request_gets_a_5xx_or_an_undeclared_answer(app, county, caller):
    cookies = _session(app, caller)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).exclude(path_regex=ENDS_THE_SESSION)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    seen: set[int] = set()
    for operation in operations:
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=cases)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call_and_validate(cookies=cookies, checks=CHECKS)
            seen.add(response.status_code)

        fuzz()
    # the run really reached the use cases as this caller (or, anonymous, only the guard and the public door)
    assert (200 in seen) if caller else (401 in seen and 200 not in seen), seen
