"""Sign-in is throttled per account and per client address across web processes (two app
instances on one database and Redis); an operator can unlock an account from the CLI."""

from __future__ import annotations

import pytest

from dashboard import create_app
from dashboard.extensions import db
from dashboard.models import AccountSession
from dashboard.redis_client import get_redis
from tests.fixtures.app import PASSWORD


@pytest.fixture
def web(app_config):
    """Two web processes sharing the database and Redis with the test's `app`."""
    apps = create_app(app_config), create_app(app_config)
    yield apps
    for web_app in apps:
        with web_app.app_context():
            db.engine.dispose()


def attempt(web_app, email, password, address="10.0.0.1"):
    client = web_app.test_client()
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail_five_times(web, email, address="10.0.0.1"):
    """Five wrong passwords, alternating between the two web processes."""
    return [attempt(web[i % 2], email, "wrong password", address).status_code for i in range(5)]


def sessions() -> int:
    return db.session.scalar(db.select(db.func.count(AccountSession.id)))


def test_five_failures_lock_the_account_out_even_for_the_right_password(web, make):
    account = make.account()
    assert fail_five_times(web, account.email) == [422, 422, 422, 422, 429]

    response = attempt(web[0], account.email, PASSWORD, address="10.0.0.2")
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.text
    assert sessions() == 0


def test_an_address_is_locked_out_whatever_email_it_tries(web, make):
    account = make.account()
    for n in range(5):
        attempt(web[n % 2], f"guess{n}@example.com", "wrong password", address="10.0.0.9")
    response = attempt(web[1], account.email, PASSWORD, address="10.0.0.9")
    assert response.status_code == 429
    assert attempt(web[1], account.email, PASSWORD, address="10.0.0.3").status_code == 302


def test_the_lock_out_ends_by_itself(web, make):
    account = make.account()
    fail_five_times(web, account.email)
    locks = [f"sign-in:lock:account:{account.email}", "sign-in:lock:address:10.0.0.1"]
    assert 14 * 60 < get_redis().ttl(locks[0]) <= 15 * 60
    for lock in locks:  # fast-forward: the locks expire in Redis a millisecond from now
        get_redis().pexpire(lock, 1)
    while get_redis().exists(*locks):
        pass
    assert attempt(web[0], account.email, PASSWORD).status_code == 302


def test_the_wait_grows_with_each_burst(web, make):
    account = make.account()
    lock = f"sign-in:lock:account:{account.email}"
    waits = []
    for _ in range(3):
        fail_five_times(web, account.email)
        waits.append(get_redis().ttl(lock))
        get_redis().delete(lock, "sign-in:lock:address:10.0.0.1")
    assert waits[0] <= 15 * 60 < waits[1] <= 30 * 60 < waits[2] <= 60 * 60
    fail_five_times(web, account.email)
    response = attempt(web[0], account.email, PASSWORD, address="10.0.0.5")
    assert "Try again in 120 minutes." in response.text


def test_an_operator_unlocks_an_account_from_the_cli(web, make, app):
    account = make.account()
    fail_five_times(web, account.email)
    result = app.test_cli_runner().invoke(
        args=["unlock-account", account.email.upper(), "--address", "10.0.0.1"]
    )
    assert result.exit_code == 0, result.output
    assert f"{account.email}: unlocked." in result.output
    assert attempt(web[1], account.email, PASSWORD).status_code == 302


def test_unlocking_an_account_that_is_not_locked_says_so(app):
    result = app.test_cli_runner().invoke(args=["unlock-account", "nobody@example.com"])
    assert result.exit_code == 0
    assert "was not locked out" in result.output


def test_a_success_before_the_limit_does_not_lock(web, make):
    account = make.account()
    for n in range(4):
        assert attempt(web[n % 2], account.email, "wrong password").status_code == 422
    assert attempt(web[0], account.email, PASSWORD).status_code == 302


def test_with_redis_unreachable_sign_in_still_works_unthrottled(app_config, make):
    """The throttle needs Redis; without it, signing in is not blocked (the log says so)."""
    web_app = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    account = make.account()
    codes = [attempt(web_app, account.email, "wrong password").status_code for _ in range(6)]
    assert codes == [422] * 6
    assert attempt(web_app, account.email, PASSWORD).status_code == 302
    with web_app.app_context():
        db.engine.dispose()
