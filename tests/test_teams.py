import re
from datetime import date

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Course, Direction, Role, Team
from tests.fixtures.app import HTMX
from tests.forms import DASH, edit, new
from tests.querycount import count_queries


def course(name: str, thinkific_id: int) -> Course:
    course = Course(name=name, thinkific_id=thinkific_id)
    db.session.add(course)
    db.session.commit()
    return course


def team_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Team))


def row_names(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/teams/\d+">([^<]*)</a>', html)


# --- the list ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_list_is_a_page_and_its_results_a_fragment_for_htmx(client, make):
    make.team("Acme")
    page = client.get("/admin/teams/")
    assert page.status_code == 200
    assert "<html" in page.text
    assert "Acme" in page.text
    assert "New team" in page.text
    fragment = client.get("/admin/teams/", headers=HTMX)
    assert "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="teams-results"')
    assert "Acme" in fragment.text


@pytest.mark.usefixtures("admin")
def test_list_counts_groups_and_distinct_users(client, make):
    acme = make.team("Acme", seat_limit=10)
    north, south = make.group("North"), make.group("South")
    make.assignment(north, acme)
    make.assignment(south, acme, Direction.DISABLED)
    both = make.member(north)
    make.member(south, both)
    make.member(south)
    row = client.get("/admin/teams/", headers=HTMX).text
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == ["2", "2", "2 / 10"]


@pytest.mark.usefixtures("admin")
def test_search_matches_any_part_of_the_name_ignoring_case(client, make):
    for name in ("Acme Corp", "Beta", "ACME labs"):
        make.team(name)
    names = row_names(client.get("/admin/teams/?q=acme", headers=HTMX).text)
    assert sorted(names) == ["ACME labs", "Acme Corp"]
    assert row_names(client.get("/admin/teams/?q=%25", headers=HTMX).text) == []
    assert "No team name contains “<bdi>zzz</bdi>”" in client.get("/admin/teams/?q=zzz").text


@pytest.mark.usefixtures("admin")
def test_sorts_by_users_groups_and_seats(client, make):
    small, big, none = make.team("Small", seat_limit=5), make.team("Big"), make.team("None")
    group = make.group()
    make.assignment(group, big)
    make.member(group), make.member(group)
    make.assignment(make.group(), small)
    make.member(make.group())
    assert row_names(client.get("/admin/teams/?sort=users&dir=desc").text) == [
        "Big",
        "None",
        "Small",
    ]
    by_groups = client.get("/admin/teams/?sort=groups&dir=asc").text
    assert row_names(by_groups) == ["None", "Big", "Small"]
    big.seat_limit = 50
    db.session.commit()
    assert row_names(client.get("/admin/teams/?sort=seats").text) == ["Small", "Big", "None"]
    assert row_names(client.get("/admin/teams/?sort=seats&dir=desc").text) == [
        "Big",
        "Small",
        "None",
    ]
    del none


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=abc", "page=99999", "sort=evil", "dir=sideways", "q=%00", "q=" + "x" * 5000],
)
def test_bad_query_strings_fall_back_to_safe_defaults(client, make, query):
    make.team("Acme")
    response = client.get(f"/admin/teams/?{query}")
    assert response.status_code == 200
    assert "Acme" in response.text or "No team name contains" in response.text


@pytest.mark.usefixtures("admin")
def test_pages_of_fifty(client, make):
    for number in range(51):
        make.team(f"Team {number:02d}")
    first = client.get("/admin/teams/").text
    assert len(row_names(first)) == 50
    assert f"1{DASH}50 of 51 teams" in first
    assert 'rel="next"' in first
    last = client.get("/admin/teams/?page=2").text
    assert row_names(last) == ["Team 50"]
    assert f"51{DASH}51 of 51 teams" in last


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize("sort", ["name", "users"])
def test_list_queries_do_not_grow_with_rows(client, make, sort):
    def queries_for_list() -> int:
        with count_queries() as statements:
            assert client.get(f"/admin/teams/?sort={sort}", headers=HTMX).status_code == 200
        return len(statements)

    def add_team_with_members() -> None:
        team, group = make.team(), make.group()
        make.assignment(group, team)
        make.member(group)

    add_team_with_members()
    few = queries_for_list()
    for _ in range(20):
        add_team_with_members()
    assert queries_for_list() == few


# --- create ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_create_answers_htmx_with_the_new_row_and_a_flash(client):
    response = client.post(
        "/admin/teams/",
        data=new({"name": "  Acme   Corp ", "description": "Widgets", "seat_limit": "25"}),
        headers=HTMX,
    )
    assert response.status_code == 200
    team = db.session.scalar(select(Team))
    assert (team.name, team.name_key, team.seat_limit) == ("Acme Corp", "acme corp", 25)
    assert '<details id="team-new"' in response.text
    assert '<hx-partial hx-target="#teams-rows" hx-swap="afterbegin">' in response.text
    assert f'id="team-{team.id}"' in response.text
    assert "Created the team “Acme Corp”." in response.text


@pytest.mark.usefixtures("admin")
def test_create_without_htmx_goes_to_the_team(client):
    response = client.post("/admin/teams/", data=new({"name": "Acme"}))
    team = db.session.scalar(select(Team))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/teams/{team.id}"


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": ""}, "Give the team a name."),
        ({"name": "   "}, "Give the team a name."),
        ({"name": "x" * 121}, "at most 120 characters"),
        ({"name": "ß" * 61}, "at most 120 characters"),  # its key, "ss" * 61, is too long
        ({"name": "Tab\x07bell"}, "control characters"),
        ({"name": "Acme", "seat_limit": "0"}, "from 1 to 1,000,000"),
        ({"name": "Acme", "seat_limit": "-3"}, "from 1 to 1,000,000"),
        ({"name": "Acme", "seat_limit": "99999999999"}, "from 1 to 1,000,000"),
        ({"name": "Acme", "seat_limit": "ten"}, "Not a valid integer"),
        ({"name": "Acme", "access_ends_on": "31/12/2026"}, "Not a valid date"),
        ({"name": "Acme", "access_ends_on": "1066-10-14"}, "between 2000-01-01 and 2099-12-31"),
        ({"name": "Acme", "description": "x" * 2001}, "under 2000 characters"),
        ({"name": "Acme", "description": "nul\x00byte"}, "control characters"),
    ],
)
def test_create_refuses_bad_input_inline_and_writes_nothing(client, data, error):
    response = client.post("/admin/teams/", data=new(data), headers=HTMX)
    assert response.status_code == 422
    assert '<details id="team-new" class="new-form" open>' in response.text
    assert error in response.text
    assert 'class="field-error"' in response.text
    assert team_count() == 0


@pytest.mark.usefixtures("admin")
def test_create_refuses_a_name_taken_in_another_case(client, make):
    make.team("Équipe Ünïcødé")
    response = client.post("/admin/teams/", data=new({"name": "ÉQUIPE  ünïcødé"}), headers=HTMX)
    assert response.status_code == 422
    assert "A team named “Équipe Ünïcødé” already exists" in response.text
    assert team_count() == 1


@pytest.mark.usefixtures("admin")
def test_create_without_htmx_shows_errors_on_the_list_page(client):
    response = client.post("/admin/teams/", data=new({"name": ""}))
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Give the team a name." in response.text


@pytest.mark.usefixtures("admin")
def test_hostile_names_are_escaped(client):
    name = '<script>alert("x")</script> 日本'
    client.post(
        "/admin/teams/", data=new({"name": name, "description": "<b>bold</b>"}), headers=HTMX
    )
    page = client.get("/admin/teams/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 日本" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


# --- edit a row in place -----------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_edit_row_in_place(client, make):
    team = make.team("Acme")
    form = client.get(f"/admin/teams/{team.id}/row/edit", headers=HTMX)
    assert form.text.lstrip().startswith(f'<tr id="team-{team.id}" class="inline-form">')
    assert 'value="Acme"' in form.text
    response = client.post(
        f"/admin/teams/{team.id}/row",
        data=edit(
            "row",
            team,
            {
                "name": "Acme Two",
                "description": "",
                "seat_limit": "",
                "access_ends_on": "2030-01-31",
            },
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="team-{team.id}"')
    assert "Acme Two" in response.text
    assert "Saved the team “Acme Two”." in response.text
    db.session.refresh(team)
    assert (team.name, team.seat_limit, team.access_ends_on) == (
        "Acme Two",
        None,
        date(2030, 1, 31),
    )


@pytest.mark.usefixtures("admin")
def test_cancel_edit_gives_the_row_back(client, make):
    team = make.team("Acme")
    row = client.get(f"/admin/teams/{team.id}/row", headers=HTMX)
    assert row.text.lstrip().startswith(f'<tr id="team-{team.id}">')
    assert client.get(f"/admin/teams/{team.id}/row").status_code == 303


@pytest.mark.usefixtures("admin")
def test_edit_forms_work_as_plain_pages_without_htmx(client, make):
    team = make.team("Acme")
    form = client.get(f"/admin/teams/{team.id}/configuration/edit")
    assert "<html" in form.text
    assert "Save configuration" in form.text
    refused = client.post(
        f"/admin/teams/{team.id}/row", data=edit("row", team, {"name": "", "seat_limit": "2"})
    )
    assert refused.status_code == 422
    assert "<html" in refused.text
    assert "Give the team a name." in refused.text
    saved = client.post(
        f"/admin/teams/{team.id}/details", data=edit("details", team, {"name": "B"})
    )
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/admin/teams/{team.id}"


@pytest.mark.usefixtures("admin")
def test_edit_refuses_a_duplicate_and_changes_nothing(client, make):
    make.team("Beta")
    team = make.team("Acme", seat_limit=3)
    response = client.post(
        f"/admin/teams/{team.id}/row",
        data=edit("row", team, {"name": "BETA", "seat_limit": "9"}),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "already exists" in response.text
    assert 'class="inline-form"' in response.text
    db.session.refresh(team)
    assert (team.name, team.seat_limit) == ("Acme", 3)


@pytest.mark.usefixtures("admin")
def test_unknown_team_or_part_is_404(client, make):
    team = make.team()
    assert client.get("/admin/teams/999").status_code == 404
    assert client.get("/admin/teams/999/row/edit", headers=HTMX).status_code == 404
    assert client.post("/admin/teams/999/row", data={"name": "x"}).status_code == 404
    assert client.get(f"/admin/teams/{team.id}/secrets/edit").status_code == 404


# --- the team's page ---------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_team_page_shows_groups_with_directions_and_distinct_users(client, make):
    team = make.team("Acme", description="Line one\nLine two")
    north, south = make.group("North"), make.group("South")
    make.assignment(north, team, Direction.THINKIFIC_TO_DASHBOARD)
    make.assignment(south, team, Direction.DISABLED)
    ann = make.member(north, make.user("ann@example.com", first_name="Ann"))
    make.member(south, ann)
    make.member(make.group("Elsewhere"), make.user("zed@example.com"))
    page = client.get(f"/admin/teams/{team.id}").text
    assert "Thinkific-to-Dashboard" in page
    assert "Disabled" in page
    assert page.count("ann@example.com") == 1
    assert "zed@example.com" not in page
    assert "North, South" in re.sub(r"<[^>]+>", "", page)  # each a link to its group
    assert "1 user." in page


@pytest.mark.usefixtures("admin")
def test_team_users_search_answers_htmx_with_the_users_fragment(client, make):
    team, group = make.team(), make.group()
    make.assignment(group, team)
    make.member(group, make.user("ann@acme.com", first_name="Ann", last_name="Lee"))
    make.member(group, make.user("bob@other.com", first_name="Bob"))
    response = client.get(f"/admin/teams/{team.id}?q=LEE", headers=HTMX)
    assert response.text.lstrip().startswith('<div id="team-users"')
    assert "ann@acme.com" in response.text
    assert "bob@other.com" not in response.text


@pytest.mark.usefixtures("admin")
def test_team_without_groups_explains_where_users_come_from(client, make):
    team = make.team()
    page = client.get(f"/admin/teams/{team.id}").text
    assert "No group is assigned to this team yet" in page
    assert "No courses known yet" in page


@pytest.mark.usefixtures("admin")
def test_edit_details_in_place(client, make):
    team = make.team("Acme")
    form = client.get(f"/admin/teams/{team.id}/details/edit", headers=HTMX).text
    assert '<section id="team-details"' in form
    response = client.post(
        f"/admin/teams/{team.id}/details",
        data=edit("details", team, {"name": "Acme Inc", "description": "Makes <things>"}),
        headers=HTMX,
    )
    assert response.text.lstrip().startswith('<header id="team-details"')
    assert "Makes &lt;things&gt;" in response.text


@pytest.mark.usefixtures("admin")
def test_configure_courses_seats_and_access_in_place(client, make):
    team = make.team("Acme")
    basics, advanced = course("Basics", 11), course("Advanced <Safety>", 12)
    form = client.get(f"/admin/teams/{team.id}/configuration/edit", headers=HTMX).text
    assert "Advanced &lt;Safety&gt;" in form
    assert 'type="checkbox"' in form
    response = client.post(
        f"/admin/teams/{team.id}/configuration",
        data=edit(
            "configuration",
            team,
            {
                "courses": [basics.id, advanced.id],
                "seat_limit": "20",
                "access_ends_on": "2031-06-30",
            },
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="team-configuration"')
    assert "0 of 20 used" in response.text
    assert "2031-06-30" in response.text
    db.session.refresh(team)
    assert [c.name for c in team.courses] == ["Advanced <Safety>", "Basics"]
    again = client.get(f"/admin/teams/{team.id}/configuration/edit", headers=HTMX).text
    assert again.count("checked") == 2


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize("courses", [["999"], ["abc"]])
def test_configuration_refuses_unknown_courses(client, make, courses):
    team = make.team()
    course("Basics", 11)
    response = client.post(
        f"/admin/teams/{team.id}/configuration",
        data=edit("configuration", team, {"courses": courses}),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    db.session.refresh(team)
    assert team.courses == []


@pytest.mark.usefixtures("admin")
def test_a_seat_limit_below_the_users_is_saved_with_a_warning(client, make):
    team, group = make.team("Acme"), make.group()
    make.assignment(group, team)
    make.member(group), make.member(group), make.member(group)
    response = client.post(
        f"/admin/teams/{team.id}/configuration",
        data=edit("configuration", team, {"seat_limit": "2"}),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "1 left out" in response.text
    assert "Acme has 3 users for 2 seats: the 1 who joined last get no access from it." in (
        response.text
    )


# --- viewers -----------------------------------------------------------------------------------


def test_viewer_sees_no_mutating_buttons(client, make, auth):
    team = make.team("Acme")
    auth.login(Role.VIEWER)
    listing = client.get("/admin/teams/").text
    detail = client.get(f"/admin/teams/{team.id}").text
    assert "Acme" in listing
    for page in (listing, detail):
        assert "New team" not in page
        assert "hx-post" not in page
        assert "/edit" not in page


@pytest.mark.parametrize(
    ("part", "data"),
    [
        (None, {"name": "Sneaky"}),
        ("row", {"name": "Sneaky"}),
        ("details", {"name": "Sneaky"}),
        ("configuration", {"seat_limit": "1"}),
    ],
)
def test_viewer_cannot_change_teams(client, make, auth, part, data):
    team = make.team("Acme", seat_limit=5)
    auth.login(Role.VIEWER)
    if part is None:
        response = client.post("/admin/teams/", data=new(data), headers=HTMX)
    else:
        response = client.post(f"/admin/teams/{team.id}/{part}", data=edit(part, team, data))
    assert response.status_code == 403
    db.session.refresh(team)
    assert (team_count(), team.name, team.seat_limit) == (1, "Acme", 5)
