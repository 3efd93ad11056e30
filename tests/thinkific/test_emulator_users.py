"""Users: filters, create/update/delete codes and Rails-style 422s (API-NOTES §8)."""

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


@pytest.fixture
def users_url(emulator):
    return f"{emulator.api_url}/users"


def new_user(**fields):
    return {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"} | fields


def test_create_user_is_201_with_the_user_and_no_welcome_email(emulator, api, users_url):
    response = api.post(users_url, json=new_user(company="Acme"))

    assert response.status_code == 201
    user = response.json()
    assert (user["email"], user["full_name"], user["company"]) == (
        "ann@example.com",
        "Ann Lee",
        "Acme",
    )
    assert user["roles"] == []
    assert emulator.control.welcome_emails() == []


def test_send_welcome_email_is_honoured_and_recorded(emulator, api, users_url):
    user = api.post(users_url, json=new_user(send_welcome_email=True)).json()

    assert emulator.control.welcome_emails() == [{"user_id": user["id"], "email": user["email"]}]
    assert emulator.control.user(user["id"])["welcome_email"] is True


def test_a_duplicate_email_is_422_in_the_documented_map_form(emulator, api, users_url):
    api.post(users_url, json=new_user())

    response = api.post(users_url, json=new_user(email="ANN@example.com", first_name="Other"))

    assert response.status_code == 422
    assert response.json() == {"errors": {"email": ["has already been taken"]}}
    assert len(emulator.control.users()) == 1


def test_blank_names_are_422_per_field(api, users_url):
    response = api.post(users_url, json=new_user(first_name="", last_name=" "))

    assert response.status_code == 422
    assert response.json() == {
        "errors": {"first_name": ["can't be blank"], "last_name": ["can't be blank"]}
    }


def test_get_user_and_404(emulator, api, users_url):
    user = emulator.control.create_user("ann@example.com")

    assert api.get(f"{users_url}/{user['id']}").json()["email"] == "ann@example.com"
    missing = api.get(f"{users_url}/{user['id'] + 1000}")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Record not found."}


def test_update_user_is_204_and_changes_the_user(emulator, api, users_url):
    user = emulator.control.create_user("ann@example.com")

    response = api.put(
        f"{users_url}/{user['id']}", json={"last_name": "Smith", "roles": ["group_analyst"]}
    )

    assert (response.status_code, response.content) == (204, b"")
    changed = api.get(f"{users_url}/{user['id']}").json()
    assert (changed["last_name"], changed["roles"]) == ("Smith", ["group_analyst"])


def test_update_to_a_taken_email_is_422_and_changes_nothing(emulator, api, users_url):
    emulator.control.create_user("ann@example.com")
    bob = emulator.control.create_user("bob@example.com")

    response = api.put(f"{users_url}/{bob['id']}", json={"email": "ann@example.com"})

    assert response.status_code == 422
    assert response.json() == {"errors": {"email": ["has already been taken"]}}
    assert emulator.control.user(bob["id"])["email"] == "bob@example.com"


def test_delete_user_is_204_and_removes_their_memberships(emulator, api, users_url):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}],
        users=[{"email": "ann@example.com"}],
        memberships=[{"group_name": "Acme", "email": "ann@example.com"}],
    )
    user_id, group_id = seeded["users"][0]["id"], seeded["groups"][0]["id"]

    response = api.delete(f"{users_url}/{user_id}")

    assert response.status_code == 204
    assert emulator.control.members(group_id) == []
    assert api.delete(f"{users_url}/{user_id}").status_code == 404


def test_filters_by_email_case_insensitively_and_exactly(emulator, api, users_url):
    emulator.control.seed(users=[{"email": "ann@example.com"}, {"email": "joann@example.com"}])

    found = api.get(users_url, params={"query[email]": "Ann@Example.com"}).json()["items"]

    assert [u["email"] for u in found] == ["ann@example.com"]


def test_filters_by_role_and_external_source(emulator, api, users_url):
    emulator.control.seed(
        users=[
            {"email": "ann@example.com", "roles": ["group_analyst"]},
            {"email": "bob@example.com", "external_source": "sso"},
            {"email": "cy@example.com"},
        ]
    )

    by_role = api.get(users_url, params={"query[role]": "group_analyst"}).json()["items"]
    by_source = api.get(users_url, params={"query[external_source]": "sso"}).json()["items"]

    assert [u["email"] for u in by_role] == ["ann@example.com"]
    assert [u["email"] for u in by_source] == ["bob@example.com"]


def test_group_and_email_filters_combine(emulator, api, users_url):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}],
        users=[{"email": "ann@example.com"}, {"email": "bob@example.com"}],
        memberships=[{"group_name": "Acme", "email": "ann@example.com"}],
    )
    group_id = seeded["groups"][0]["id"]

    def find(email):
        params = {"query[group_id]": group_id, "query[email]": email, "limit": 1}
        return api.get(users_url, params=params).json()["items"]

    assert [u["email"] for u in find("ann@example.com")] == ["ann@example.com"]
    assert find("bob@example.com") == []


def test_external_id_lookup_with_provider(emulator, api, users_url):
    created = api.post(users_url, json=new_user(external_id="ext-1", provider="SSO")).json()

    by_external = api.get(f"{users_url}/ext-1", params={"provider": "SSO"})
    auth = api.get(f"{users_url}/{created['id']}/authentications/SSO")

    assert by_external.json()["id"] == created["id"]
    assert auth.json() == {"provider": "SSO", "external_id": "ext-1"}
