"""Group analysts exactly as the spec has them (API-NOTES §7), odd error shapes included."""

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


@pytest.fixture
def site(emulator):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}],
        users=[
            {"email": "boss@example.com", "roles": ["group_analyst"]},
            {"email": "ann@example.com"},
        ],
    )
    return seeded["groups"][0]["id"], seeded["users"][0]["id"], seeded["users"][1]["id"]


def analysts(emulator, api, group_id):
    return api.get(f"{emulator.api_url}/groups/{group_id}/analysts")


def test_assign_list_and_remove_an_analyst(emulator, api, site):
    group_id, boss, _ = site
    url = f"{emulator.api_url}/groups/{group_id}/analysts"

    added = api.post(url, json={"user_ids": [boss]})
    listed = analysts(emulator, api, group_id)
    removed = api.delete(f"{url}/{boss}")

    assert (added.status_code, added.content) == (201, b"")
    assert listed.json() == {"group_analysts": [boss]}
    assert removed.status_code == 204
    assert analysts(emulator, api, group_id).json() == {"group_analysts": []}


def test_assigning_reports_every_problem_as_strings(emulator, api, site):
    group_id, _, ann = site

    response = api.post(
        f"{emulator.api_url}/groups/{group_id + 50}/analysts", json={"user_ids": [ann, 7]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "user_id": "Invalid user IDs: 7",
            "group_analysts": f"User IDs missing group_analysts role:: {ann}",
            "group_id": f"Invalid group ID: {group_id + 50}",
        }
    }


def test_listing_analysts_of_an_unknown_group_is_404(emulator, api, site):
    response = analysts(emulator, api, site[0] + 50)

    assert response.status_code == 404
    assert response.json() == {
        "error": [{"group_id": f"Could not find group with ID {site[0] + 50}."}]
    }


def test_removing_with_unknown_ids_is_404_with_a_map(emulator, api, site):
    response = api.delete(f"{emulator.api_url}/groups/{site[0] + 50}/analysts/3")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "user_id": ["Could not find user with ID 3."],
            "group_id": [f"Could not find group with ID {site[0] + 50}."],
        }
    }


def test_add_groups_to_an_analyst_and_remove_one(emulator, api, site):
    group_id, boss, _ = site
    url = f"{emulator.api_url}/group_analysts/{boss}/groups"

    added = api.post(url, json={"group_ids": [group_id]})
    removed = api.delete(f"{url}/{group_id}")

    assert added.status_code == 201
    assert removed.status_code == 204
    assert analysts(emulator, api, group_id).json() == {"group_analysts": []}


def test_add_groups_to_a_user_without_the_role_is_422(emulator, api, site):
    group_id, _, ann = site

    response = api.post(
        f"{emulator.api_url}/group_analysts/{ann}/groups", json={"group_ids": [group_id, 1]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "group_analysts": f"User IDs missing group_analysts role: {ann}",
            "group_id": "Invalid group IDs: 1",
        }
    }


def test_add_groups_to_an_unknown_user_is_404(emulator, api, site):
    response = api.post(
        f"{emulator.api_url}/group_analysts/4/groups", json={"group_ids": [site[0]]}
    )

    assert response.status_code == 404
    assert response.json() == {"error": {"user_id": ["Could not find user with ID 4."]}}
