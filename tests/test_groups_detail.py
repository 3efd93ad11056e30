"""The group detail page: summary, edit, delete, team links and the sync status section."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select

from dashboard.extensions import db
from dashboard.models import (
    Assignment,
    Direction,
    EventOutcome,
    Group,
    Membership,
    Role,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncMode,
    SyncRun,
    SyncRunGroup,
    Team,
)
from tests.fixtures.app import HTMX
from tests.test_search_index import captured, fresh_statistics, plan


def url(group: Group, tail: str = "") -> str:
    return f"/admin/groups/{group.id}{tail}"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_group_its_links_status_and_members(client, auth, make):
    auth.login()
    group = make.group("Acme", thinkific_id=777, token="c2395613", description="Sales people")
    make.assignment(group, make.team("Globex"), Direction.DASHBOARD_TO_THINKIFIC)
    make.member(group, make.user("ann@example.com", first_name="Ann", last_name="Lee"))
    html = client.get(url(group)).text
    assert "<h1>Acme</h1>" in html
    assert "Sales people" in html
    assert "777" in html
    assert "c2395613" in html
    assert "Globex" in html
    assert '<option value="dashboard_to_thinkific" selected>' in html
    assert "This group pushes dashboard changes to Thinkific (because of Globex)." in html
    assert "ann@example.com" in html
    assert "Ann Lee" in html
    assert "Dashboard</span>" in html  # the member's source
    assert "Active (pending sync)" in html
    assert re.search(r"Last successful sync</dt><dd>never</dd>", html)
    assert 'id="group-sync-actions"' in html


def test_unknown_group_is_404(client, auth):
    auth.login()
    assert client.get("/admin/groups/12345").status_code == 404
    response = client.get("/admin/groups/12345", headers=HTMX)
    assert response.status_code == 404
    assert response.headers["HX-Reswap"] == "none"


def test_viewer_sees_everything_but_no_mutating_controls(client, auth, make):
    auth.login(Role.VIEWER)
    group = make.group("Acme")
    make.assignment(group, make.team("Globex"), Direction.BIDIRECTIONAL)
    make.member(group, make.user("ann@example.com"))
    html = client.get(url(group)).text
    assert "Globex" in html
    assert "Bidirectional" in html
    assert "ann@example.com" in html
    for control in ("hx-post", "<select", ">Edit<", ">Delete<", "Unassign", "Add member", "Remove"):
        assert control not in html


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", "/edit"),
        ("post", "/edit"),
        ("post", "/delete"),
        ("post", "/teams"),
        ("post", "/teams/1/direction"),
        ("post", "/teams/1/unassign"),
        ("post", "/members"),
        ("post", "/members/1/remove"),
    ],
)
def test_viewer_is_refused_every_change(client, auth, make, method, tail):
    auth.login(Role.VIEWER)
    group = make.group("Acme")
    response = getattr(client, method)(url(group, tail), headers=HTMX)
    assert response.status_code == 403
    assert db.session.get(Group, group.id).name == "Acme"


# --- edit -------------------------------------------------------------------------------------


def test_edit_form_opens_in_place(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.get(url(group, "/edit"), headers=HTMX)
    assert response.text.strip().startswith('<section id="group-summary"')
    assert 'value="Acme"' in response.text
    assert "<html" not in response.text


def test_edit_form_works_as_a_plain_page(client, auth, make):
    auth.login()
    group = make.group("Acme")
    html = client.get(url(group, "/edit")).text
    assert "<html" in html
    assert "<h1>Edit <bdi>Acme</bdi></h1>" in html


def test_rename_in_place(client, auth, make):
    auth.login()
    group = make.group("Acme")
    data = {"name": "Acme Corp", "description": "The new one"}
    response = client.post(url(group, "/edit"), data=data, headers=HTMX)
    assert response.status_code == 200
    assert "<h1>Acme Corp</h1>" in response.text
    assert "Saved the group “Acme Corp”." in response.text
    db.session.expire_all()
    assert (group.name, group.name_key, group.description) == (
        "Acme Corp",
        "acme corp",
        "The new one",
    )


def test_rename_without_htmx_goes_back_to_the_page(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.post(url(group, "/edit"), data={"name": "Acme 2"})
    assert response.status_code == 303
    assert response.headers["Location"] == url(group)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Give the group a name."),
        ("GLOBEX", "A group named “GLOBEX” already exists (names ignore case)."),
        ("y" * 256, "at most 255 characters"),
    ],
)
def test_bad_rename_is_refused_inline(client, auth, make, name, error):
    auth.login()
    group = make.group("Acme")
    make.group("Globex")
    response = client.post(url(group, "/edit"), data={"name": name}, headers=HTMX)
    assert response.status_code == 422
    assert error in response.text
    db.session.expire_all()
    assert group.name == "Acme"


def test_group_in_thinkific_cannot_be_renamed_but_its_description_can(client, auth, make):
    auth.login()
    group = make.group("Acme", thinkific_id=5)
    form = client.get(url(group, "/edit"), headers=HTMX).text
    assert "readonly" in form
    assert "Thinkific, which cannot rename groups by API" in form
    refused = client.post(url(group, "/edit"), data={"name": "Other"}, headers=HTMX)
    assert refused.status_code == 422
    assert "cannot rename groups by API" in refused.text
    saved = client.post(
        url(group, "/edit"), data={"name": "Acme", "description": "d"}, headers=HTMX
    )
    assert saved.status_code == 200
    db.session.expire_all()
    assert (group.name, group.description) == ("Acme", "d")


def test_cancel_edit_returns_the_summary(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.get(url(group, "/summary"), headers=HTMX)
    assert "<h1>Acme</h1>" in response.text
    assert "<form" in response.text  # the Delete button's form
    assert 'name="name"' not in response.text


# --- delete -----------------------------------------------------------------------------------


def test_delete_a_dashboard_group(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team)
    make.member(group)
    response = client.post(url(group, "/delete"), headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Location"] == "/admin/groups/"
    assert count(Group) == count(Membership) == count(Assignment) == 0
    assert db.session.get(Team, team.id).groups_count == 0
    assert "Deleted the group “Acme”." in client.get("/admin/groups/").text  # on the next page


def test_delete_without_htmx_goes_to_the_table(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.post(url(group, "/delete"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/groups/"


def test_group_in_thinkific_cannot_be_deleted_and_the_page_says_why(client, auth, make):
    auth.login()
    group = make.group("Acme", thinkific_id=5)
    html = client.get(url(group)).text
    assert ">Delete<" not in html
    assert "This group exists in Thinkific: delete it there first" in html
    response = client.post(url(group, "/delete"), headers=HTMX)
    assert response.status_code == 409
    assert response.headers["HX-Reswap"] == "none"
    assert "delete it there first" in response.text
    assert count(Group) == 1


def test_group_deleted_in_thinkific_can_be_deleted_here(client, auth, make):
    auth.login()
    group = make.group("Acme", thinkific_id=5, deleted_in_thinkific_at=datetime.now(UTC))
    assert ">Delete<" in client.get(url(group)).text
    assert client.post(url(group, "/delete"), headers=HTMX).status_code == 204
    assert count(Group) == 0


def test_delete_confirmation_names_the_group_safely(client, auth, make):
    auth.login()
    group = make.group('"><img src=x onerror=alert(1)>')
    html = client.get(url(group)).text
    assert "<img src=x" not in html
    assert 'hx-confirm="Delete the group “&#34;&gt;&lt;img src=x onerror=alert(1)&gt;”?' in html


# --- team links -------------------------------------------------------------------------------


def links(html: str) -> list[str]:
    return re.findall(r'<tr id="link-\d+">\s*<td><a href="/admin/teams/\d+">([^<]*)</a></td>', html)


def test_assign_a_team_from_the_detail_page(client, auth, make):
    auth.login()
    group = make.group("Acme")
    make.team("Globex")
    data = {f"g{group.id}-team": "Globex", f"g{group.id}-direction": "thinkific_to_dashboard"}
    response = client.post(url(group, "/teams"), data=data, headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.strip().startswith('<section id="group-teams"')
    assert links(html) == ["Globex"]
    assert "This group pulls Thinkific changes into the dashboard (because of Globex)." in html
    assert '<hx-partial hx-target="#group-sync-status" hx-swap="outerHTML">' in html
    assert "Active (pending sync)" in html
    # the group now only pulls: member editing turns off, in place
    assert '<hx-partial hx-target="#group-members" hx-swap="outerHTML">' in html
    assert "Thinkific is the source of truth for this group&#39;s members" in html


def test_assign_errors_show_in_the_teams_section(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.post(url(group, "/teams"), data={}, headers=HTMX)
    assert response.status_code == 422
    assert response.text.strip().startswith('<section id="group-teams"')
    assert "Choose a team." in response.text
    assert '<details class="assign-team" open>' in response.text
    assert count(Assignment) == 0


def test_change_direction_in_place(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team, Direction.DISABLED)
    response = client.post(
        url(group, f"/teams/{team.id}/direction"), data={"direction": "bidirectional"}, headers=HTMX
    )
    assert response.status_code == 200
    assert '<option value="bidirectional" selected>' in response.text
    assert "Globex now syncs Bidirectional." in response.text
    assert "Active (pending sync)" in response.text
    assert "#group-members" not in response.text  # editing stays allowed: no need to redraw
    db.session.expire_all()
    assert group.sync_mode == SyncMode.BOTH
    assert db.session.scalar(select(Assignment.direction)) == Direction.BIDIRECTIONAL


def test_changing_away_from_pull_only_turns_member_editing_back_on(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team, Direction.THINKIFIC_TO_DASHBOARD)
    assert "Add member" not in client.get(url(group)).text
    response = client.post(
        url(group, f"/teams/{team.id}/direction"), data={"direction": "disabled"}, headers=HTMX
    )
    assert '<hx-partial hx-target="#group-members"' in response.text
    assert "Add member" in response.text
    assert "Not synced" in response.text


@pytest.mark.parametrize("direction", ["", "sideways", "DISABLED"])
def test_unknown_direction_changes_nothing(client, auth, make, direction):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team, Direction.BIDIRECTIONAL)
    response = client.post(
        url(group, f"/teams/{team.id}/direction"), data={"direction": direction}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Choose one of the four sync directions." in response.text
    assert response.headers["HX-Reswap"] == "none"
    assert db.session.scalar(select(Assignment.direction)) == Direction.BIDIRECTIONAL


def test_unassign_in_place(client, auth, make):
    auth.login()
    group = make.group("Acme")
    globex, initech = make.team("Globex"), make.team("Initech")
    make.assignment(group, globex)
    make.assignment(group, initech)
    response = client.post(url(group, f"/teams/{globex.id}/unassign"), headers=HTMX)
    assert response.status_code == 200
    assert links(response.text) == ["Initech"]
    assert "Unassigned Globex from Acme." in response.text
    db.session.expire_all()
    assert group.teams_count == 1
    assert globex.groups_count == 0


def test_unassign_the_last_team_leaves_the_group_not_synced(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team)
    html = client.post(url(group, f"/teams/{team.id}/unassign"), headers=HTMX).text
    assert "Not assigned to any team yet." in html
    assert "Not synced" in html


def test_link_actions_without_htmx_go_back_to_the_page(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team)
    response = client.post(url(group, f"/teams/{team.id}/unassign"))
    assert response.status_code == 303
    assert response.headers["Location"] == url(group)


def test_unknown_link_is_404(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    assert client.post(url(group, f"/teams/{team.id}/unassign"), headers=HTMX).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/99999999999999999999", "/2147483648/assign", "/0", "/-1", "/1/members/99999999999/remove"],
)
def test_out_of_range_ids_are_404_not_errors(client, auth, make, path):
    auth.login()
    make.group()
    method = client.post if path.endswith("remove") else client.get
    assert method("/admin/groups" + path).status_code == 404


def test_undecodable_query_strings_are_harmless(client, auth, make):
    auth.login()
    group = make.group("Acme")
    assert client.get("/admin/groups/?q=%ff%fe&page=%00&sort=%c3").status_code == 200
    assert client.get(f"/admin/groups/{group.id}?q=%ff&page=%ff").status_code == 200


# --- recent runs ------------------------------------------------------------------------------


def add_run(group: Group | None = None) -> SyncRun:
    run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED, group=group)
    db.session.add(run)
    db.session.flush()
    return run


def shown_runs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Run #(\d+)</a>", html)]


def test_recent_runs_are_the_latest_five_of_its_own_that_synced_it_or_left_it_an_event(
    client, auth, make
):
    """Its own runs, runs of all groups that synced it (changes or not), and runs that left
    an event about it without syncing it (one that could not): newest first, five."""
    auth.login()
    group, other = make.group("Acme"), make.group("Globex")
    touching = []
    for _ in range(3):
        touching.append(add_run(group).id)  # its own
        add_run(other)  # another group's
        run = add_run()  # all groups, synced it
        db.session.add(SyncRunGroup(run_id=run.id, group_id=group.id))
        touching.append(run.id)
        run = add_run()  # all groups, left it an event alone
        db.session.add(
            SyncEvent(
                run_id=run.id,
                group_id=group.id,
                action="sync_group",
                outcome=EventOutcome.FAILED,
                reason="Thinkific did not answer",
            )
        )
        touching.append(run.id)
        add_run()  # all groups, never touched it
    db.session.commit()
    assert shown_runs(client.get(url(group)).text) == sorted(touching, reverse=True)[:5]


def test_recent_runs_read_a_few_rows_by_index_whatever_the_history(client, auth, make):
    """The latest runs come from each source's index, newest first: the page never reads the
    history back until five match (13 ms at a year of syncs every ten minutes)."""
    auth.login()
    group = make.group("Acme")
    first = add_run(group)
    db.session.execute(
        insert(SyncRun),
        [{"trigger": RunTrigger.SCHEDULE, "state": RunState.SUCCEEDED}] * 3000,
    )
    db.session.commit()
    fresh_statistics()
    with captured() as seen:
        html = client.get(url(group)).text
    assert shown_runs(html) == [first.id]
    runs = [(s, p) for s, p in seen if re.search(r"FROM sync_runs\s+WHERE", s)]
    assert runs, "the page read no runs"
    for statement, parameters in runs:
        shown = plan(statement, parameters)
        assert "Scan Backward using pk_sync_runs" not in shown, shown
        assert "Seq Scan on sync_runs" not in shown, shown
        assert not re.search(r"\bSCAN sync_runs\b", shown), shown
