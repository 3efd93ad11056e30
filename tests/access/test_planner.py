"""The access planner: pure, so each rule of team access is checked on plain data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dashboard.access.planner import (
    NO_END,
    AccessAction,
    AccessSnapshot,
    Held,
    Member,
    Terms,
    allocate,
    end_of_day,
    plan_access,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SAFETY, FIRE = 1, 2
COURSES = {SAFETY: "Safety 101", FIRE: "Fire drills"}


def joined(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


def snapshot(teams, members, held=None, scope=None) -> AccessSnapshot:
    users = {m.user_id for ms in members.values() for m in ms} | {u for u, _ in held or {}}
    return AccessSnapshot(
        teams={t.team_id: t for t in teams},
        members=members,
        course_names=COURSES,
        held=held or {},
        scope=frozenset(users if scope is None else scope),
    )


def acme(**fields) -> Terms:
    return Terms(1, "Acme", frozenset(fields.pop("courses", {SAFETY})), **fields)


def actions(plan) -> list[tuple[str, int, int]]:
    return [(c.action.value, c.user_id, c.course_id) for c in plan.changes]


def test_a_missing_enrollment_is_granted_until_the_end_of_the_teams_last_day():
    plan = plan_access(
        snapshot([acme(ends_on=date(2026, 12, 31))], {1: [Member(7, joined(3))]}), now=NOW
    )
    (change,) = plan.changes
    assert (change.action, change.user_id, change.course_id) == (AccessAction.GRANT, 7, SAFETY)
    assert change.expires_at == datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert change.reason == "enroll in “Safety 101”: given by team Acme (until 2026-12-31)"


def test_no_end_date_means_an_enrollment_that_never_expires():
    plan = plan_access(snapshot([acme()], {1: [Member(7, joined(3))]}), now=NOW)
    assert plan.changes[0].expires_at is None
    assert plan.changes[0].reason.endswith("given by team Acme (no end date)")


def test_several_teams_give_one_course_and_the_latest_end_wins():
    teams = [
        acme(ends_on=date(2027, 1, 31)),
        Terms(2, "Beta", frozenset({SAFETY}), date(2027, 6, 30)),
    ]
    members = {1: [Member(7, joined(3))], 2: [Member(7, joined(1))]}
    (change,) = plan_access(snapshot(teams, members), now=NOW).changes
    assert change.expires_at == end_of_day(date(2027, 6, 30))
    assert "given by teams Acme (until 2027-01-31), Beta (until 2027-06-30)" in change.reason
    assert change.reason.endswith("the latest end wins (until 2027-06-30)")


def test_no_end_date_beats_any_date():
    teams = [acme(ends_on=date(2027, 1, 31)), Terms(2, "Beta", frozenset({SAFETY}))]
    members = {1: [Member(7, joined(3))], 2: [Member(7, joined(1))]}
    (change,) = plan_access(snapshot(teams, members), now=NOW).changes
    assert change.expires_at is None


def test_a_team_whose_end_date_passed_gives_nothing_and_ends_what_it_gave():
    team = acme(ends_on=date(2026, 11, 26))
    held = {(7, SAFETY): Held(900001, None, ours=True)}
    (change,) = plan_access(snapshot([team], {1: [Member(7, joined(3))]}, held), now=NOW).changes
    assert (change.action, change.expires_at, change.enrollment_id) == (
        AccessAction.END,
        NOW,
        900001,
    )
    assert change.reason == "end access to “Safety 101”: team Acme's access ended on 2026-11-26"


def test_the_end_date_itself_still_gives_access():
    team = acme(ends_on=NOW.date())
    assert actions(plan_access(snapshot([team], {1: [Member(7, joined(3))]}), now=NOW)) == [
        ("grant_access", 7, SAFETY)
    ]


def test_seats_go_to_the_earliest_members_ties_by_user_id():
    team = acme(seat_limit=2)
    members = [
        Member(5, joined(1)),
        Member(9, joined(10)),
        Member(3, joined(10)),
        Member(4, joined(2)),
    ]
    seats = allocate(team, members)
    assert [m.user_id for m in seats.seated] == [3, 9]
    assert [m.user_id for m in seats.left_out] == [4, 5]
    plan = plan_access(snapshot([team], {1: members}), now=NOW)
    assert actions(plan) == [("grant_access", 3, SAFETY), ("grant_access", 9, SAFETY)]


def test_a_user_who_lost_a_seat_is_ended_with_the_reason():
    team = acme(seat_limit=1)
    members = [Member(1, joined(5)), Member(2, joined(1))]
    held = {(2, SAFETY): Held(900002, None, ours=True), (1, SAFETY): Held(900001, None, True)}
    (change,) = plan_access(snapshot([team], {1: members}, held), now=NOW).changes
    assert (change.action, change.user_id) == (AccessAction.END, 2)
    assert (
        "no seat in team Acme: its 1 seats go to the 1 users who joined it first" in change.reason
    )
    assert "this user joined on 2026-11-26 12:00 UTC" in change.reason


def test_enrollments_made_outside_the_dashboard_are_never_touched():
    held = {
        (7, SAFETY): Held(900001, NOW - timedelta(days=1), ours=False),  # expired, still wanted
        (8, SAFETY): Held(900002, None, ours=False),  # not wanted at all
    }
    plan = plan_access(snapshot([acme()], {1: [Member(7, joined(3))]}, held), now=NOW)
    assert plan.changes == ()
    (note,) = plan.notes
    assert note.user_id == 7
    assert "enrolled in Thinkific outside the dashboard (expired)" in note.reason


def test_access_no_longer_given_is_ended_by_expiring_it_now():
    held = {(7, SAFETY): Held(900001, None, True), (7, FIRE): Held(900003, None, True)}
    plan = plan_access(snapshot([acme()], {1: [Member(7, joined(3))]}, held), now=NOW)
    (change,) = plan.changes
    assert (change.action, change.course_id, change.expires_at) == (AccessAction.END, FIRE, NOW)
    assert change.reason == (
        "end access to “Fire drills”: none of their teams (Acme) gives this course any more"
    )


def test_a_user_in_no_team_any_more_loses_what_the_dashboard_gave():
    held = {(7, SAFETY): Held(900001, None, True)}
    (change,) = plan_access(snapshot([acme()], {1: []}, held), now=NOW).changes
    assert change.reason.endswith("no longer in any team (in no group assigned to a team)")


def test_already_ended_access_is_left_as_it_is():
    held = {(7, SAFETY): Held(900001, NOW - timedelta(hours=1), True)}
    assert plan_access(snapshot([acme()], {1: []}, held), now=NOW).changes == ()


def test_ended_access_given_again_expires_as_the_team_says():
    held = {(7, SAFETY): Held(900001, NOW - timedelta(days=2), True)}
    plan = plan_access(snapshot([acme()], {1: [Member(7, joined(1))]}, held), now=NOW)
    (change,) = plan.changes
    assert (change.action, change.enrollment_id) == (AccessAction.EXTEND, 900001)
    assert change.expires_at == NO_END  # Thinkific cannot clear an expiry date
    assert change.reason.startswith("give access to “Safety 101” again (it ended on 2026-11-25")


def test_a_later_end_date_extends_and_an_earlier_one_shortens():
    members = {1: [Member(7, joined(1))]}
    held = {(7, SAFETY): Held(900001, end_of_day(date(2027, 1, 1)), True)}
    later = plan_access(snapshot([acme(ends_on=date(2027, 3, 1))], members, held), now=NOW)
    assert later.changes[0].action == AccessAction.EXTEND
    assert "(until 2027-03-01, was 2027-01-01 23:59 UTC)" in later.changes[0].reason
    sooner = plan_access(snapshot([acme(ends_on=date(2026, 12, 1))], members, held), now=NOW)
    assert sooner.changes[0].action == AccessAction.SHORTEN
    same = plan_access(snapshot([acme(ends_on=date(2027, 1, 1))], members, held), now=NOW)
    assert same.changes == ()


def test_an_end_date_added_to_a_team_without_one_shortens_access():
    held = {(7, SAFETY): Held(900001, None, True)}
    members = {1: [Member(7, joined(1))]}
    plan = plan_access(snapshot([acme(ends_on=date(2027, 1, 1))], members, held), now=NOW)
    assert plan.changes[0].action == AccessAction.SHORTEN
    held = {(7, SAFETY): Held(900001, NO_END, True)}
    assert plan_access(snapshot([acme()], members, held), now=NOW).changes == ()


def test_access_an_admin_kept_is_not_ended_again():
    held = {(7, SAFETY): Held(900001, None, True, kept_at=NOW - timedelta(hours=2))}
    plan = plan_access(snapshot([acme()], {1: []}, held), now=NOW)
    assert plan.changes == ()
    assert "an admin chose to keep this access on 2026-11-27 10:00 UTC" in plan.notes[0].reason


def test_only_users_in_scope_are_planned():
    members = {1: [Member(7, joined(3)), Member(8, joined(2))]}
    plan = plan_access(snapshot([acme()], members, scope={8}), now=NOW)
    assert actions(plan) == [("grant_access", 8, SAFETY)]


def test_seats_count_every_team_user_even_outside_the_scope():
    members = {1: [Member(7, joined(3)), Member(8, joined(2))]}
    plan = plan_access(snapshot([acme(seat_limit=1)], members, scope={8}), now=NOW)
    assert plan.changes == ()


def test_endings_above_the_limit_and_the_share_need_approval():
    held = {(u, SAFETY): Held(900000 + u, None, True) for u in range(20)}
    members = {1: [Member(u, joined(1)) for u in range(8)]}
    plan = plan_access(snapshot([acme()], members, held), now=NOW)
    assert (len(plan.endings), plan.size) == (12, 20)
    assert plan.needs_approval(limit=10, percent=20)
    assert not plan.needs_approval(limit=12, percent=20)
    assert not plan.needs_approval(limit=10, percent=60)
    approved = [change.key for change in plan.endings[:3]]
    assert not plan.needs_approval(limit=10, percent=20, approved=approved)
    assert plan.summary() == "12 to end"
