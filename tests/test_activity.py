"""The audit trail records every sign-in, sign-out, refused sign-in and admin change once, with
who, when, from where and what changed; a refused change records nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import activity
from dashboard.extensions import db
from dashboard.models import Activity, Direction, Role
from tests.fixtures.app import HTMX, PASSWORD
from tests.forms import edit, new

ADDRESS = "203.0.113.7"
FROM = {"REMOTE_ADDR": ADDRESS}


def mark() -> int:
    """The newest record's id: what a test does next is recorded after it."""
    return db.session.scalar(select(func.max(Activity.id))) or 0


def since(start: int) -> list[Activity]:
    db.session.expire_all()
    return list(db.session.scalars(select(Activity).where(Activity.id > start).order_by("id")))


def only(start: int) -> Activity:
    (record,) = since(start)
    return record


def about(record: Activity) -> tuple:
    return (record.kind, record.object_type, record.object_id, record.before, record.after)


# --- sign-in and sign-out ----------------------------------------------------------------------


def test_sign_in_and_out_say_who_and_from_where(client, make):
    account = make.account(email="ann@example.com")
    start = mark()
    data = {"email": "ANN@example.com", "password": PASSWORD}
    assert client.post("/login", data=data, environ_base=FROM).status_code == 302
    assert client.post("/logout", environ_base=FROM).status_code == 302
    signed_in, signed_out = since(start)
    for record, kind in ((signed_in, "sign_in"), (signed_out, "sign_out")):
        assert record.kind == kind
        assert (record.account_id, record.actor_email, record.ip) == (
            account.id,
            "ann@example.com",
            ADDRESS,
        )
        assert (record.object_type, record.object_id) == ("account", account.id)
    assert signed_in.at <= signed_out.at


@pytest.mark.parametrize("email", ["ann@example.com", "nobody@example.com"])
def test_a_failed_sign_in_records_the_email_tried_not_the_password(client, make, email):
    make.account(email="ann@example.com")
    start = mark()
    data = {"email": email, "password": "wrong password 123"}
    assert client.post("/login", data=data, environ_base=FROM).status_code == 422
    record = only(start)
    assert (record.kind, record.account_id, record.actor_email, record.ip) == (
        "sign_in_failed",
        None,
        email,
        ADDRESS,
    )
    assert record.after == {"email": email}
    assert "wrong password" not in str(record.before) + str(record.after)


def test_the_address_is_the_one_a_proxy_fix_in_front_of_the_app_gives(app, client, make):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    make.account(email="ann@example.com")
    start = mark()
    data = {"email": "ann@example.com", "password": PASSWORD}
    client.post(
        "/login", data=data, headers={"X-Forwarded-For": "198.51.100.23"}, environ_base=FROM
    )
    assert only(start).ip == "198.51.100.23"


def test_a_lock_out_is_recorded_with_its_own_kind(app):
    record = activity.locked_out("ann@example.com", minutes=15)
    assert db.session.get(Activity, record.id).kind == "locked_out"
    assert (record.actor_email, record.after) == (
        "ann@example.com",
        {"email": "ann@example.com", "minutes": 15},
    )


# --- groups ------------------------------------------------------------------------------------


def test_group_created_edited_and_deleted(client, admin):
    start = mark()
    client.post("/admin/groups/", data={"name": "Acme", "description": "first"}, headers=HTMX)
    created = only(start)
    group_id = created.object_id
    assert about(created) == (
        "group_created",
        "group",
        group_id,
        None,
        {"name": "Acme", "description": "first"},
    )
    assert (created.account_id, created.actor_email) == (admin.id, admin.email)
    assert created.object_name == "Acme"

    start = mark()
    client.post(
        f"/admin/groups/{group_id}/edit",
        data={"name": "Acme Corp", "description": "first"},
        headers=HTMX,
    )
    assert about(only(start)) == (
        "group_edited",
        "group",
        group_id,
        {"name": "Acme"},
        {"name": "Acme Corp"},
    )

    start = mark()
    assert client.post(f"/admin/groups/{group_id}/delete", headers=HTMX).status_code == 204
    deleted = only(start)
    assert about(deleted) == (
        "group_deleted",
        "group",
        group_id,
        {"name": "Acme Corp", "description": "first"},
        None,
    )
    assert deleted.object_name == "Acme Corp"


def test_an_edit_that_changes_nothing_records_nothing(client, admin, make):
    group = make.group("Acme")
    start = mark()
    client.post(f"/admin/groups/{group.id}/edit", data={"name": "Acme"}, headers=HTMX)
    assert since(start) == []


def test_team_links_assigned_redirected_and_unassigned(client, admin, make):
    group, team = make.group("Acme"), make.team("Globex")
    start = mark()
    data = {f"g{group.id}-team": "Globex", f"g{group.id}-direction": "thinkific_to_dashboard"}
    assert (
        client.post(f"/admin/groups/{group.id}/teams", data=data, headers=HTMX).status_code == 200
    )
    assigned = only(start)
    assert about(assigned) == (
        "team_assigned",
        "group",
        group.id,
        None,
        {"team": "Globex", "direction": "thinkific_to_dashboard"},
    )
    assert (assigned.related_type, assigned.related_id, assigned.related_name) == (
        "team",
        team.id,
        "Globex",
    )

    start = mark()
    url = f"/admin/groups/{group.id}/teams/{team.id}"
    client.post(f"{url}/direction", data={"direction": "bidirectional"}, headers=HTMX)
    assert about(only(start)) == (
        "direction_changed",
        "group",
        group.id,
        {"direction": "thinkific_to_dashboard"},
        {"direction": "bidirectional"},
    )

    start = mark()
    client.post(f"{url}/unassign", headers=HTMX)
    unassigned = only(start)
    assert about(unassigned) == (
        "team_unassigned",
        "group",
        group.id,
        {"team": "Globex", "direction": "bidirectional"},
        None,
    )
    assert unassigned.related_id == team.id


def test_quick_assign_from_the_list_is_recorded(client, admin, make):
    group = make.group("Acme")
    make.team("Globex")
    start = mark()
    data = {f"g{group.id}-team": "Globex", f"g{group.id}-direction": "disabled"}
    assert (
        client.post(f"/admin/groups/{group.id}/assign", data=data, headers=HTMX).status_code == 200
    )
    assert about(only(start))[:3] == ("team_assigned", "group", group.id)


def test_members_added_and_removed(client, admin, make):
    group = make.group("Acme")
    start = mark()
    client.post(
        f"/admin/groups/{group.id}/members", data={"email": "Bea@Example.com"}, headers=HTMX
    )
    added = only(start)
    assert about(added) == (
        "member_added",
        "group",
        group.id,
        None,
        {"email": "bea@example.com", "source": "dashboard"},
    )
    assert (added.related_type, added.related_name) == ("user", "bea@example.com")

    start = mark()
    client.post(f"/admin/groups/{group.id}/members/{added.related_id}/remove", headers=HTMX)
    removed = only(start)
    assert about(removed) == (
        "member_removed",
        "group",
        group.id,
        {"email": "bea@example.com"},
        None,
    )
    assert removed.related_id == added.related_id


# --- teams and users ---------------------------------------------------------------------------


def test_team_created_renamed_and_configured(client, admin, make):
    start = mark()
    client.post("/admin/teams/", data=new({"name": "Acme", "description": "d"}), headers=HTMX)
    created = only(start)
    assert about(created)[:2] == ("team_created", "team")
    assert created.after == {
        "name": "Acme",
        "description": "d",
        "courses": [],
        "seat_limit": None,
        "access_ends_on": None,
    }
    team_id = created.object_id

    start = mark()
    client.post(
        f"/admin/teams/{team_id}/details",
        data={f"details-{team_id}-name": "Acme Ltd", f"details-{team_id}-description": "d"},
        headers=HTMX,
    )
    assert about(only(start)) == (
        "team_edited",
        "team",
        team_id,
        {"name": "Acme"},
        {"name": "Acme Ltd"},
    )

    start = mark()
    configuration = {
        f"configuration-{team_id}-seat_limit": "20",
        f"configuration-{team_id}-access_ends_on": "2031-06-30",
    }
    client.post(f"/admin/teams/{team_id}/configuration", data=configuration, headers=HTMX)
    assert about(only(start)) == (
        "team_edited",
        "team",
        team_id,
        {"seat_limit": None, "access_ends_on": None},
        {"seat_limit": 20, "access_ends_on": "2031-06-30"},
    )


def test_a_teams_row_edit_is_one_record_with_its_seat_limit(client, admin, make):
    team = make.team("Acme", description="d")
    start = mark()
    data = edit("row", team, {"name": "Acme", "description": "d", "seat_limit": "5"})
    assert client.post(f"/admin/teams/{team.id}/row", data=data, headers=HTMX).status_code == 200
    assert about(only(start)) == (
        "team_edited",
        "team",
        team.id,
        {"seat_limit": None},
        {"seat_limit": 5},
    )


def test_user_created_and_edited(client, admin):
    start = mark()
    client.post("/admin/users/", data=new({"email": "ann@example.com"}), headers=HTMX)
    created = only(start)
    assert about(created)[:2] == ("user_created", "user")
    assert created.after == {"email": "ann@example.com", "first_name": "", "last_name": ""}

    start = mark()
    user_id = created.object_id
    data = {
        f"details-{user_id}-email": "ann@example.com",
        f"details-{user_id}-first_name": "Ann",
        f"details-{user_id}-last_name": "Lee",
    }
    client.post(f"/admin/users/{user_id}/details", data=data, headers=HTMX)
    assert about(only(start)) == (
        "user_edited",
        "user",
        user_id,
        {"first_name": "", "last_name": ""},
        {"first_name": "Ann", "last_name": "Lee"},
    )


# --- refused changes record nothing ------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_refused_changes_record_nothing(client, make):
    group, team = make.group("Acme"), make.team("Globex")
    make.assignment(group, team, Direction.BIDIRECTIONAL)
    make.user("bob@example.com")
    start = mark()
    refusals = [
        ("/admin/groups/", {"name": ""}),
        ("/admin/groups/", {"name": "ACME"}),
        (f"/admin/groups/{group.id}/edit", {"name": ""}),
        (f"/admin/groups/{group.id}/teams", {}),
        (f"/admin/groups/{group.id}/teams/{team.id}/direction", {"direction": "sideways"}),
        (f"/admin/groups/{group.id}/members", {"email": "nope"}),
        ("/admin/teams/", new({"name": ""})),
        ("/admin/users/", new({"email": "BOB@example.com"})),
    ]
    for path, data in refusals:
        assert client.post(path, data=data, headers=HTMX).status_code == 422, path
    assert since(start) == []


def test_a_viewer_is_refused_and_nothing_is_recorded(client, auth, make):
    group, team = make.group("Acme"), make.team("Globex")
    auth.login(Role.VIEWER)
    start = mark()
    for path, data in [
        ("/admin/groups/", {"name": "New"}),
        (f"/admin/groups/{group.id}/edit", {"name": "Other"}),
        (f"/admin/groups/{group.id}/delete", {}),
        (
            f"/admin/groups/{group.id}/teams",
            {f"g{group.id}-team": "Globex", f"g{group.id}-direction": "disabled"},
        ),
        (f"/admin/groups/{group.id}/members", {"email": "x@example.com"}),
        ("/admin/teams/", new({"name": "T"})),
        (f"/admin/teams/{team.id}/details", edit("details", team, {"name": "X"})),
        ("/admin/users/", new({"email": "u@example.com"})),
    ]:
        assert client.post(path, data=data, headers=HTMX).status_code == 403, path
    assert since(start) == []


def test_a_change_outside_a_request_is_the_systems(app, make):
    start = mark()
    make.group("Seeded")
    record = only(start)
    assert (record.kind, record.account_id, record.actor_email, record.ip) == (
        "group_created",
        None,
        "",
        "",
    )
