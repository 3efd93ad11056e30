"""A team link change says what the next sync would remove, and asks to confirm, before it is
saved (DESIGN §4.5); a change that removes nobody is saved at once. Either way the group's next
sync pauses before any removal."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Assignment, Direction, Group, SyncBaseMember
from tests.fixtures.app import HTMX

SYNCED_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def synced_group(make, local=(), base=(), name="Acme") -> Group:
    """A group last synced with `base` agreed on both sides, and `local` in the dashboard now."""
    group = make.group(name, thinkific_id=4100, last_synced_at=SYNCED_AT)
    users = {email: make.user(email) for email in {*local, *base}}
    for email in local:
        make.member(group, users[email])
    db.session.add_all(SyncBaseMember(group_id=group.id, user_id=users[e].id) for e in base)
    db.session.commit()
    return group


def assign_data(group: Group, team: str, direction: str, **extra) -> dict:
    return {f"g{group.id}-team": team, f"g{group.id}-direction": direction, **extra}


def link_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment))


def test_quick_assign_that_would_remove_asks_first_and_names_them(client, auth, make):
    auth.login()
    base = ["a@x.com", "b@x.com", "c@x.com", "d@x.com"]
    group = synced_group(make, local=[], base=base)
    make.team("Globex")
    data = assign_data(group, "Globex", "dashboard_to_thinkific")
    response = client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.strip().startswith(f'<tbody id="group-{group.id}"')
    assert "Assign Globex to Acme (Dashboard-to-Thinkific)?" in html
    assert (
        "The next sync will remove 4 members from Thinkific: a@x.com, b@x.com, c@x.com, …" in html
    )
    assert ">Confirm</button>" in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert link_count() == 0  # nothing saved before Confirm
    db.session.expire_all()
    assert group.removals_need_approval is False

    response = client.post(
        f"/admin/groups/{group.id}/assign", data={**data, "confirmed": "1"}, headers=HTMX
    )
    assert "Assigned Globex to Acme (Dashboard-to-Thinkific)." in response.text
    assert link_count() == 1
    db.session.expire_all()
    assert group.removals_need_approval is True  # its next sync pauses before any removal


def test_quick_assign_that_removes_nobody_is_saved_at_once(client, auth, make):
    auth.login()
    group = synced_group(make, local=["a@x.com"], base=["a@x.com"])
    make.team("Globex")
    data = assign_data(group, "Globex", "bidirectional")
    response = client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX)
    assert "Confirm" not in response.text
    assert "Assigned Globex to Acme (Bidirectional)." in response.text
    assert link_count() == 1
    db.session.expire_all()
    assert group.removals_need_approval is True


def test_the_confirm_step_works_without_javascript(client, auth, make):
    auth.login()
    group = synced_group(make, local=[], base=["a@x.com"])
    make.team("Globex")
    data = assign_data(group, "Globex", "dashboard_to_thinkific")
    response = client.post(f"/admin/groups/{group.id}/assign", data=data)
    assert response.status_code == 200
    assert "<html" in response.text
    assert "The next sync will remove 1 member from Thinkific: a@x.com." in response.text
    assert f'action="/admin/groups/{group.id}/assign"' in response.text
    response = client.post(f"/admin/groups/{group.id}/assign", data={**data, "confirmed": "1"})
    assert response.status_code == 303
    assert link_count() == 1


def test_a_group_never_read_says_removals_in_thinkific_are_not_known(client, auth, make):
    auth.login()
    group = make.group("Acme", thinkific_id=4100)  # imported, never synced
    make.team("Globex")
    data = assign_data(group, "Globex", "dashboard_to_thinkific")
    html = client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX).text
    assert "The next sync may remove members from Thinkific" in html
    assert "have not been read yet" in html
    assert link_count() == 0


def test_bad_input_still_shows_the_form_errors_not_a_confirm_step(client, auth, make):
    auth.login()
    group = synced_group(make, local=[], base=["a@x.com"])
    data = assign_data(group, "Nobody", "dashboard_to_thinkific")
    response = client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX)
    assert response.status_code == 422
    assert "There is no team named" in response.text
    assert "Confirm" not in response.text


def test_direction_change_that_would_remove_from_the_dashboard_asks_first(client, auth, make):
    auth.login()
    group = synced_group(make, local=["a@x.com", "new@x.com"], base=["a@x.com"])
    team = make.team("Globex")
    make.assignment(group, team, Direction.BIDIRECTIONAL)
    path = f"/admin/groups/{group.id}/teams/{team.id}/direction"
    data = {"direction": "thinkific_to_dashboard"}
    html = client.post(path, data=data, headers=HTMX).text
    assert html.strip().startswith('<section id="group-teams"')
    assert "Change Globex to Thinkific-to-Dashboard?" in html
    assert "The next sync will remove 1 member from the dashboard: new@x.com." in html
    assert db.session.scalar(select(Assignment.direction)) == Direction.BIDIRECTIONAL
    client.post(path, data={**data, "confirmed": "1"}, headers=HTMX)
    db.session.expire_all()
    assert db.session.scalar(select(Assignment.direction)) == Direction.THINKIFIC_TO_DASHBOARD
    assert group.removals_need_approval is True


def test_unassign_that_would_remove_asks_first(client, auth, make):
    auth.login()
    group = synced_group(make, local=["a@x.com"], base=["a@x.com", "b@x.com"])
    globex, initech = make.team("Globex"), make.team("Initech")
    make.assignment(group, globex, Direction.THINKIFIC_TO_DASHBOARD)
    make.assignment(group, initech, Direction.DASHBOARD_TO_THINKIFIC)
    path = f"/admin/groups/{group.id}/teams/{globex.id}/unassign"
    html = client.post(path, headers=HTMX).text
    assert "Unassign Globex from Acme?" in html
    assert "The next sync will remove 1 member from Thinkific: b@x.com." in html
    assert link_count() == 2
    client.post(path, data={"confirmed": "1"}, headers=HTMX)
    assert link_count() == 1


def test_pull_only_on_a_group_not_in_thinkific_removes_nobody_so_it_is_saved_at_once(
    client, auth, make
):
    auth.login()
    group = make.group("Acme")  # made in the dashboard: the sync refuses to pull into it
    make.member(group, make.user("a@x.com"))
    make.team("Globex")
    data = assign_data(group, "Globex", "thinkific_to_dashboard")
    response = client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX)
    assert "Confirm" not in response.text
    assert link_count() == 1


def test_a_direction_change_confirms_without_javascript_too(client, auth, make):
    auth.login()
    group = synced_group(make, local=["a@x.com", "new@x.com"], base=["a@x.com"])
    team = make.team("Globex")
    make.assignment(group, team, Direction.BIDIRECTIONAL)
    path = f"/admin/groups/{group.id}/teams/{team.id}/direction"
    response = client.post(path, data={"direction": "thinkific_to_dashboard"})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "The next sync will remove 1 member from the dashboard: new@x.com." in response.text
    assert f'<form method="post" action="{path}"' in response.text
    response = client.post(path, data={"direction": "thinkific_to_dashboard", "confirmed": "1"})
    assert response.status_code == 303
    assert db.session.scalar(select(Assignment.direction)) == Direction.THINKIFIC_TO_DASHBOARD
