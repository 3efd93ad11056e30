import html
import re

import pytest
from sqlalchemy import delete, func, insert, select

from dashboard import listing
from dashboard.extensions import db
from dashboard.models import Course, Direction, MemberSource, Role, User
from dashboard.users.search import user_matches
from tests.fixtures.app import HTMX
from tests.forms import DASH, edit, new
from tests.querycount import count_queries


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def emails(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]*)</a>', html)


def search(q: str) -> list[str]:
    return sorted(db.session.scalars(select(User.email).where(user_matches(q))))


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def people(make):
    make.user("ann.lee@acme.com", first_name="Ann", last_name="Lee")
    make.user("bob@globex.org", first_name="Bob", last_name="Ström")
    make.user("carol_x@acme.com", first_name="Carol", last_name="O'Hara")
    make.user('odd"quote@example.com', first_name="Dee", last_name="100%")
    make.user("eve@example.net", first_name="Eve", last_name="Back\\slash")


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("acme", ["ann.lee@acme.com", "carol_x@acme.com"]),
        ("ACME.C", ["ann.lee@acme.com", "carol_x@acme.com"]),
        ("ann lee", ["ann.lee@acme.com"]),  # across email and name
        ("ström", ["bob@globex.org"]),
        ("STRÖM", ["bob@globex.org"]),
        ("l_x", ["carol_x@acme.com"]),  # "_" is a character, not a wildcard
        ("o'h", ["carol_x@acme.com"]),
        ('d"q', ['odd"quote@example.com']),
        ("100%", ['odd"quote@example.com']),
        ("%", ['odd"quote@example.com']),
        ("bo", ["bob@globex.org"]),  # shorter than a trigram
        ("k\\s", ["eve@example.net"]),
        ("zzz", []),
    ],
)
def test_search_finds_any_part_of_email_or_name(q, found):
    assert search(q) == found


def test_search_follows_changes_to_users(make):
    user = make.user("old@acme.com", first_name="Ann")
    user.email, user.last_name = "new@initech.net", "Okafor"
    db.session.commit()
    assert search("acme") == []
    assert search("initech") == ["new@initech.net"]
    assert search("okafor") == ["new@initech.net"]
    db.session.delete(user)
    db.session.commit()
    assert search("initech") == []


@pytest.mark.usefixtures("admin", "people")
def test_list_is_a_page_and_its_results_a_fragment_for_htmx(client):
    page = client.get("/admin/users/")
    assert "<html" in page.text
    assert "New user" in page.text
    fragment = client.get("/admin/users/?q=acme", headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="users-results"')
    assert emails(fragment.text) == ["ann.lee@acme.com", "carol_x@acme.com"]


@pytest.mark.usefixtures("admin")
def test_list_shows_names_thinkific_ids_and_group_counts(client, make):
    ann = make.user("ann@example.com", first_name="Ann", last_name="Lee", thinkific_id=4242)
    make.member(make.group(), ann)
    make.member(make.group(), ann)
    row = client.get("/admin/users/", headers=HTMX).text
    assert "Ann Lee" in row
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["4242", "2"]


@pytest.mark.usefixtures("admin")
def test_sorts(client, make):
    a = make.user("a@example.com", last_name="Zed", thinkific_id=2)
    b = make.user("b@example.com", last_name="Adams")
    c = make.user("c@example.com", last_name="Moss", thinkific_id=1)
    group, other = make.group(), make.group()
    make.member(group, c), make.member(other, c), make.member(group, a)
    assert emails(client.get("/admin/users/?sort=name").text) == [b.email, c.email, a.email]
    by_groups = client.get("/admin/users/?sort=groups&dir=desc").text
    assert emails(by_groups) == [c.email, a.email, b.email]
    by_id = client.get("/admin/users/?sort=thinkific_id&dir=desc").text
    assert emails(by_id) == [a.email, c.email, b.email]  # no Thinkific id: last either way
    assert emails(client.get("/admin/users/?sort=thinkific_id").text) == [c.email, a.email, b.email]


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize("sort", ["email", "name", "thinkific_id", "groups"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_page_of_every_sort_shows_each_user_once_in_order(client, sort, direction):
    """Pages past the middle are read from the other end of the index: the same order."""
    db.session.execute(
        insert(User),
        [
            {
                "email": f"u{n:03d}@example.com",
                "first_name": "Ann" if n % 2 else "Bo",
                "last_name": f"L{n % 7}",
                "thinkific_id": None if n % 3 == 0 else 1000 - n,
                "groups_count": n % 4,
            }
            for n in range(1, 121)
        ],
    )
    db.session.commit()
    users = db.session.scalars(select(User)).all()
    desc = direction == "desc"

    def key(user):
        if sort == "thinkific_id":  # without one: last both ways, then by id
            known = user.thinkific_id is not None
            sign = -1 if desc and known else 1
            return (not known, sign * (user.thinkific_id or 0), user.id * (-1 if desc else 1))
        value = {
            "email": (user.email,),
            "name": (user.last_name, user.first_name),
            "groups": (user.groups_count,),
        }[sort]
        return (value, user.id)

    expected = [user.email for user in sorted(users, key=key, reverse=desc)]
    if sort == "thinkific_id":
        expected = [user.email for user in sorted(users, key=key)]
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"/admin/users/?sort={sort}&dir={direction}&page={page}").text
        shown += emails(html)
    assert shown == expected


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    "query", ["page=-1", "page=0", "page=1e9", "page=99999", "sort=evil", "dir=up", "q=%00"]
)
def test_bad_query_strings_fall_back_to_safe_defaults(client, make, query):
    make.user("ann@example.com")
    response = client.get(f"/admin/users/?{query}")
    assert response.status_code == 200
    assert "ann@example.com" in response.text or "No user's email or name contains" in response.text


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize("query", ["", "?q=example", "?sort=groups&dir=desc", "?q=ex&sort=name"])
def test_list_queries_do_not_grow_with_rows(client, make, query):
    def queries_for_list() -> int:
        with count_queries() as statements:
            assert client.get(f"/admin/users/{query}", headers=HTMX).status_code == 200
        return len(statements)

    group = make.group()
    make.member(group, make.user())
    few = queries_for_list()
    for _ in range(30):
        make.member(group, make.user())
    assert queries_for_list() == few


@pytest.mark.usefixtures("admin")
def test_pages_say_when_a_search_has_more_matches_than_counted(client, make, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 10)
    for number in range(52):
        make.user(f"match{number:02d}@example.com")
    page = client.get("/admin/users/?q=match").text
    assert f"1{DASH}50 of 51+ users" in page
    assert 'rel="next"' in page
    last = client.get("/admin/users/?q=match&page=2").text
    assert f"51{DASH}52 of 52 users" in last


# --- create and edit ---------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_create_lower_cases_the_email_and_answers_with_the_new_row(client):
    response = client.post(
        "/admin/users/",
        data=new({"email": " Ann.Lee@Example.COM ", "first_name": " Ann ", "last_name": "Lee"}),
        headers=HTMX,
    )
    assert response.status_code == 200
    user = db.session.scalar(select(User))
    assert (user.email, user.first_name, user.last_name) == ("ann.lee@example.com", "Ann", "Lee")
    assert '<hx-partial hx-target="#users-rows" hx-swap="afterbegin">' in response.text
    assert f'<tr id="user-{user.id}" class="is-new">' in response.text
    assert "Created the user ann.lee@example.com." in response.text


@pytest.mark.usefixtures("admin")
def test_create_without_htmx_goes_to_the_user(client):
    response = client.post("/admin/users/", data=new({"email": "ann@example.com"}))
    user = db.session.scalar(select(User))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{user.id}"


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"email": ""}, "email", "Give the user's email address."),
        ({"email": "not-an-email"}, "email", "is not a valid email address"),
        ({"email": "ann@localhost"}, "email", "is not a valid email address"),
        ({"email": "<script>@x.com"}, "email", "is not a valid email address"),
        ({"email": "a" * 250 + "@x.com"}, "email", "at most 254 characters"),
        ({"email": "ann@example.com", "first_name": "x" * 101}, "first_name", "at most 100"),
        ({"email": "ann@example.com", "last_name": "Lee\x00"}, "last_name", "control characters"),
    ],
)
def test_create_refuses_bad_input_inline_and_writes_nothing(client, data, field, error):
    response = client.post("/admin/users/", data=new(data), headers=HTMX)
    assert response.status_code == 422
    assert '<details id="user-new" class="new-form" open>' in response.text
    message = re.search(
        rf'<small id="new-{field}-error" class="field-error">(.*?)</small>', response.text
    )
    assert message is not None
    assert error in html.unescape(message.group(1))
    assert "<script>@" not in response.text
    assert user_count() == 0


@pytest.mark.usefixtures("admin")
def test_create_refuses_a_duplicate_email_in_any_case(client, make):
    make.user("ann@example.com")
    response = client.post("/admin/users/", data=new({"email": "ANN@example.com"}), headers=HTMX)
    assert response.status_code == 422
    assert "A user with the email ann@example.com already exists." in response.text
    assert user_count() == 1


@pytest.mark.usefixtures("admin")
def test_edit_row_in_place(client, make):
    user = make.user("ann@example.com", first_name="Ann")
    form = client.get(f"/admin/users/{user.id}/row/edit", headers=HTMX).text
    assert form.lstrip().startswith(f'<tr id="user-{user.id}" class="inline-form">')
    response = client.post(
        f"/admin/users/{user.id}/row",
        data=edit(
            "row", user, {"email": "Ann@Initech.net", "first_name": "Anne", "last_name": "Lee 李"}
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="user-{user.id}">')
    assert "Anne Lee 李" in response.text
    db.session.refresh(user)
    assert user.email == "ann@initech.net"


@pytest.mark.usefixtures("admin")
def test_cancel_gives_the_row_or_details_back(client, make):
    user = make.user("ann@example.com")
    row = client.get(f"/admin/users/{user.id}/row", headers=HTMX).text
    assert row.lstrip().startswith(f'<tr id="user-{user.id}">')
    details = client.get(f"/admin/users/{user.id}/details", headers=HTMX).text
    assert details.lstrip().startswith('<header id="user-details"')
    assert client.get(f"/admin/users/{user.id}/row").status_code == 303


@pytest.mark.usefixtures("admin")
def test_edit_forms_work_as_plain_pages_without_htmx(client, make):
    user = make.user("ann@example.com")
    form = client.get(f"/admin/users/{user.id}/row/edit")
    assert "<html" in form.text
    assert 'value="ann@example.com"' in form.text
    refused = client.post(f"/admin/users/{user.id}/row", data=edit("row", user, {"email": "x"}))
    assert refused.status_code == 422
    assert "<html" in refused.text
    saved = client.post(
        f"/admin/users/{user.id}/details", data=edit("details", user, {"email": "a@example.com"})
    )
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/admin/users/{user.id}"


@pytest.mark.usefixtures("admin")
def test_edit_refuses_a_taken_email_and_changes_nothing(client, make):
    make.user("bob@example.com")
    user = make.user("ann@example.com", first_name="Ann")
    response = client.post(
        f"/admin/users/{user.id}/details",
        data=edit("details", user, {"email": "bob@example.com", "first_name": "Changed"}),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "already exists" in response.text
    db.session.refresh(user)
    assert (user.email, user.first_name) == ("ann@example.com", "Ann")


@pytest.mark.usefixtures("admin")
def test_email_of_a_user_linked_to_thinkific_is_changed_in_thinkific(client, make):
    user = make.user("ann@example.com", thinkific_id=77)
    form = client.get(f"/admin/users/{user.id}/details/edit", headers=HTMX).text
    assert "readonly" in form
    response = client.post(
        f"/admin/users/{user.id}/details",
        data=edit("details", user, {"email": "other@example.com", "first_name": "Ann"}),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "change the email in Thinkific" in response.text
    renamed = client.post(
        f"/admin/users/{user.id}/details",
        data=edit("details", user, {"email": "ann@example.com", "first_name": "Ann"}),
        headers=HTMX,
    )
    assert renamed.text.lstrip().startswith('<header id="user-details"')


@pytest.mark.usefixtures("admin")
def test_unknown_user_or_part_is_404(client, make):
    user = make.user()
    assert client.get("/admin/users/999").status_code == 404
    assert client.get("/admin/users/999/row/edit", headers=HTMX).status_code == 404
    assert client.post("/admin/users/999/row", data={"email": "a@example.com"}).status_code == 404
    assert client.get(f"/admin/users/{user.id}/password/edit").status_code == 404


# --- the user's page ---------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_user_page_shows_groups_teams_and_the_courses_they_give(client, make):
    acme, globex = make.team("Acme"), make.team("Globex")
    north, south = make.group("North"), make.group("South")
    make.assignment(north, acme, Direction.BIDIRECTIONAL)
    make.assignment(south, acme, Direction.DISABLED)
    make.assignment(south, globex, Direction.DASHBOARD_TO_THINKIFIC)
    basics = Course(name="Basics", thinkific_id=1)
    safety = Course(name="Safety <101>", thinkific_id=2)
    acme.courses, globex.courses = [basics, safety], [basics]
    db.session.commit()
    ann = make.member(north, make.user("ann@example.com"))
    make.member(south, ann, MemberSource.THINKIFIC)
    page = client.get(f"/admin/users/{ann.id}").text
    groups = page.split('id="user-groups"')[1].split("</section>")[0]
    assert "North" in groups
    assert "Thinkific" in groups
    teams = page.split('id="user-teams"')[1].split("</section>")[0]
    assert re.sub(r"<[^>]+>|\s+", " ", teams).count("Acme") == 1
    assert "Dashboard-to-Thinkific" in teams
    assert "Disabled" in teams
    access = page.split('id="user-access"')[1].split("</section>")[0]
    assert "Safety &lt;101&gt;" in access
    basics_row = access.split(f'id="user-course-{basics.id}"')[1].split("</tr>")[0]
    assert "Acme" in basics_row
    assert "Globex" in basics_row


@pytest.mark.usefixtures("admin")
def test_user_without_groups_gets_empty_states(client, make):
    user = make.user()
    page = client.get(f"/admin/users/{user.id}").text
    assert "Not in any group" in page
    assert "No access yet" in page


# --- viewers -----------------------------------------------------------------------------------


def test_viewer_sees_no_mutating_buttons(client, make, auth):
    user = make.user("ann@example.com")
    auth.login(Role.VIEWER)
    listing_page = client.get("/admin/users/").text
    detail = client.get(f"/admin/users/{user.id}").text
    assert "ann@example.com" in listing_page
    for page in (listing_page, detail):
        assert "New user" not in page
        assert "hx-post" not in page
        assert "/edit" not in page


@pytest.mark.parametrize("part", [None, "row", "details"])
def test_viewer_cannot_change_users(client, make, auth, part):
    user = make.user("ann@example.com")
    auth.login(Role.VIEWER)
    data = {"email": "sneaky@example.com"}
    if part is None:
        response = client.post("/admin/users/", data=new(data), headers=HTMX)
    else:
        response = client.post(f"/admin/users/{user.id}/{part}", data=edit(part, user, data))
    assert response.status_code == 403
    db.session.refresh(user)
    assert (user_count(), user.email) == (1, "ann@example.com")


def summary(client) -> str:
    html = client.get("/admin/users/").text
    return re.search(r'class="list-summary muted">([^<]*)<', html)[1].strip()


def test_the_total_follows_every_way_users_are_added_or_removed(client, auth, make):
    """The total is counted again only when users were added or removed (models/versions.py):
    by the ORM, by an INSERT or a DELETE statement (as a sync's import does), never stale."""
    auth.login()
    for n in range(3):
        make.user(f"u{n}@example.com")
    assert summary(client) == "3 users."
    db.session.execute(insert(User).values(email="bulk@example.com"))
    db.session.commit()
    assert summary(client) == "4 users."
    assert summary(client) == "4 users."  # kept
    make.user("orm@example.com")
    assert summary(client) == "5 users."
    db.session.execute(delete(User).where(User.email.in_(["u0@example.com", "u1@example.com"])))
    db.session.commit()
    assert summary(client) == "3 users."
    user = db.session.scalar(select(User).filter_by(email="orm@example.com"))
    user.first_name = "Renamed"  # not added or removed: the total kept holds
    db.session.commit()
    assert summary(client) == "3 users."
