"""No account enumeration: an unknown email and a wrong password take as long and say the
same words."""

from __future__ import annotations

import re
import statistics
import time

import pytest

from dashboard import create_app
from dashboard.extensions import db


@pytest.fixture
def web(app_config):
    """A web process whose throttle stays out of the way of 40 failed sign-ins."""
    web_app = create_app({**app_config, "SIGN_IN_MAX_FAILURES": 1000})
    yield web_app
    with web_app.app_context():
        db.engine.dispose()


def timed_refusal(client, email) -> tuple[float, str]:
    """The refusal and the processor time it took: the request runs in this thread, and its
    processor time, unlike the wall clock, does not grow when the machine is busy."""
    started = time.thread_time()
    response = client.post("/login", data={"email": email, "password": "wrong password"})
    elapsed = time.thread_time() - started
    assert response.status_code == 422
    return elapsed, re.search(
        r'<small[^>]*id="password-error"[^>]*>(.*?)</small>', response.text, re.S
    ).group(1)


def test_unknown_email_and_wrong_password_take_as_long_and_say_the_same(web, make):
    account = make.account()
    client = web.test_client()
    timed_refusal(client, account.email)  # warm up: the dummy hash is made once
    known, unknown = [], []
    for n in range(20):
        known.append(timed_refusal(client, account.email))
        unknown.append(timed_refusal(client, f"nobody{n}@example.com"))

    assert {words for _, words in known} == {words for _, words in unknown}
    known_median = statistics.median(seconds for seconds, _ in known)
    unknown_median = statistics.median(seconds for seconds, _ in unknown)
    assert abs(known_median - unknown_median) <= 0.2 * known_median, (known_median, unknown_median)
