"""Both auth modes, and the 401 for everything else (API-NOTES §1.2)."""

import pytest
import requests

GOOD = "good"


def test_api_key_with_subdomain_is_accepted(emulator):
    response = requests.get(f"{emulator.api_url}/groups", headers=emulator.key_headers)

    assert response.status_code == 200


def test_bearer_token_is_accepted_without_a_subdomain(emulator):
    response = requests.get(f"{emulator.api_url}/groups", headers=emulator.token_headers)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Auth-API-Key": "wrong", "X-Auth-Subdomain": GOOD},
        {"X-Auth-API-Key": GOOD},
        {"X-Auth-API-Key": GOOD, "X-Auth-Subdomain": "other-school"},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
    ],
)
def test_bad_credentials_are_401_authentication_error(emulator, headers):
    headers = {
        name: emulator.api_key if value == GOOD and name == "X-Auth-API-Key" else value
        for name, value in headers.items()
    }
    headers = {
        name: emulator.subdomain if value == GOOD else value for name, value in headers.items()
    }

    response = requests.get(f"{emulator.api_url}/groups", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": "Authentication Error"}


def test_a_401_changes_nothing(emulator):
    response = requests.post(f"{emulator.api_url}/groups", json={"name": "Acme"})

    assert response.status_code == 401
    assert emulator.control.groups() == []


def test_a_site_without_api_access_answers_401(emulator):
    emulator.control.configure(api_access=False)

    response = requests.get(f"{emulator.api_url}/groups", headers=emulator.key_headers)

    assert response.status_code == 401
    assert response.json() == {"error": "Authentication Error"}
