"""A session cookie is read once per process (dashboard/session_cookies.py), and answers as
Flask's own reading would: a cookie that has grown too old, or does not verify, signs nobody
in, and what one request writes into its session is not seen by another that sends the same
cookie."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner

from dashboard import create_app
from tests.fixtures.app import PASSWORD

URL = "/admin/groups/"


def signed_in_cookie(app, make, email: str = "ann@example.com") -> str:
    client = app.test_client()
    make.account(email=email)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client.get_cookie("session").value


def visit(app, cookie: str, method: str = "GET", **kwargs):
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.open(URL, method=method, **kwargs)


def signs_in(app, cookie: str) -> bool:
    response = visit(app, cookie)
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.fixture
def signed_an_hour_ago(monkeypatch):
    """Cookies signed in the test say they were signed an hour ago."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - 3600)


@pytest.fixture
def web(app, app_config):
    """The app as a web process runs it: each request in an app context of its own (`app`'s,
    pushed for the whole test, would keep the signed-in account in `g` from one to the next)."""
    return create_app(app_config)


def test_a_cookie_read_before_is_still_refused_once_too_old(web, make, signed_an_hour_ago):
    cookie = signed_in_cookie(web, make)
    assert signs_in(web, cookie)  # read
    assert signs_in(web, cookie)  # read again
    web.permanent_session_lifetime = timedelta(minutes=30)
    assert not signs_in(web, cookie)


def test_a_cookie_that_does_not_verify_signs_nobody_in(web, app_config, make):
    cookie = signed_in_cookie(web, make)
    assert signs_in(web, cookie)
    payload, stamp, signature = cookie.rsplit(".", 2)
    forged = f"{payload}.{stamp}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert not signs_in(web, forged)
    assert not signs_in(web, forged)  # every time
    other = create_app({**app_config, "SECRET_KEY": "another secret"})
    assert not signs_in(other, cookie)  # read and kept by `web` does not count for `other`


def test_what_a_request_writes_is_not_seen_by_another_with_the_same_cookie(web, make):
    client = web.test_client()
    client.set_cookie("session", signed_in_cookie(web, make))
    client.post(URL, data={"name": "Kestrel A", "description": ""})
    with_one_message = client.get_cookie("session").value  # not shown yet: to flash
    second = visit(web, with_one_message, "POST", data={"name": "Kestrel B", "description": ""})
    assert second.status_code == 303  # its message was added to its own copy of the session
    page = visit(web, with_one_message).text
    assert "Created the group “Kestrel A”." in page
    assert "Created the group “Kestrel B”" not in page
