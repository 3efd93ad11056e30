"""A whole school in one group: its members list costs what a page of it costs, however many
members it has (a group of 20,000 read and sorted every member for each page of 25)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from dashboard.counts import members_changed
from dashboard.extensions import db
from dashboard.models import Group, Membership, MemberSource, User, utcnow
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
