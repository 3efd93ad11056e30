"""Reading enrollments in as few calls as the API allows: by course for many users, by user
for a few, every page, all or nothing."""

from __future__ import annotations

from dashboard.access.loading import AccessView, CourseRef, Scope
from dashboard.access.reading import choose_reads
from dashboard.runs.context import UserRef

from .helpers import configure, learner, school, sync, team_with_group


def view(users: int, courses: int) -> AccessView:
    return AccessView(
        Scope.everyone(),
        terms={},
        members={},
        users={i: UserRef(i, f"u{i}@example.com", 500_000 + i) for i in range(users)},
        courses={c: CourseRef(c, 2000 + c, f"C{c}", False) for c in range(courses)},
        records={(0, c): None for c in range(courses)},  # only the courses matter here
    )


def test_many_users_are_read_course_by_course():
    plan = choose_reads(view(users=1200, courses=3), known={0: 600, 1: 100})
    assert (plan.by, plan.calls, plan.other) == ("course", 3 + 1 + 1, 1200)  # 600: 3 pages


def test_a_few_users_are_read_user_by_user():
    plan = choose_reads(view(users=2, courses=3), known={})
    assert (plan.by, plan.calls, plan.other) == ("user", 2, 3)


def test_nothing_to_read_without_courses():
    assert choose_reads(view(users=5, courses=0), known={}).by == "nothing"


def test_a_sync_of_everyone_reads_one_page_per_course(site, make, emulator):
    school(emulator.control, "Safety 101", "Fire drills")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101", "Fire drills")
    for index in range(30):
        make.member(group, learner(site, make, f"l{index:02}@example.com"))
    sync()
    emulator.control.clear_stats()
    run = sync()
    reads = [r for r in emulator.control.requests() if r["endpoint"] == "GET /enrollments"]
    assert len(reads) == 2  # not 30: one call per course, 250 enrollments a page
    assert all("query%5Bcourse_id%5D" in r["query"] for r in reads)
    assert run.calls == 4  # with the page of groups and the page of courses


def test_every_page_of_a_course_is_read(site, make, emulator):
    school(emulator.control, "Safety 101")
    emulator.control.seed(users=[{"email": f"x{i:03}@example.com"} for i in range(260)])
    emulator.control.seed(
        enrollments=[
            {"email": f"x{i:03}@example.com", "course_name": "Safety 101"} for i in range(260)
        ]
    )
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    for index in range(3):  # enrolled outside the dashboard, listed on the second page too
        make.member(group, make.user(email=f"x{257 + index}@example.com"))
    make.member(group, learner(site, make, "new@example.com"))
    emulator.control.clear_stats()
    run = sync()
    assert run.access_granted == 1  # only the new user: the others are found on page 2
    reads = [r for r in emulator.control.requests() if r["endpoint"] == "GET /enrollments"]
    assert len(reads) == 2
