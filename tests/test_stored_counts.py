"""Groups per user and users per team are stored, and every write of members or links keeps them
right: the Users and Teams lists sort and show them without counting rows."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Assignment, Membership, MemberSource, Team, User, utcnow
from dashboard.sync import store
from tests.fixtures.app import HTMX


def stored() -> tuple[dict[int, int], dict[int, int]]:
    db.session.expire_all()
    users = dict(db.session.execute(select(User.id, User.groups_count)).all())
    teams = dict(db.session.execute(select(Team.id, Team.users_count)).all())
    return users, teams


def counted() -> tuple[dict[int, int], dict[int, int]]:
    users = dict(
        db.session.execute(
            select(User.id, func.count(Membership.id))
            .outerjoin(Membership, Membership.user_id == User.id)
            .group_by(User.id)
        ).all()
    )
    members = (
        select(Team.id, func.count(distinct(Membership.user_id)))
        .outerjoin(Assignment, Assignment.team_id == Team.id)
        .outerjoin(Membership, Membership.group_id == Assignment.group_id)
        .group_by(Team.id)
    )
    return users, dict(db.session.execute(members).all())


def assert_counts_right() -> None:
    assert stored() == counted()


def test_every_write_of_members_and_links_keeps_the_counts(make):
    ann, bob, cy = make.user("ann@example.com"), make.user("bob@example.com"), make.user()
    acme, globex = make.team("Acme"), make.team("Globex")
    sales, support = make.group("Sales"), make.group("Support")
    make.assignment(sales, acme)
    make.member(sales, ann)
    make.member(support, ann)
    make.member(support, bob)
    assert stored()[0][ann.id] == 2
    assert stored()[1][acme.id] == 1
    assert_counts_right()

    make.assignment(support, acme)  # a link brings its group's members: ann counts once
    make.assignment(support, globex)
    assert stored()[1] == {acme.id: 2, globex.id: 2}
    assert_counts_right()

    service.remove_member(support, ann, MemberSource.DASHBOARD)  # still in Acme through Sales
    db.session.commit()
    assert stored()[1] == {acme.id: 2, globex.id: 1}
    assert_counts_right()

    store.add_members(support, [ann.id, cy.id, bob.id], utcnow())  # the sync: bob is there
    db.session.commit()
    assert stored()[0] == {ann.id: 2, bob.id: 1, cy.id: 1}
    store.remove_members(sales, [ann.id])
    db.session.commit()
    assert_counts_right()

    service.unassign(service.find_assignment(support.id, acme.id))
    db.session.commit()
    assert stored()[1][acme.id] == 0
    assert_counts_right()

    service.delete_group(support)
    db.session.commit()
    assert stored() == ({ann.id: 0, bob.id: 0, cy.id: 0}, {acme.id: 0, globex.id: 0})


def test_a_csv_import_and_an_add_in_the_page_count(client, admin, make):
    team, group = make.team("Acme"), make.group("Sales")
    make.assignment(group, team)
    response = client.post(
        f"/admin/groups/{group.id}/members", data={"email": "new@example.com"}, headers=HTMX
    )
    assert response.status_code == 200
    text = "email\nann@example.com\nbob@example.com\nnew@example.com\n"
    response = client.post(
        f"/admin/groups/{group.id}/members/import/confirm", data={"csv_text": text}
    )
    assert response.status_code in (200, 302)
    assert stored()[1][team.id] == 3
    assert_counts_right()


def test_the_lists_show_and_sort_by_the_stored_counts(client, admin, make):
    busy, idle = make.user("busy@example.com"), make.user("idle@example.com")
    big = make.team("Big")
    make.team("Small")
    for name in ("One", "Two", "Three"):
        group = make.group(name)
        make.member(group, busy)
        make.assignment(group, big)
    make.member(make.group("Four"), idle)
    users = client.get("/admin/users/?sort=groups&dir=desc", headers=HTMX).text
    assert users.index("busy@example.com") < users.index("idle@example.com")
    teams = client.get("/admin/teams/?sort=users&dir=desc", headers=HTMX).text
    assert teams.index("Big") < teams.index("Small")
