"""Strict mode: requests and responses are checked against the corrected spec."""

import pytest
import requests
from jsonschema import Draft4Validator

from dashboard.thinkific.emulator import EmulatorControl, EmulatorServer, create_emulator
from dashboard.thinkific.emulator.strict.spec import corrected_spec


@pytest.fixture
def api(emulator):
    return emulator.session()


def test_a_request_that_breaks_the_spec_is_400_naming_the_violation(emulator, api):
    ann = emulator.control.create_user("ann@example.com")
    emulator.control.create_group("Acme")

    # the body a known-broken third-party client sends (API-NOTES §6.1)
    response = api.post(
        f"{emulator.api_url}/group_users", json={"user_id": ann["id"], "group_id": 1}
    )

    assert response.status_code == 400
    assert "'group_names' is a required property" in response.json()["error"]
    assert emulator.control.user(ann["id"])["group_ids"] == []
    (violation,) = emulator.control.violations()
    assert (violation["kind"], violation["path"]) == ("request", "/api/public/v1/group_users")
    emulator.control.clear_violations()


def test_a_query_parameter_of_the_wrong_type_is_named(emulator, api):
    response = api.get(f"{emulator.api_url}/users", params={"query[group_id]": "acme"})

    assert response.status_code == 400
    assert "query parameter 'query[group_id]'" in response.json()["error"]
    emulator.control.clear_violations()


def test_an_unknown_route_is_recorded(emulator, api):
    response = api.get(f"{emulator.api_url}/groups/1/users")

    assert response.status_code == 404
    assert [v["kind"] for v in emulator.control.violations()] == ["route"]
    emulator.control.clear_violations()


def test_answers_made_off_spec_by_a_switch_are_not_checked_unless_asked(emulator, api):
    group = emulator.control.create_group("Acme")
    emulator.control.configure(group_single_wrapped=True)

    api.get(f"{emulator.api_url}/groups/{group['id']}")
    assert emulator.control.violations() == []

    emulator.control.configure(check_deviations=True)
    api.get(f"{emulator.api_url}/groups/{group['id']}")
    (violation,) = emulator.control.violations()
    assert violation["kind"] == "response"
    assert "'id' is a required property" in violation["message"]
    emulator.control.clear_violations()


def test_without_strict_mode_the_same_request_reaches_the_endpoint():
    app = create_emulator({"API_KEY": "k", "SUBDOMAIN": "s"})
    with EmulatorServer(app) as server:
        headers = {"X-Auth-API-Key": "k", "X-Auth-Subdomain": "s"}
        response = requests.post(f"{server.api_url}/groups", json={}, headers=headers)

        assert response.status_code == 422
        assert response.json() == {"errors": {"name": ["can't be blank"]}}
        assert EmulatorControl(server.url).violations() == []


def schema(name):
    return corrected_spec()["components"]["schemas"][name]


def test_corrections_e1_pagination_links_are_nullable():
    properties = schema("Pagination")["properties"]

    assert properties["next_page"]["nullable"]
    assert properties["prev_page"]["nullable"]


def test_corrections_e2_and_e3_accept_every_documented_error_form():
    def accepts(name, body):
        return Draft4Validator(schema(name)).is_valid(body)

    assert accepts("UnprocessableEntityError", {"errors": {"name": ["can't be blank"]}})
    assert accepts("UnprocessableEntityError", {"errors": ["Invalid group_names"]})
    assert accepts("UnprocessableEntityError", {"errors": {"group_id": "Invalid group ID: 1"}})
    assert accepts("ErrorNotFound", {"error": "Record not found."})
    assert accepts("ErrorNotFound", {"error": ["Record not found."]})
    assert accepts("ErrorNotFound", {"error": {"user_id": ["Could not find user with ID 1."]}})
    assert not accepts("ErrorNotFound", {"error": 404})


def test_corrections_e4_and_e5_make_optional_fields_nullable():
    assert schema("UserResponse")["properties"]["avatar_url"]["nullable"]
    assert schema("EnrollmentResponse")["properties"]["expiry_date"]["nullable"]


def test_the_corrected_spec_documents_401_and_429():
    responses = corrected_spec()["paths"]["/groups"]["get"]["responses"]

    assert "401" in responses
    assert "RateLimit-Reset" in responses["429"]["headers"]
