"""The optional GraphQL endpoint: off by default; group queries, the bulk mutations, costs."""

import pytest
import requests

GROUPS = """query ThinkificSiteGroups($first: Int, $after: String) {
  site { groups(first: $first, after: $after) {
    nodes { id name createdAt } pageInfo { endCursor hasNextPage } } } }"""
MEMBERS = """query UsersInGroup($groupId: ID!, $first: Int, $after: String) {
  group(id: $groupId) { id name users(first: $first, after: $after) {
    pageInfo { endCursor hasNextPage } edges { node { id gid email } } } } }"""
USER_GROUPS = """query UserByEmail($email: EmailAddress!) {
  userByEmail(email: $email) { id email groups(first: 100) { nodes { id name } } } }"""
ADD = """mutation BulkAddUsersToGroups($input: BulkAddUsersToGroupsInput!) {
  bulkAddUsersToGroups(input: $input) { message userErrors { message } } }"""
REMOVE = """mutation BulkRemoveUsersFromGroups($input: BulkRemoveUsersFromGroupsInput!) {
  bulkRemoveUsersFromGroups(input: $input) { message userErrors { message } } }"""


@pytest.fixture
def site(emulator):
    emulator.control.configure(graphql_enabled=True)
    return emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex"}],
        users=[{"email": "ann@example.com"}, {"email": "bob@example.com"}],
        memberships=[{"group_name": "Acme", "email": "ann@example.com"}],
    )


def call(emulator, query, headers=None, **variables):
    headers = emulator.token_headers if headers is None else headers
    return requests.post(
        emulator.graphql_url, json={"query": query, "variables": variables}, headers=headers
    )


def test_the_endpoint_is_off_by_default(emulator):
    assert call(emulator, GROUPS).status_code == 404


def test_groups_page_with_cursors(emulator, site):
    first = call(emulator, GROUPS, first=1).json()
    groups = first["data"]["site"]["groups"]
    second = call(emulator, GROUPS, first=1, after=groups["pageInfo"]["endCursor"]).json()

    assert [g["name"] for g in groups["nodes"]] == ["Acme"]
    assert groups["pageInfo"]["hasNextPage"] is True
    assert [g["name"] for g in second["data"]["site"]["groups"]["nodes"]] == ["Globex"]
    assert second["data"]["site"]["groups"]["pageInfo"]["hasNextPage"] is False


def test_group_members_and_a_users_groups(emulator, site):
    acme = str(site["groups"][0]["id"])

    members = call(emulator, MEMBERS, groupId=acme, first=50).json()["data"]["group"]["users"]
    groups = call(emulator, USER_GROUPS, email="ann@example.com").json()["data"]["userByEmail"]

    assert [edge["node"]["email"] for edge in members["edges"]] == ["ann@example.com"]
    assert groups["groups"]["nodes"] == [{"id": acme, "name": "Acme"}]


def test_bulk_remove_and_add_change_membership(emulator, site):
    acme, ann, bob = site["groups"][0]["id"], site["users"][0]["id"], site["users"][1]["id"]

    removed = call(emulator, REMOVE, input={"userIds": [str(ann)], "groupIds": [str(acme)]})
    added = call(emulator, ADD, input={"userIds": [str(bob)], "groupIds": [str(acme)]})

    assert removed.json()["data"]["bulkRemoveUsersFromGroups"]["userErrors"] == []
    assert added.json()["data"]["bulkAddUsersToGroups"]["message"]
    assert emulator.control.member_emails(acme) == {"bob@example.com"}


def test_unknown_ids_are_user_errors_and_change_nothing(emulator, site):
    acme, ann = site["groups"][0]["id"], site["users"][0]["id"]

    result = call(emulator, REMOVE, input={"userIds": [str(ann), "1"], "groupIds": [str(acme)]})

    errors = result.json()["data"]["bulkRemoveUsersFromGroups"]["userErrors"]
    assert [e["message"] for e in errors] == ["User 1 not found"]
    assert emulator.control.member_emails(acme) == {"ann@example.com"}


def test_user_ids_can_be_required_as_gids(emulator, site):
    emulator.control.configure(graphql_user_ids="gid")
    acme = str(site["groups"][0]["id"])
    gid = call(emulator, MEMBERS, groupId=acme).json()["data"]["group"]["users"]["edges"][0]
    gid = gid["node"]["gid"]

    by_id = call(
        emulator, REMOVE, input={"userIds": [str(site["users"][0]["id"])], "groupIds": [acme]}
    )
    by_gid = call(emulator, REMOVE, input={"userIds": [gid], "groupIds": [acme]})

    assert by_id.json()["data"]["bulkRemoveUsersFromGroups"]["userErrors"]
    assert by_gid.json()["data"]["bulkRemoveUsersFromGroups"]["userErrors"] == []


def test_every_answer_carries_rate_information(emulator, site):
    rate = call(emulator, GROUPS, first=10).json()["extensions"]["rateLimit"]

    assert set(rate) == {"cost", "limit", "remaining", "resetAt"}
    assert rate["limit"] == 2000
    assert rate["remaining"] == 2000 - rate["cost"]


def test_a_mutation_costs_1000_points_before_normalizing(emulator, site):
    emulator.control.configure(graphql_cost_normalized=False, graphql_max_query_cost=5000)

    result = call(emulator, ADD, input={"userIds": [], "groupIds": []}).json()

    assert result["extensions"]["rateLimit"]["cost"] == 1000


def test_a_spent_budget_gives_rate_limited_errors(emulator, site):
    emulator.control.configure(graphql_points_per_minute=25)
    payload = {"userIds": [], "groupIds": []}

    results = [call(emulator, ADD, input=payload) for _ in range(3)]

    assert [r.status_code for r in results] == [200, 200, 200]
    last = results[-1].json()
    assert last["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert last["errors"][0]["message"] == "API rate limit exceeded"
    assert "data" not in last


def test_rate_limited_can_be_an_http_429(emulator, site):
    emulator.control.configure(graphql_points_per_minute=5, graphql_rate_limit_status=429)

    assert call(emulator, ADD, input={"userIds": [], "groupIds": []}).status_code == 429


def test_a_query_over_the_single_query_cap_is_refused(emulator, site):
    result = call(emulator, MEMBERS, groupId="1", first=1000).json()

    assert result["errors"][0]["extensions"]["code"] == "MAX_QUERY_COST_EXCEEDED"
    assert "exceeds the maximum single query cost limit of 1000" in result["errors"][0]["message"]


def test_the_api_key_does_not_work_for_graphql(emulator, site):
    assert call(emulator, GROUPS, headers=emulator.key_headers).status_code == 401
    emulator.control.configure(graphql_accepts_api_key=True)
    assert call(emulator, GROUPS, headers=emulator.key_headers).status_code == 200


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ site { groups { nodes { id } } } }", "OPERATION_NAME_REQUIRED"),
        ("query Broken { site {", "GRAPHQL_PARSE_FAILED"),
        ("query Unknown { nothing }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_bad_operations_are_graphql_errors(emulator, site, query, code):
    result = call(emulator, query)

    assert result.status_code == 200
    assert result.json()["errors"][0]["extensions"]["code"] == code
