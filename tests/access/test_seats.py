"""Seat limits: a team gives access to at most its seats, the first to join hold them, and
the pages say who is left out and why — the same answer as the sync's."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import update

from dashboard.extensions import db
from dashboard.models import Membership, utcnow
from tests.fixtures.app import HTMX

from .helpers import access_events, configure, enrollments, learner, school, sync, team_with_group

EMAILS = ["first@example.com", "second@example.com", "third@example.com"]


def joined_in_order(site, make, group, emails=EMAILS):
    """Members who joined a day apart, in the order given."""
    users = [make.member(group, learner(site, make, email)) for email in emails]
    start = utcnow() - timedelta(days=len(users))
    for days, user in enumerate(users):
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == user.id)
            .values(added_at=start + timedelta(days=days))
        )
    db.session.commit()
    return users


def limited(site, make, emulator, seats=2):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101", seat_limit=seats)
    users = joined_in_order(site, make, group)
    return team, group, users


def enrolled(emulator) -> set[str]:
    return {email for (email, _), e in enrollments(emulator.control).items() if not e["expired"]}


def test_the_first_to_join_hold_the_seats(site, make, emulator):
    limited(site, make, emulator)
    run = sync()
    assert run.access_granted == 2
    assert enrolled(emulator) == set(EMAILS[:2])


def test_a_newcomer_never_takes_a_seat_from_someone(site, make, emulator):
    _, group, _ = limited(site, make, emulator)
    sync()
    make.member(group, learner(site, make, "late@example.com"))
    assert sync().access_granted == 0
    assert enrolled(emulator) == set(EMAILS[:2])


def test_a_lower_limit_ends_the_access_of_the_last_to_join(site, make, emulator):
    team, _, _ = limited(site, make, emulator, seats=3)
    sync()
    configure(team, "Safety 101", seat_limit=2)
    (event,) = access_events(sync())
    assert (event.action, event.email) == ("end_access", EMAILS[2])
    assert "no seat in team Acme: its 2 seats go to the 2 users who joined it first" in event.reason
    assert enrolled(emulator) == set(EMAILS[:2])


def test_a_seat_freed_goes_to_the_next_in_line(site, make, emulator):
    from dashboard.groups import service
    from dashboard.models import MemberSource

    _, group, users = limited(site, make, emulator)
    sync()
    service.remove_member(group, users[0], MemberSource.DASHBOARD)
    db.session.commit()
    run = sync()
    assert (run.access_granted, run.access_ended) == (1, 1)
    assert enrolled(emulator) == set(EMAILS[1:])


def test_the_team_page_lists_who_is_left_out_and_why(site, make, emulator, client, auth):
    team, _, users = limited(site, make, emulator)
    sync()
    auth.login()
    page = client.get(f"/admin/teams/{team.id}").text
    seats = html.unescape(re.search(r'<dd id="team-seats">(.*?)</dd>', page, re.S)[1])
    assert "2 of 2 used" in seats
    assert "1 left out" in seats
    assert "Seats go to the team's users in the order they joined it (earliest first)." in seats
    left_out = html.unescape(re.search(r'<div id="team-left-out".*?</div>', page, re.S)[0])
    assert re.findall(r"/admin/users/(\d+)", left_out) == [str(users[2].id)]
    assert "No seat: the team's 2 seats go to the 2 users who joined it first." in left_out
    assert "No seat in team Acme: its 2 seats go to the 2 users who joined it first" in (
        html.unescape(page)
    )
    rows = dict(re.findall(r'id="team-user-(\d+)".*?class="access access--(\w+)"', page, re.S))
    assert rows == {
        str(users[0].id): "active",
        str(users[1].id): "active",
        str(users[2].id): "no_seat",
    }


def test_the_teams_list_counts_seats_by_the_same_rule(site, make, emulator, client, auth):
    limited(site, make, emulator)
    auth.login()
    row = client.get("/admin/teams/", headers=HTMX).text
    seats = re.findall(r'<td class="num">(.*?)</td>', row, re.S)[-1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", seats)).strip()
    assert text == "2 / 2 +1 left out"


def test_the_user_page_says_why_a_user_has_no_access(site, make, emulator, client, auth):
    _, _, users = limited(site, make, emulator)
    sync()
    auth.login()
    seated = client.get(f"/admin/users/{users[0].id}").text
    assert "Active, no end date" in seated
    left_out = client.get(f"/admin/users/{users[2].id}").text
    section = re.search(r'<section id="user-access".*?</section>', left_out, re.S)[0]
    assert "No access" in section
    assert "no seat in team Acme: its 2 seats go to the 2 users who joined it first" in section


def test_pages_and_sync_agree_on_who_is_left_out(site, make, emulator):
    from dashboard.access import seats
    from dashboard.access.loading import Scope, load_view
    from dashboard.access.planner import allocate
    from dashboard.models import Team

    team, group, _ = limited(site, make, emulator, seats=1)
    for index in range(4):  # same moment: ties go by user id
        make.member(group, learner(site, make, f"tie{index}@example.com"))
    db.session.execute(update(Membership).values(added_at=utcnow()))
    db.session.commit()
    team = db.session.get(Team, team.id)
    view = load_view(Scope.everyone())
    planned = allocate(view.terms[team.id], view.members[team.id])
    shown = seats.left_out(team, 7)
    assert [m.user_id for m in planned.left_out] == [user.id for user, _ in shown]
