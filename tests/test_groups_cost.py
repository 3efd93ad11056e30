"""What the Groups page costs: the same few SQL statements whatever its rows, and its weight."""

from __future__ import annotations

import gzip
import re

import pytest
from sqlalchemy import event, select

from dashboard import create_app
from dashboard.database import is_postgresql
from dashboard.extensions import db
from dashboard.models import Direction, Group, SyncState
from tests.fixtures.app import HTMX, PASSWORD
from tests.querycount import count_queries, transactions_seen

URL = "/admin/groups/"
REQUESTS = [URL, URL + "?q=Kestrel", URL + "?sort=users&dir=desc", URL + "?sort=status"]


def fill(make, count: int, start: int = 0) -> None:
    """Groups like a real school's: linked, with members, a token and a Thinkific id."""
    team = make.team()
    for n in range(start, start + count):
        group = make.group(f"Kestrel Operations {n:05}", thinkific_id=100_000 + n, token=f"t{n:07}")
        if n % 2:
            make.assignment(group, team, direction=Direction.BIDIRECTIONAL)
        make.member(group)


def statements(client, url: str, headers=None) -> list[str]:
    with count_queries() as seen:
        assert client.get(url, headers=headers or {}).status_code == 200
    return seen


@pytest.mark.parametrize("url", REQUESTS)
def test_a_page_costs_four_statements_for_5_or_50_rows(client, auth, make, url):
    auth.login()
    fill(make, 5)
    paused = make.group("Kestrel Paused")
    paused.sync_state = SyncState.PAUSED  # the banner of plans waiting for approval shows
    db.session.commit()
    few = statements(client, url)
    fill(make, 50, start=5)
    many = statements(client, url)
    assert len(few) == len(many) <= 4
    assert "for your approval" in client.get(url).text
    # the page reads no count per group and no runs (the Sync bar loads by itself)
    assert not [s for s in many if re.search(r"\b(memberships|assignments|sync_runs)\b", s)]


def test_a_fragment_costs_no_more_statements_than_the_page(client, auth, make):
    auth.login()
    fill(make, 50)
    assert len(statements(client, URL + "?q=kestrel", HTMX)) <= 3  # no banner in a fragment


def test_a_full_page_of_50_groups_weighs_little(client, auth, make):
    auth.login()
    fill(make, 60)
    page = client.get(URL).data
    fragment = client.get(URL + "?page=2", headers=HTMX).data
    assert len(re.findall(rb'<tbody id="group-\d+"', page)) == 50
    assert len(page) <= 33_500  # was 38 KB: rows drawn lean, Quick Assign's URL said once
    assert len(fragment) <= 25_000
    assert fragment.count(b"/assign") == 1  # the table says the Quick Assign URL, no row does


def test_a_browser_is_sent_the_full_page_gzipped_in_under_14_kb(client, auth, make):
    auth.login()
    fill(make, 60)
    drawn = client.get(URL).data
    sent = client.get(URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert sent.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in sent.headers["Vary"]
    assert len(sent.data) <= 14_000
    page = gzip.decompress(sent.data)
    assert page.count(b'<tbody id="group-') == len(re.findall(rb'<tbody id="group-', drawn)) == 50
    assert b"Quick Assign Team" in page


def test_small_responses_and_clients_without_gzip_get_plain_bytes(client, auth, make):
    auth.login()
    fill(make, 1)
    plain = client.get(URL, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert b"Kestrel Operations 00000" in plain.data
    sorted_page = client.get(URL + "?sort=users&desc=1", headers={"Accept-Encoding": "gzip"})
    assert sorted_page.headers["Content-Encoding"] == "gzip"  # our own words: compressed


def test_a_search_is_sent_gzipped_with_its_token_deflated_apart(client, auth, make):
    """BREACH: a secret (the CSRF token) and attacker-chosen text (the search) in one
    compressed body; the token's copies are deflated apart from the text around them."""
    from dashboard.compression import gzipped

    auth.login()
    fill(make, 60)
    search = client.get(URL + "?q=Kestrel", headers={"Accept-Encoding": "gzip"})
    assert search.headers["Content-Encoding"] == "gzip"
    assert len(search.data) <= 14_000
    page = gzip.decompress(search.data)
    assert b"Kestrel Operations 00000" in page
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page)[1]
    assert search.data == gzipped(page, token)


def test_a_sorted_page_is_sent_gzipped_and_reads_the_same(client, auth, make):
    auth.login()
    fill(make, 60)
    url = URL + "?sort=users&dir=desc"
    sent = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert sent.headers["Content-Encoding"] == "gzip"
    assert len(sent.data) <= 14_000
    page = gzip.decompress(sent.data).decode()
    assert page.count('<tbody id="group-') == 50
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).text
    assert same_but_token_and_clock(page) == same_but_token_and_clock(plain)


def same_but_token_and_clock(page):
    """The two loads differ only in their CSRF token and the second the progress bar asks from."""
    page = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)
    return re.sub(r"since=\d+", "since=", page)


def test_the_csrf_token_is_compressed_apart_from_what_a_link_echoes():
    """BREACH: text that repeats the secret's start makes the page no smaller than text that
    does not (plain gzip would find the repeat and save bytes)."""
    from dashboard.compression import gzipped

    secret = b"Qz7Kp2Xw9LmR4tVb8NcJ"
    page = b"<p>header</p>" * 40 + b'<input value="' + secret + b'">' + b"<p>echo: %s</p>"
    guess, other = secret[:12], secret[:12][::-1]  # the same letters, in another order
    assert len(gzip.compress(page % guess)) < len(gzip.compress(page % other))
    assert len(gzipped(page % guess, secret)) == len(gzipped(page % other, secret))
    assert gzip.decompress(gzipped(page % guess, secret)) == page % guess


def test_the_banner_kept_by_the_data_version_follows_each_change(client, auth, make):
    auth.login()
    group = make.group("Kestrel Waiting")
    assert "for your approval" not in client.get(URL).text
    group.sync_state = SyncState.PAUSED
    db.session.commit()
    assert "for your approval" in client.get(URL).text
    assert "for your approval" in client.get(URL).text  # kept: the same version
    group.sync_state = SyncState.IDLE
    db.session.commit()
    assert "for your approval" not in client.get(URL).text


def test_on_postgresql_the_page_is_read_without_begin_and_rollback(client, auth, make):
    """Two round trips of five spared per request; a change still runs in a transaction."""
    auth.login()
    fill(make, 5)
    with transactions_seen() as reads:
        for url in REQUESTS:
            assert client.get(url).status_code == 200
            assert client.get(url, headers=HTMX).status_code == 200
    assert reads == {not is_postgresql()}
    db.session.remove()  # as each request of a server ends its own session
    with transactions_seen() as change:
        assert client.post(URL, data={"name": "Kestrel New"}, headers=HTMX).status_code == 200
    assert change == {True}
    assert "Kestrel New" in client.get(URL + "?q=new").text


@pytest.fixture
def web(app, app_config, make):
    """A signed-in client of the app as a web process runs it: each request in an app context
    of its own, so its sign-in is read with it (`app`'s context, pushed for the whole test,
    would keep the account of the first request)."""
    make.account(email="ann@example.com")
    client = create_app(app_config).test_client()
    form = {"email": "ann@example.com", "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 302
    return client


def test_a_kept_page_costs_the_sign_in_alone(web, make):
    """The groups' data version is read with the sign-in: a page kept for it costs that one
    statement, and a change to the groups shows on the very next request."""
    fill(make, 5)
    db.session.commit()
    assert "Kestrel Operations 00003" in web.get(URL).text
    kept = web_statements(web, URL)
    assert len(kept) == 1
    assert "account_sessions" in kept[0]
    renamed = db.session.scalars(select(Group).filter_by(name="Kestrel Operations 00003")).one()
    renamed.name = "Kestrel Renamed"
    db.session.commit()
    assert "Kestrel Renamed" in web.get(URL).text
    assert len(web_statements(web, URL)) == 1


def web_statements(web, url: str) -> list[str]:
    with web.application.app_context():
        engine = db.engine
    seen: list[str] = []
    record = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert web.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_banner_on_any_page_follows_the_version_read_with_the_sign_in(web, make):
    """A page that reads no groups of its own keeps the banner of plans waiting by the version
    read with its sign-in: a group that pauses shows on the very next page."""
    group = make.group("Kestrel Paused")
    db.session.commit()
    assert "for your approval" not in web.get("/admin/users/").text
    group.sync_state = SyncState.PAUSED
    db.session.commit()
    assert "for your approval" in web.get("/admin/users/").text
