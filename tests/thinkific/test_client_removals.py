"""Removing members from Thinkific groups: GraphQL when enabled, otherwise a manual action."""

from __future__ import annotations

import pytest

from dashboard.thinkific.errors import (
    ConfigurationError,
    GraphQLError,
    GraphQLRateLimited,
    RemovalNeedsManualAction,
)
from dashboard.thinkific.transport import RetryPolicy

SPEND_POINTS = "query Spend { site { groups(first: 10) { nodes { id name } } } }"


@pytest.fixture
def site(emulator):
    emulator.control.configure(graphql_enabled=True)
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex"}],
        users=[{"email": f"{n}@example.com"} for n in ("ada", "bob", "eve")],
        memberships=[
            {"group_name": g, "email": f"{n}@example.com"}
            for g in ("Acme", "Globex")
            for n in ("ada", "bob", "eve")
        ],
    )
    groups = {g["name"]: g["id"] for g in seeded["groups"]}
    users = {u["email"].partition("@")[0]: u["id"] for u in seeded["users"]}
    return groups, users


@pytest.fixture
def remover(make_thinkific, emulator):
    return make_thinkific(access_token=emulator.access_token, removals="graphql")


def test_without_graphql_a_removal_asks_for_a_manual_action(thinkific, emulator, site):
    groups, users = site

    with pytest.raises(RemovalNeedsManualAction, match="remove them by hand in Thinkific's admin"):
        thinkific.remove_users_from_groups([users["ada"]], [groups["Acme"]])

    assert emulator.control.member_emails(groups["Acme"]) == {
        "ada@example.com",
        "bob@example.com",
        "eve@example.com",
    }
    assert thinkific.stats.calls == 0


def test_with_graphql_users_are_removed_from_the_groups(remover, emulator, site):
    groups, users = site

    remover.remove_users_from_groups([users["ada"], users["bob"]], [groups["Acme"]])

    assert emulator.control.member_emails(groups["Acme"]) == {"eve@example.com"}
    assert len(emulator.control.member_emails(groups["Globex"])) == 3
    assert remover.stats.calls == 1


def test_graphql_removal_needs_an_access_token(make_thinkific, site):
    groups, users = site
    client = make_thinkific(removals="graphql")  # API key only

    with pytest.raises(ConfigurationError, match="THINKIFIC_ACCESS_TOKEN"):
        client.remove_users_from_groups([users["ada"]], [groups["Acme"]])


def test_a_refused_removal_says_why(remover, emulator, site):
    groups, _ = site

    with pytest.raises(GraphQLError, match="User 424242 not found"):
        remover.remove_users_from_groups([424242], [groups["Acme"]])

    assert len(emulator.control.member_emails(groups["Acme"])) == 3


def test_when_the_points_run_low_graphql_pauses_for_everyone(remover, emulator, site):
    groups, users = site
    emulator.control.configure(graphql_points_per_minute=15)  # one mutation costs 10

    remover.remove_users_from_groups([users["ada"]], [groups["Acme"]])

    assert remover.budget.graphql_pause.remaining() > 30  # until the minute's reset


@pytest.mark.parametrize("status", [200, 429])
def test_a_rate_limited_removal_pauses_graphql_until_the_reset(
    make_thinkific, emulator, site, status
):
    groups, users = site
    emulator.control.configure(graphql_points_per_minute=12, graphql_rate_limit_status=status)
    other_integration = emulator.session(bearer=True)
    spent = other_integration.post(
        emulator.graphql_url, json={"query": SPEND_POINTS, "operationName": "Spend"}, timeout=10
    )
    assert spent.ok
    client = make_thinkific(
        access_token=emulator.access_token, removals="graphql", retry=RetryPolicy(attempts=1)
    )

    with pytest.raises(GraphQLRateLimited):
        client.remove_users_from_groups([users["ada"]], [groups["Acme"]])

    assert client.stats.rate_limited == 1
    assert 30 < client.budget.graphql_pause.remaining() <= 61
    assert len(emulator.control.member_emails(groups["Acme"])) == 3
