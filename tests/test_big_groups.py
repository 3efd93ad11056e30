"""A whole school in one group, and a team of it: their pages cost what a page of them costs,
however many members they have (a group of 20,000 read and sorted every member for each page of
25; a team of 20,000 numbered every user's seat for each page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from dashboard.counts import members_changed, recount_teams
from dashboard.extensions import db
from dashboard.models import (
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    MemberSource,
    Team,
    User,
    utcnow,
)
from tests.fixtures.app import HTMX
from tests.test_search_index import captured, fresh_statistics, plan

MEMBERS = 1_500  # in the school's group; every user is in a small group of three too
ORDER_INDEX = "ix_memberships_group_id_added_at_id"


@pytest.fixture
def school(app) -> Group:
    """One group every user is in, added a second apart (user n, n seconds ago), among many
    small groups, with fresh statistics."""
    now = utcnow()
    db.session.execute(insert(Group), [{"name": "All learners", "name_key": "all learners"}])
    db.session.execute(
        insert(Group), [{"name": f"G {n}", "name_key": f"g {n}"} for n in range(MEMBERS // 3)]
    )
    db.session.execute(
        insert(User),
        [{"email": f"u{n:04}@example.com", "first_name": "Ann"} for n in range(MEMBERS)],
    )
    school = db.session.scalars(select(Group).where(Group.name == "All learners")).one()
    small = db.session.scalars(select(Group.id).where(Group.id != school.id)).all()
    users = db.session.scalars(select(User.id).order_by(User.id)).all()
    members = [(school.id, user, now - timedelta(seconds=n)) for n, user in enumerate(users)]
    members += [(small[n // 3], user, now) for n, user in enumerate(users)]
    db.session.execute(
        insert(Membership),
        [
            {"group_id": g, "user_id": u, "added_at": at, "source": MemberSource.THINKIFIC}
            for g, u, at in members
        ],
    )
    members_changed(school.id, users)
    school.users_count = MEMBERS  # stored, as a sync stores it
    db.session.commit()
    fresh_statistics()
    return school


def emails(page: str) -> list[str]:
    """The members' emails, in the order listed."""
    return list(dict.fromkeys(re.findall(r"u\d{4}@example\.com", page)))


def test_a_large_groups_members_are_paged_newest_first_by_index(client, admin, school):
    with captured() as seen:
        first = client.get(f"/admin/groups/{school.id}", headers=HTMX).text
    assert emails(first)[:25:24] == ["u0000@example.com", "u0024@example.com"]
    last = client.get(f"/admin/groups/{school.id}?page=60", headers=HTMX).text
    assert emails(last)[-1] == "u1499@example.com"  # the first to join, on the last page
    listed = [(s, p) for s, p in seen if "ORDER BY memberships.added_at DESC" in s]
    assert listed, "the page read no members"
    for statement, parameters in listed:
        assert ORDER_INDEX in plan(statement, parameters)


def test_a_search_most_members_match_is_counted_only_so_far(client, admin, school):
    """Every member is an Ann: the count stops at 1,000 ("1,000+") instead of reading all."""
    page = client.get(f"/admin/groups/{school.id}?q=ann", headers=HTMX).text
    assert "Showing 1\N{EN DASH}25 of 1,000+ members" in " ".join(page.split())
    assert emails(page)[0] == "u0000@example.com"
    rare = client.get(f"/admin/groups/{school.id}?q=u0042", headers=HTMX).text
    assert emails(rare) == ["u0042@example.com"]
    assert "1 member" in rare


SEATS = 10


@pytest.fixture
def school_team(school) -> Team:
    """The school's group as a team of 1,500 with 10 seats, giving a course."""
    team = Team(
        name="Whole school",
        name_key="whole school",
        seat_limit=SEATS,
        courses=[Course(name="Alpha", thinkific_id=1)],
    )
    db.session.add(team)
    db.session.flush()
    db.session.add(
        Assignment(group_id=school.id, team_id=team.id, direction=Direction.BIDIRECTIONAL)
    )
    db.session.flush()
    recount_teams([team.id])
    db.session.commit()
    fresh_statistics()
    return team


def no_seat(page: str) -> list[str]:
    """The users a page of a team's users shows without a seat."""
    rows = re.findall(r"<tr.*?</tr>", page, flags=re.S)
    return [emails(row)[0] for row in rows if emails(row) and ">No seat<" in row]


def test_a_large_teams_seats_go_to_its_first_users_read_from_the_start(client, admin, school_team):
    """User n joined n seconds ago: u1499 first. Seats 1 to 10 are u1499 to u1490; the page
    shows the next 50 as left out; each user's page agrees. The seats are read from the start
    of the group by its index, not by numbering all 1,500."""
    with captured() as seen:
        page = client.get(f"/admin/teams/{school_team.id}").text
    shown = page[page.index('id="team-left-out"') :].split("</div>")[0]
    assert emails(shown) == [f"u{n:04}@example.com" for n in range(1489, 1439, -1)]
    assert "…and 1,440 more." in shown
    latest = client.get(f"/admin/teams/{school_team.id}?sort=email&dir=desc", headers=HTMX).text
    assert emails(latest)[:11:10] == ["u1499@example.com", "u1489@example.com"]
    assert no_seat(latest) == emails(latest)[SEATS:]  # the 10 who joined first hold the seats
    read = [(s, p) for s, p in seen if s.lstrip().startswith("WITH counted")]
    assert read, "the page read no seats"
    for statement, parameters in read:
        shown_plan = plan(statement, parameters)
        assert ORDER_INDEX in shown_plan, shown_plan
        assert not re.search(r"Seq Scan on memberships|\bSCAN memberships\b", shown_plan)
    users = dict(db.session.execute(select(User.email, User.id)).all())
    first, last = users["u1490@example.com"], users["u1489@example.com"]
    assert "no seat in team Whole school" not in client.get(f"/admin/users/{first}").text
    assert "no seat in team Whole school" in client.get(f"/admin/users/{last}").text


def test_a_large_teams_users_page_walks_the_users_in_order(client, admin, school_team):
    """A page near the start walks the users by the sort's index, checking each for the team;
    further on, the team's users are gathered and sorted instead. Page after page, in either
    direction, they list every user of the team once, in order, each with their groups."""
    small = db.session.scalars(select(Group).where(Group.name == "G 0")).one()
    db.session.add(
        Assignment(group_id=small.id, team_id=school_team.id, direction=Direction.BIDIRECTIONAL)
    )
    db.session.commit()
    url = f"/admin/teams/{school_team.id}?sort=email&dir="
    everyone = [f"u{n:04}@example.com" for n in range(MEMBERS)]
    with captured() as seen:
        first = client.get(url + "asc", headers=HTMX).text
    listed = [(s, p) for s, p in seen if "ORDER BY users.email" in s]
    assert listed, "the page read no users"
    walked = plan(*listed[0])
    assert "ix_users_email_id" in walked, walked
    assert "ix_memberships_user_id" in walked, walked
    assert re.search(r"u0000@example\.com.*G 0.*All learners", first, flags=re.S)
    for direction, order in (("asc", everyone), ("desc", everyone[::-1])):
        pages = [client.get(f"{url}{direction}&page={n}", headers=HTMX).text for n in range(1, 31)]
        assert [email for page in pages for email in emails(page)] == order
