"""Quick Assign Team: the inline form in a row of the Groups table."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Assignment, Direction, Group, Role, Team
from tests.fixtures.app import HTMX


def assign_url(group: Group) -> str:
    return f"/admin/groups/{group.id}/assign"


def form_data(group: Group, team: str | None = None, direction: str | None = "bidirectional"):
    """The fields of the group's assign form (prefixed, so several can be open on one page)."""
    data = {}
    if team is not None:
        data[f"g{group.id}-team"] = team
    if direction is not None:
        data[f"g{group.id}-direction"] = direction
    return data


def assignments() -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment))


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)">', html)


# --- the form ---------------------------------------------------------------------------------


def test_opening_the_form_returns_the_row_with_the_form(client, auth, make):
    auth.login()
    group = make.group("Acme")
    make.team("Globex")
    response = client.get(assign_url(group), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert html.strip().startswith(f'<tbody id="group-{group.id}"')
    assert f'<label for="g{group.id}-team">Team' in html
    assert "<legend>Sync direction</legend>" in html
    labels = re.findall(r'<label for="g\d+-direction-\d">.*?> (.*?)</label>', html)
    assert labels == [
        "Disabled",
        "Bidirectional",
        "Dashboard-to-Thinkific",
        "Thinkific-to-Dashboard",
    ]
    assert "The dashboard is the source of truth" in html
    assert "Thinkific is the source of truth" in html
    assert ">Assign</button>" in html
    assert ">Cancel</a>" in html


def test_the_form_works_as_a_plain_page(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.get(assign_url(group))
    assert "<html" in response.text
    assert "<h1>Assign a team to <bdi>Acme</bdi></h1>" in response.text


def test_team_list_offers_unassigned_teams_alphabetically(client, auth, make):
    auth.login()
    group = make.group()
    taken = make.team("Alpha")
    make.assignment(group, taken)
    make.team("charlie")
    make.team("Bravo")
    html = client.get(assign_url(group), headers=HTMX).text
    assert options(html) == ["Bravo", "charlie"]


def test_team_list_is_short_and_searchable_with_many_teams(client, auth, make):
    auth.login()
    group = make.group()
    for n in range(45):
        make.team(f"Team {n:02}")
    make.team("Zeta Corp")
    html = client.get(assign_url(group), headers=HTMX).text
    assert len(options(html)) == 20
    found = client.get(
        f"/admin/groups/{group.id}/team-options", query_string={f"g{group.id}-team": "zeta"}
    )
    assert options(found.text) == ["Zeta Corp"]
    assert "<html" not in found.text


def test_team_names_in_the_list_are_escaped(client, auth, make):
    auth.login()
    group = make.group()
    make.team('"><script>alert(1)</script>')
    html = client.get(assign_url(group), headers=HTMX).text
    assert "<script>alert(1)" not in html
    assert "&#34;&gt;&lt;script&gt;" in html


def test_cancel_returns_the_plain_row(client, auth, make):
    auth.login()
    group = make.group("Acme")
    response = client.get(f"/admin/groups/{group.id}/row", headers=HTMX)
    assert response.text.strip().startswith(f'<tbody id="group-{group.id}"')
    assert "<form" not in response.text
    assert "Quick Assign Team" in response.text


def test_cancel_without_htmx_goes_back_to_the_table(client, auth, make):
    auth.login()
    group = make.group()
    response = client.get(f"/admin/groups/{group.id}/row")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/groups/"


# --- assigning --------------------------------------------------------------------------------


def test_assign_swaps_the_row_with_new_count_and_status(client, auth, make):
    account = auth.login()
    group = make.group("Acme")
    make.team("Globex")
    response = client.post(assign_url(group), data=form_data(group, "globex"), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.strip().startswith(f'<tbody id="group-{group.id}"')
    assert "<form" not in html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    assert cells[3] == "1"  # Teams
    assert "Active (pending sync)" in html
    assert "Assigned Globex to Acme (Bidirectional)." in html  # flash, out of band
    assert 'hx-target="#flashes"' in html
    link = db.session.scalar(select(Assignment))
    assert (link.direction, link.created_by_id) == (Direction.BIDIRECTIONAL, account.id)
    assert db.session.get(Group, group.id).teams_count == 1
    assert db.session.scalar(select(Team.groups_count)) == 1


def test_assign_with_disabled_direction_keeps_not_synced(client, auth, make):
    auth.login()
    group = make.group("Acme")
    make.team("Globex")
    data = form_data(group, "Globex", "disabled")
    html = client.post(assign_url(group), data=data, headers=HTMX).text
    assert "Not synced" in html
    assert db.session.get(Group, group.id).teams_count == 1


def test_assign_without_htmx_goes_back_to_the_table(client, auth, make):
    auth.login()
    group = make.group()
    make.team("Globex")
    response = client.post(assign_url(group), data=form_data(group, "Globex"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/groups/"
    assert assignments() == 1


@pytest.mark.parametrize(
    ("team", "direction", "error"),
    [
        (None, "bidirectional", "Choose a team."),
        ("  ", "bidirectional", "Choose a team."),
        ("Deleted Meanwhile", "bidirectional", "There is no team named “Deleted Meanwhile”"),
        ("Globex", "sideways", "Choose one of the four sync directions."),
        ("Globex", None, "Choose one of the four sync directions."),
        ("x" * 300, "bidirectional", "No team has a name that long"),
    ],
)
def test_bad_input_shows_inline_and_changes_nothing(client, auth, make, team, direction, error):
    auth.login()
    group = make.group()
    make.team("Globex")
    response = client.post(assign_url(group), data=form_data(group, team, direction), headers=HTMX)
    assert response.status_code == 422
    assert error in response.text
    assert response.text.strip().startswith(f'<tbody id="group-{group.id}"')
    assert "<form" in response.text  # the form stays open, with the error
    assert assignments() == 0
    assert db.session.get(Group, group.id).teams_count == 0


def test_team_already_assigned_is_refused_inline(client, auth, make):
    auth.login()
    group = make.group("Acme")
    team = make.team("Globex")
    make.assignment(group, team)
    response = client.post(assign_url(group), data=form_data(group, "Globex"), headers=HTMX)
    assert response.status_code == 422
    assert "Acme is already assigned to Globex." in response.text
    assert 'aria-invalid="true"' in response.text
    assert assignments() == 1
    assert db.session.get(Group, group.id).teams_count == 1


def test_errors_without_htmx_show_the_form_page(client, auth, make):
    auth.login()
    group = make.group()
    response = client.post(assign_url(group), data=form_data(group, ""))
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Choose a team." in response.text


def test_unknown_group_is_404(client, auth):
    auth.login()
    assert client.get("/admin/groups/999/assign").status_code == 404
    response = client.post("/admin/groups/999/assign", data={}, headers=HTMX)
    assert response.status_code == 404
    assert response.headers["HX-Reswap"] == "none"


def test_viewer_cannot_open_or_submit_the_form(client, auth, make):
    auth.login(Role.VIEWER)
    group = make.group()
    make.team("Globex")
    assert client.get(assign_url(group), headers=HTMX).status_code == 403
    response = client.post(assign_url(group), data=form_data(group, "Globex"), headers=HTMX)
    assert response.status_code == 403
    assert assignments() == 0
