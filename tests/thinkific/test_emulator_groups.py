"""Groups over real HTTP: the spec's codes and shapes, and no update route."""

import re

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


def test_create_group_answers_200_with_the_group(emulator, api):
    response = api.post(f"{emulator.api_url}/groups", json={"name": "Acme Corp"})

    assert response.status_code == 200
    group = response.json()
    assert set(group) == {"id", "name", "token", "created_at"}
    assert group["name"] == "Acme Corp"
    assert re.fullmatch(r"[0-9a-f]{8}", group["token"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", group["created_at"])
    assert emulator.control.group_named("Acme Corp")["id"] == group["id"]


@pytest.mark.parametrize("name", ["", "   "])
def test_create_group_with_a_blank_name_is_422_and_creates_nothing(emulator, api, name):
    response = api.post(f"{emulator.api_url}/groups", json={"name": name})

    assert response.status_code == 422
    assert response.json() == {"errors": {"name": ["can't be blank"]}}
    assert emulator.control.groups() == []


def test_get_group_and_its_404(emulator, api):
    group = emulator.control.create_group("Acme")

    found = api.get(f"{emulator.api_url}/groups/{group['id']}")
    missing = api.get(f"{emulator.api_url}/groups/{group['id'] + 999}")

    assert found.status_code == 200
    assert found.json() == {k: group[k] for k in ("id", "name", "token", "created_at")}
    assert missing.status_code == 404
    assert missing.json() == {"error": ["Record not found."]}


def test_delete_group_is_204_then_404(emulator, api):
    group = emulator.control.create_group("Acme")

    first = api.delete(f"{emulator.api_url}/groups/{group['id']}")
    second = api.delete(f"{emulator.api_url}/groups/{group['id']}")

    assert (first.status_code, first.content) == (204, b"")
    assert second.status_code == 404
    assert second.json() == {"error": "Record not found."}
    assert emulator.control.groups() == []


def test_deleting_a_group_keeps_its_users(emulator, api):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}],
        users=[{"email": "ann@example.com"}],
        memberships=[{"group_name": "Acme", "email": "ann@example.com"}],
    )

    api.delete(f"{emulator.api_url}/groups/{seeded['groups'][0]['id']}")

    assert emulator.control.user_by_email("ann@example.com")["group_ids"] == []


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_groups_cannot_be_renamed(emulator, api, method):
    group = emulator.control.create_group("Acme")

    response = api.request(method, f"{emulator.api_url}/groups/{group['id']}", json={"name": "X"})

    assert response.status_code in (404, 405)
    assert emulator.control.group_named("Acme") is not None
    emulator.control.clear_violations()  # the unknown route was recorded, as it should be


def test_list_groups_in_id_order(emulator, api):
    for name in ("Charlie", "Alpha", "Bravo"):
        emulator.control.create_group(name)

    response = api.get(f"{emulator.api_url}/groups")

    assert response.status_code == 200
    assert [g["name"] for g in response.json()["items"]] == ["Charlie", "Alpha", "Bravo"]
    assert response.json()["meta"]["pagination"]["total_items"] == 3
