"""The control API: reset, seeding, an admin's changes in Thinkific's UI, switches, stats."""

import pytest
import requests


def test_reset_forgets_data_switches_and_stats(emulator):
    control = emulator.control
    control.create_group("Acme")
    control.configure(group_single_wrapped=True)
    emulator.session().get(f"{emulator.api_url}/groups")

    control.reset()

    assert control.groups() == []
    assert control.config()["GROUP_SINGLE_WRAPPED"] is False
    assert control.stats()["total_requests"] == 0


def test_seed_resolves_names_and_emails_and_reports_ids(emulator):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex", "id": 77, "token": "abcdef12"}],
        users=[{"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"}],
        memberships=[
            {"group_name": "Acme", "email": "ann@example.com"},
            {"group_id": 77, "email": "ann@example.com"},
        ],
        courses=[{"name": "Safety 101"}],
        enrollments=[{"email": "ann@example.com", "course_name": "Safety 101"}],
    )

    assert seeded["memberships"] == 2
    assert [g["name"] for g in emulator.control.groups()] == ["Globex", "Acme"]
    assert emulator.control.member_emails(77) == {"ann@example.com"}
    assert emulator.control.enrollments()[0]["user_email"] == "ann@example.com"


def test_a_bad_seed_is_refused_and_changes_nothing(emulator):
    with pytest.raises(requests.HTTPError, match="memberships\\[0\\]: no such group"):
        emulator.control.seed(
            groups=[{"name": "Acme"}],
            users=[{"email": "ann@example.com"}],
            memberships=[{"group_name": "Nope", "email": "ann@example.com"}],
        )

    assert emulator.control.groups() == []
    assert emulator.control.users() == []


def test_a_seed_with_a_duplicate_email_is_refused(emulator):
    with pytest.raises(requests.HTTPError, match="users\\[1\\]: email"):
        emulator.control.seed(users=[{"email": "a@example.com"}, {"email": "A@example.com"}])


def test_generate_builds_the_benchmark_site_quickly(emulator):
    result = emulator.control.generate(groups=500, users=20_000, memberships=50_000)

    assert result["memberships"] == 50_000
    groups = emulator.control.groups()
    assert len(groups) == 500
    assert {g["members_count"] for g in groups} == {100}


def test_an_admin_adds_and_removes_a_member_in_thinkific(emulator):
    control = emulator.control
    group = control.create_group("Acme")
    ann = control.create_user("ann@example.com")

    assert control.add_member(group["id"], ann["id"]) is True
    assert control.add_member(group["id"], ann["id"]) is False
    assert control.member_emails(group["id"]) == {"ann@example.com"}
    control.remove_member(group["id"], ann["id"])
    assert control.members(group["id"]) == []


def test_removing_a_non_member_is_refused(emulator):
    group = emulator.control.create_group("Acme")

    with pytest.raises(requests.HTTPError, match="404"):
        emulator.control.remove_member(group["id"], 123)


def test_an_admin_deletes_a_group(emulator):
    group = emulator.control.create_group("Acme")

    emulator.control.delete_group(group["id"])

    response = emulator.session().get(f"{emulator.api_url}/groups/{group['id']}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("switches", "message"),
    [({"no_such_switch": 1}, "unknown switch"), ({"rate_limit_reset": "hours"}, "must be one of")],
)
def test_bad_switches_are_refused_and_change_nothing(emulator, switches, message):
    before = emulator.control.config()

    with pytest.raises(requests.HTTPError, match=message):
        emulator.control.configure(**switches)

    assert emulator.control.config() == before


def test_the_request_log_shows_what_the_client_sent(emulator):
    api = emulator.session()
    api.get(f"{emulator.api_url}/users", params={"query[group_id]": 5, "limit": 250})

    (entry,) = emulator.control.requests()

    assert entry["endpoint"] == "GET /users"
    assert "limit=250" in entry["query"]
    assert entry["user_agent"] == "b2b-dashboard-tests"
    assert entry["auth"] == "api_key"


def test_control_paths_are_not_rate_limited_or_counted(emulator):
    emulator.control.configure(rate_limit=1)

    for _ in range(5):
        emulator.control.groups()

    assert emulator.control.stats()["total_requests"] == 0


def test_a_seed_with_a_bad_date_is_refused(emulator):
    with pytest.raises(requests.HTTPError, match="activated_at"):
        emulator.control.seed(
            users=[{"email": "a@example.com"}],
            courses=[{"name": "C"}],
            enrollments=[{"email": "a@example.com", "course_name": "C", "activated_at": "soon"}],
        )

    assert emulator.control.users() == []
