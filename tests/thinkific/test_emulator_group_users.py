"""`POST /group_users` and listing members with `GET /users?query[group_id]=`; no removal."""

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


@pytest.fixture
def site(emulator):
    return emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex"}],
        users=[{"email": "ann@example.com"}, {"email": "bob@example.com"}],
    )


def member_emails(emulator, api, group_id):
    response = api.get(f"{emulator.api_url}/users", params={"query[group_id]": group_id})
    assert response.status_code == 200
    return [user["email"] for user in response.json()["items"]]


def test_adding_a_user_to_groups_by_name_is_201_with_an_empty_body(emulator, api, site):
    ann = site["users"][0]["id"]

    response = api.post(
        f"{emulator.api_url}/group_users", json={"user_id": ann, "group_names": ["Acme", "Globex"]}
    )

    assert (response.status_code, response.content) == (201, b"")
    for group in site["groups"]:
        assert member_emails(emulator, api, group["id"]) == ["ann@example.com"]


def test_adding_again_is_a_quiet_201(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "group_names": ["Acme"]}

    statuses = [api.post(f"{emulator.api_url}/group_users", json=body).status_code for _ in "12"]

    assert statuses == [201, 201]
    assert member_emails(emulator, api, site["groups"][0]["id"]) == ["ann@example.com"]


def test_an_unknown_group_name_is_422_and_adds_nothing(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "group_names": ["Acme", "Initech"]}

    response = api.post(f"{emulator.api_url}/group_users", json=body)

    assert response.status_code == 422
    assert response.json() == {"errors": ["Invalid group_names"]}
    assert member_emails(emulator, api, site["groups"][0]["id"]) == []


def test_group_names_are_matched_exactly_by_default(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "group_names": ["acme"]}

    response = api.post(f"{emulator.api_url}/group_users", json=body)

    assert response.status_code == 422


def test_an_unknown_user_is_422(emulator, api, site):
    response = api.post(
        f"{emulator.api_url}/group_users", json={"user_id": 1, "group_names": ["Acme"]}
    )

    assert response.status_code == 422
    assert response.json() == {"errors": ["User could not be found."]}


def test_members_listed_are_full_users_and_page(emulator, api):
    emulator.control.generate(groups=1, users=30, memberships=30)
    group_id = emulator.control.groups()[0]["id"]

    first = api.get(f"{emulator.api_url}/users", params={"query[group_id]": group_id})
    second = api.get(f"{emulator.api_url}/users", params={"query[group_id]": group_id, "page": 2})

    assert len(first.json()["items"]) == 25
    assert len(second.json()["items"]) == 5
    assert second.json()["meta"]["pagination"]["next_page"] is None
    assert {"id", "email", "first_name", "last_name", "roles"} <= set(first.json()["items"][0])


def test_a_member_removed_in_thinkific_disappears_from_the_list(emulator, api, site):
    ann, group = site["users"][0]["id"], site["groups"][0]["id"]
    emulator.control.add_member(group, ann)

    emulator.control.remove_member(group, ann)

    assert member_emails(emulator, api, group) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/group_users"),
        ("DELETE", "/groups/{group}/users/{user}"),
        ("DELETE", "/groups/{group}/members/{user}"),
        ("DELETE", "/group_users/{user}"),
        ("POST", "/groups/{group}/remove_user"),
        ("DELETE", "/group_memberships/{user}"),
        ("DELETE", "/users/{user}/groups/{group}"),
    ],
)
def test_there_is_no_rest_route_that_removes_a_member(emulator, api, site, method, path):
    ann, group = site["users"][0]["id"], site["groups"][0]["id"]
    emulator.control.add_member(group, ann)

    url = emulator.api_url + path.format(group=group, user=ann)
    response = api.request(method, url, json={"user_id": ann, "group_names": ["Acme"]})

    assert response.status_code in (404, 405)
    assert member_emails(emulator, api, group) == ["ann@example.com"]
    emulator.control.clear_violations()
