"""Thinkific failing and the client coping: retries that end well, and clear final errors."""

from __future__ import annotations

import pytest

from dashboard.thinkific.errors import MalformedResponse, ServerError, TransportError
from dashboard.thinkific.transport import RetryPolicy

GROUPS = "/api/public/v1/groups"
ATTEMPTS = 4  # the test clients' retry policy


@pytest.fixture
def acme(emulator):
    return emulator.control.seed(groups=[{"name": "Acme"}])["groups"][0]


def requests_to(emulator, path, method="GET"):
    return [r for r in emulator.control.requests() if r["path"] == path and r["method"] == method]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("server_error", 500),
        ("server_error", 502),
        ("server_error", 503),
        ("cloudflare", 520),
        ("cloudflare", 524),
        ("drop", None),
        ("malformed_json", None),
    ],
)
def test_a_passing_failure_is_retried_until_the_answer_comes(
    thinkific, emulator, acme, kind, status
):
    emulator.control.add_fault(kind, path=f"{GROUPS}/*", nth=[1, 2], status=status)

    assert thinkific.get_group(acme["id"]).name == "Acme"
    assert (thinkific.stats.calls, thinkific.stats.retries) == (3, 2)
    assert thinkific.stats.backoff_seconds > 0


@pytest.mark.usefixtures("warm")
def test_an_answer_slower_than_the_timeout_is_retried(make_thinkific, emulator, acme):
    client = make_thinkific(timeout=(2.0, 0.5))
    emulator.control.add_fault("slow", path=f"{GROUPS}/*", nth=[1], delay=1.5)

    assert client.get_group(acme["id"]).name == "Acme"
    assert client.stats.retries == 1


@pytest.mark.parametrize(
    ("kind", "status", "error", "words"),
    [
        ("server_error", 503, ServerError, "Thinkific failed (503 on GET"),
        ("cloudflare", 522, ServerError, "522: Connection timed out"),
        ("drop", None, TransportError, "Could not talk to Thinkific (GET"),
        ("malformed_json", None, MalformedResponse, "a body that is not JSON"),
    ],
)
def test_a_lasting_failure_ends_in_a_clear_error(
    thinkific, emulator, acme, kind, status, error, words
):
    emulator.control.add_fault(kind, path=f"{GROUPS}/*", status=status)

    with pytest.raises(error) as failed:
        thinkific.get_group(acme["id"])

    assert words in str(failed.value)
    assert f"(after {ATTEMPTS} attempts)" in str(failed.value)
    assert thinkific.stats.calls == ATTEMPTS


@pytest.mark.usefixtures("warm")
def test_a_lasting_slow_answer_ends_in_a_timeout_error(make_thinkific, emulator, acme):
    client = make_thinkific(timeout=(2.0, 0.3), retry=RetryPolicy(attempts=2, backoff_base=0.05))
    emulator.control.add_fault("slow", path=f"{GROUPS}/*", delay=0.8)

    with pytest.raises(TransportError, match=r"did not answer GET .* in time \(nothing for 0.3 s"):
        client.get_group(acme["id"])


def test_a_create_that_failed_before_thinkific_acted_is_sent_again(thinkific, emulator):
    emulator.control.add_fault("server_error", path=GROUPS, method="POST", nth=[1])

    group = thinkific.create_group("Acme")

    assert [g["id"] for g in emulator.control.groups()] == [group.id]
    assert len(requests_to(emulator, GROUPS, "POST")) == 2


def test_a_create_whose_answer_was_lost_is_found_instead_of_made_twice(thinkific, emulator):
    emulator.control.add_fault("malformed_json", path=GROUPS, method="POST", nth=[1])

    group = thinkific.create_group("Acme")

    assert [g["id"] for g in emulator.control.groups()] == [group.id]
    assert len(requests_to(emulator, GROUPS, "POST")) == 1


def test_a_dropped_create_is_checked_before_it_is_sent_again(thinkific, emulator):
    emulator.control.add_fault("drop", path="/api/public/v1/users", method="POST", nth=[1])

    user = thinkific.create_user("ada@example.com", "Ada", "Lovelace")

    assert [u["id"] for u in emulator.control.users()] == [user.id]
    looked_up = [r for r in requests_to(emulator, "/api/public/v1/users") if "email" in r["query"]]
    assert len(looked_up) == 1


def test_adding_a_member_is_safely_repeated_after_a_failure(thinkific, emulator):
    seeded = emulator.control.seed(groups=[{"name": "Acme"}], users=[{"email": "a@b.co"}])
    emulator.control.add_fault("server_error", path="/api/public/v1/group_users", nth=[1])

    thinkific.add_user_to_groups(seeded["users"][0]["id"], ["Acme"])

    assert emulator.control.member_emails(seeded["groups"][0]["id"]) == {"a@b.co"}


def test_a_server_that_cannot_be_reached_is_a_clear_error(make_thinkific):
    client = make_thinkific(api_url="http://127.0.0.1:9/api/public/v1")

    with pytest.raises(TransportError, match="Could not talk to Thinkific") as failed:
        client.create_group("Acme")

    assert failed.value.sent is False  # never connected, so even a POST was retried
    assert client.stats.retries == ATTEMPTS - 1
