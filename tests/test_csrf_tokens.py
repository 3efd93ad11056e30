"""A session's CSRF token is signed once per process (dashboard/csrf_tokens.py): every page
of the session carries the same valid token, and another session never gets it."""

from __future__ import annotations

import itertools
import re

import pytest
from itsdangerous.timed import TimestampSigner

from dashboard import create_app
from tests.fixtures.app import PASSWORD

URL = "/admin/groups/"
TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


@pytest.fixture
def clock_moves(monkeypatch):
    """Each signature is made a second after the last, as on a server that runs for hours."""
    seconds = itertools.count(1_800_000_000)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: next(seconds))


def signed_in(app, make, email: str):
    client = app.test_client()
    make.account(email=email)
    page = client.get("/login").text
    form = {"email": email, "password": PASSWORD, "csrf_token": TOKEN.search(page)[1]}
    assert client.post("/login", data=form).status_code == 302
    return client


def token(client) -> str:
    return TOKEN.search(client.get(URL).text)[1]


def test_every_page_of_a_session_carries_the_same_token(app_config, make, clock_moves):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    ann, bob = signed_in(app, make, "ann@example.com"), signed_in(app, make, "bob@example.com")
    first, again = token(ann), token(ann)
    assert first == again
    assert token(bob) != first
    form = {"name": "Kestrel Support", "description": "", "csrf_token": first}
    assert ann.post(URL, data=form).status_code == 303
    refused = {"name": "Kestrel Other", "description": "", "csrf_token": first}
    assert bob.post(URL, data=refused).status_code == 400  # Ann's token is not Bob's


def test_with_a_time_limit_each_request_signs_afresh(app_config, make, clock_moves):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 3600})
    ann = signed_in(app, make, "ann@example.com")
    first, again = token(ann), token(ann)
    assert first != again  # a new timestamp, that the time limit is checked against
