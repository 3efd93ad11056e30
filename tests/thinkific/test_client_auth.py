"""Both ways of signing in to Thinkific, what a refusal says, and how the client presents itself."""

from __future__ import annotations

import pytest

from dashboard import create_app
from dashboard.thinkific.client import client_from_app
from dashboard.thinkific.errors import AuthenticationError, ConfigurationError


def last_request(emulator):
    return emulator.control.requests()[-1]


def test_the_api_key_and_subdomain_sign_in(thinkific, emulator):
    emulator.control.seed(groups=[{"name": "Acme"}])

    assert [g.name for g in thinkific.iter_groups()] == ["Acme"]
    assert last_request(emulator)["auth"] == "api_key"


def test_an_access_token_signs_in_and_wins_over_the_key(make_thinkific, emulator):
    emulator.control.seed(groups=[{"name": "Acme"}])
    client = make_thinkific(access_token=emulator.access_token, api_key="wrong-key")

    assert [g.name for g in client.iter_groups()] == ["Acme"]
    assert last_request(emulator)["auth"] == "bearer"


def test_every_request_names_the_dashboard_in_its_user_agent(thinkific, emulator):
    list(thinkific.iter_groups())

    assert last_request(emulator)["user_agent"].startswith("B2BDashboard/0.1.0 ")


@pytest.mark.parametrize(
    "credentials",
    [{"api_key": "0" * 32}, {"subdomain": "another-school"}, {"access_token": "expired-token"}],
)
def test_wrong_credentials_say_what_may_be_wrong(make_thinkific, credentials):
    client = make_thinkific(**credentials)

    with pytest.raises(AuthenticationError) as refused:
        list(client.iter_groups())

    message = str(refused.value)
    assert "API key and subdomain or the access token are wrong" in message
    assert "plan has no API access" in message
    assert refused.value.messages == ["Authentication Error"]
    assert client.stats.calls == 1  # a 401 is not retried


def test_a_plan_without_api_access_gets_the_same_clear_message(thinkific, emulator):
    emulator.control.configure(api_access=False)

    with pytest.raises(AuthenticationError, match="plan has no API access"):
        thinkific.get_group(1)


def test_a_client_without_credentials_is_refused_before_any_request(make_thinkific):
    with pytest.raises(ConfigurationError, match="THINKIFIC_ACCESS_TOKEN"):
        make_thinkific(api_key=None)


def test_the_app_config_builds_a_client_sharing_the_apps_redis(
    base_config, thinkific_config, emulator
):
    app = create_app({**base_config, **thinkific_config, "THINKIFIC_RATE_LIMIT": 30})
    emulator.control.seed(groups=[{"name": "Acme"}])

    with app.app_context(), client_from_app(app) as client:
        assert [g.name for g in client.iter_groups()] == ["Acme"]
        assert client.budget.rate == 30
        assert client.removals_enabled is False
        client.budget.clear()
