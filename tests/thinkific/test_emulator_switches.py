"""Switches for what API-NOTES marks uncertain: each one changes what a client sees."""

import time

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


@pytest.fixture
def site(emulator):
    return emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex"}],
        users=[{"email": "ann@example.com"}],
    )


def add(emulator, api, site, *names):
    body = {"user_id": site["users"][0]["id"], "group_names": list(names)}
    return api.post(f"{emulator.api_url}/group_users", json=body)


def visible_members(emulator, api, group_id):
    params = {"query[group_id]": group_id}
    return api.get(f"{emulator.api_url}/users", params=params).json()["items"]


def test_single_group_can_be_wrapped(emulator, api, site):
    emulator.control.configure(group_single_wrapped=True)
    group_id = site["groups"][0]["id"]

    got = api.get(f"{emulator.api_url}/groups/{group_id}").json()
    created = api.post(f"{emulator.api_url}/groups", json={"name": "Initech"}).json()

    assert got["group"]["id"] == group_id
    assert created["group"]["name"] == "Initech"
    listed = api.get(f"{emulator.api_url}/groups").json()
    assert "group" not in listed["items"][0]


def test_new_memberships_can_show_up_late(emulator, api, site):
    emulator.control.configure(membership_delay=0.4)
    group_id = site["groups"][0]["id"]

    assert add(emulator, api, site, "Acme").status_code == 201
    assert visible_members(emulator, api, group_id) == []
    assert emulator.control.members(group_id)[0]["visible"] is False
    time.sleep(0.45)
    assert [u["email"] for u in visible_members(emulator, api, group_id)] == ["ann@example.com"]


def test_group_names_can_match_case_insensitively(emulator, api, site):
    emulator.control.configure(group_name_match="case_insensitive")

    assert add(emulator, api, site, "ACME").status_code == 201
    assert emulator.control.member_emails(site["groups"][0]["id"]) == {"ann@example.com"}


def test_an_unknown_user_can_be_404(emulator, api, site):
    emulator.control.configure(group_users_unknown_user=404)

    response = api.post(
        f"{emulator.api_url}/group_users", json={"user_id": 9, "group_names": ["Acme"]}
    )

    assert response.status_code == 404
    assert response.json() == {"error": "Record not found."}


def test_mixed_names_can_add_the_valid_ones(emulator, api, site):
    emulator.control.configure(group_users_mixed_names="partial")

    response = add(emulator, api, site, "Acme", "Initech")

    assert response.status_code == 422
    assert response.json() == {"errors": ["Invalid group_names"]}
    assert emulator.control.member_emails(site["groups"][0]["id"]) == {"ann@example.com"}


def test_adding_an_existing_member_can_be_422(emulator, api, site):
    emulator.control.configure(group_users_existing="422")

    assert add(emulator, api, site, "Acme").status_code == 201
    second = add(emulator, api, site, "Acme")

    assert second.status_code == 422
    assert isinstance(second.json()["errors"], list)


def test_duplicate_group_names_are_allowed_by_default(emulator, api, site):
    response = api.post(f"{emulator.api_url}/groups", json={"name": "Acme"})

    assert response.status_code == 200
    assert [g["name"] for g in emulator.control.groups()].count("Acme") == 2


def test_adding_by_a_shared_name_joins_the_oldest_group(emulator, api, site):
    api.post(f"{emulator.api_url}/groups", json={"name": "Acme"})

    add(emulator, api, site, "Acme")

    acme = [g for g in emulator.control.groups() if g["name"] == "Acme"]
    assert [g["members_count"] for g in acme] == [1, 0]


@pytest.mark.parametrize(
    ("uniqueness", "name", "status"),
    [("exact", "Acme", 422), ("exact", "acme", 200), ("case_insensitive", "ACME", 422)],
)
def test_group_names_can_be_unique(emulator, api, site, uniqueness, name, status):
    emulator.control.configure(group_name_uniqueness=uniqueness)

    response = api.post(f"{emulator.api_url}/groups", json={"name": name})

    assert response.status_code == status
    if status == 422:
        assert response.json() == {"errors": {"name": ["has already been taken"]}}


def test_email_query_can_be_partial(emulator, api):
    emulator.control.seed(users=[{"email": "ann@example.com"}, {"email": "joann@example.com"}])
    emulator.control.configure(email_query="partial")

    found = api.get(f"{emulator.api_url}/users", params={"query[email]": "ann@"}).json()

    assert {u["email"] for u in found["items"]} == {"ann@example.com", "joann@example.com"}


def test_enrolling_twice_is_422_or_an_update(emulator, api):
    seeded = emulator.control.seed(users=[{"email": "ann@example.com"}], courses=[{"name": "C"}])
    body = {"user_id": seeded["users"][0]["id"], "course_id": seeded["courses"][0]["id"]}
    first = api.post(f"{emulator.api_url}/enrollments", json=body).json()

    refused = api.post(f"{emulator.api_url}/enrollments", json=body)
    emulator.control.configure(enrollment_existing="update")
    updated = api.post(
        f"{emulator.api_url}/enrollments", json=body | {"activated_at": "2024-05-01T00:00:00Z"}
    )

    assert refused.status_code == 422
    assert updated.status_code == 201
    assert updated.json()["id"] == first["id"]
    assert updated.json()["is_free_trial"] is False


@pytest.mark.parametrize(("kind", "content_type"), [("html", "text/html"), ("empty", None)])
def test_the_429_body_can_be_html_or_empty(emulator, api, kind, content_type):
    emulator.control.configure(rate_limit=1, rate_limit_body=kind)
    api.get(f"{emulator.api_url}/groups")

    response = api.get(f"{emulator.api_url}/groups")

    assert response.status_code == 429
    assert "RateLimit-Reset" in response.headers
    if content_type:
        assert response.headers["Content-Type"].startswith(content_type)
    else:
        assert response.content == b""


def test_latency_delays_every_answer(emulator, api):
    emulator.control.configure(latency=0.2)

    started = time.monotonic()
    api.get(f"{emulator.api_url}/groups")

    assert time.monotonic() - started >= 0.2


def test_switches_start_at_the_spec_defaults(emulator):
    config = emulator.control.config()

    assert config["RATE_LIMIT"] == 120
    assert config["RATE_LIMIT_RESET"] == "epoch_ms"
    assert config["GROUP_SINGLE_WRAPPED"] is False
    assert config["LIMIT_OVER_MAX"] == "clamp"
    assert config["GRAPHQL_ENABLED"] is False
