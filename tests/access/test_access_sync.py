"""Team access over real HTTP: the sync enrolls, extends and ends what teams give, and nothing
else (DESIGN §2, issue 5)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import (
    Course,
    Direction,
    EventOutcome,
    MemberSource,
    RunState,
    SyncEvent,
    utcnow,
)

from .helpers import (
    access_events,
    configure,
    enrollments,
    learner,
    parse,
    records,
    school,
    sync,
    team_with_group,
)

ANN, BOB, CY = "ann@example.com", "bob@example.com", "cy@example.com"


def test_the_sync_pulls_the_courses_and_follows_thinkific(site, emulator):
    school(emulator.control, "Safety 101", "Fire drills")
    run = sync()
    assert run.state == RunState.SUCCEEDED
    courses = db.session.scalars(select(Course).order_by(Course.name)).all()
    assert [c.name for c in courses] == ["Fire drills", "Safety 101"]
    assert all(c.deleted_in_thinkific_at is None for c in courses)
    (event,) = db.session.scalars(select(SyncEvent).filter_by(run_id=run.id)).all()
    assert (event.action, event.reason) == ("refresh_courses", "2 courses in Thinkific: 2 new")
    emulator.control.reset()
    school(emulator.control, "Safety 101")
    sync()
    gone = db.session.scalar(select(Course).filter_by(name="Fire drills"))
    assert gone.deleted_in_thinkific_at is not None  # kept, marked, gives nothing


def test_members_of_a_group_get_the_teams_courses_until_its_end_date(site, make, emulator):
    school(emulator.control, "Safety 101", "Fire drills")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101", "Fire drills", ends_on=date(2030, 6, 30))
    for email in (ANN, BOB):
        make.member(group, learner(site, make, email))
    before = utcnow()
    run = sync()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.access_granted == 4
    held = enrollments(emulator.control)
    assert set(held) == {(u, c) for u in (ANN, BOB) for c in ("Safety 101", "Fire drills")}
    for enrollment in held.values():
        assert parse(enrollment["expiry_date"]).isoformat() == "2030-06-30T23:59:59+00:00"
        assert parse(enrollment["activated_at"]) >= before.replace(microsecond=0)
        assert enrollment["is_free_trial"] is False
    events = access_events(run)
    assert {(e.action, e.outcome) for e in events} == {("grant_access", EventOutcome.APPLIED)}
    assert events[0].reason == ("enroll in “Safety 101”: given by team Acme (until 2030-06-30)")
    assert all(r.created_by_dashboard and r.thinkific_id for r in records())
    assert sync().access_granted == 0  # nothing left to do


def test_no_end_date_means_no_expiry_and_the_latest_end_wins(site, make, emulator):
    school(emulator.control, "Safety 101")
    sync()
    acme, group = team_with_group(make)
    beta = make.team("Beta")
    make.assignment(group, beta, Direction.DISABLED)
    configure(acme, "Safety 101", ends_on=date(2030, 1, 31))
    configure(beta, "Safety 101", ends_on=date(2030, 12, 31))
    make.member(group, learner(site, make, ANN))
    sync()
    assert enrollments(emulator.control)[(ANN, "Safety 101")]["expiry_date"].startswith(
        "2030-12-31T23:59:59"
    )
    configure(acme, "Safety 101")  # no end date beats any date
    run = sync()
    (event,) = access_events(run)
    assert event.action == "extend_access"
    assert "given by teams Acme (no end date), Beta (until 2030-12-31)" in event.reason
    assert not enrollments(emulator.control)[(ANN, "Safety 101")]["expired"]


def test_access_no_longer_given_is_ended_now_never_deleted(site, make, emulator):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    ann = learner(site, make, ANN)
    make.member(group, ann)
    sync()
    service.remove_member(group, ann, MemberSource.DASHBOARD)
    db.session.commit()
    run = sync()
    assert run.access_ended == 1
    enrollment = enrollments(emulator.control)[(ANN, "Safety 101")]
    assert enrollment["expired"] is True
    assert abs(parse(enrollment["expiry_date"]) - utcnow()) < timedelta(minutes=1)
    (event,) = access_events(run)
    assert (event.action, event.outcome) == ("end_access", EventOutcome.APPLIED)
    assert event.reason == (
        "end access to “Safety 101”: no longer in any team (in no group assigned to a team)"
    )
    assert len(emulator.control.enrollments()) == 1  # Thinkific has no enrollment delete
    make.member(group, ann)  # back in the group: the same enrollment is given again
    run = sync()
    (event,) = access_events(run)
    assert event.action == "extend_access"
    assert event.reason.startswith("give access to “Safety 101” again")
    assert enrollments(emulator.control)[(ANN, "Safety 101")]["expired"] is False


def test_a_team_past_its_end_date_gives_nothing(site, make, emulator):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    make.member(group, learner(site, make, ANN))
    sync()
    configure(team, "Safety 101", ends_on=utcnow().date() - timedelta(days=1))
    (event,) = access_events(sync())
    assert event.action == "end_access"
    assert event.reason.endswith(f"team Acme's access ended on {utcnow().date() - timedelta(1)}")


def test_enrollments_made_outside_the_dashboard_are_never_touched(site, make, emulator):
    school(emulator.control, "Safety 101", "Fire drills")
    learner_id = site.user(ANN)
    emulator.control.seed(
        enrollments=[
            {
                "user_id": learner_id,
                "course_name": "Safety 101",
                "activated_at": "2026-01-01T00:00:00Z",
                "expiry_date": "2026-02-01T00:00:00Z",
            },
            {
                "user_id": learner_id,
                "course_name": "Fire drills",
                "activated_at": "2026-01-01T00:00:00Z",
            },
        ]
    )
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    ann = make.user(email=ANN, thinkific_id=learner_id)
    make.member(group, ann)
    before = enrollments(emulator.control)
    emulator.control.clear_stats()
    run = sync()
    assert (run.access_granted, run.access_changed, run.access_ended) == (0, 0, 0)
    writes = [r for r in emulator.control.requests() if r["method"] in ("POST", "PUT")]
    assert writes == []
    assert enrollments(emulator.control) == before
    (record,) = records()  # remembered, so the pages can say why it is left alone
    assert (record.course.name, record.created_by_dashboard) == ("Safety 101", False)
    service.remove_member(group, ann, MemberSource.DASHBOARD)
    db.session.commit()
    sync()
    assert enrollments(emulator.control) == before
    assert records() == []


def test_a_user_thinkific_does_not_know_is_created_there_then_enrolled(site, make, emulator):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    ann = make.member(group, make.user(email=ANN, first_name="Ann"))
    run = sync()
    assert run.access_granted == 1, run.error
    created = emulator.control.user_by_email(ANN)
    assert created["first_name"] == "Ann"
    assert emulator.control.user(created["id"])["welcome_email"] is False
    db.session.refresh(ann)
    assert ann.thinkific_id == created["id"]
    (event,) = access_events(run)
    assert event.reason.endswith("; created the user in Thinkific first (no welcome email)")


def test_a_group_sync_refreshes_its_members_access(site, make, emulator):
    school(emulator.control, "Safety 101")
    thinkific_id = site.group("Acme learners", ANN)
    sync()
    group = service.find_group_by_name("Acme learners")
    team = make.team("Acme")
    make.assignment(group, team, Direction.THINKIFIC_TO_DASHBOARD)
    configure(team, "Safety 101")
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.added_local == 1
    assert run.access_granted == 1
    site.remove(thinkific_id, ANN)  # removed in Thinkific: pulled, and access ends
    run = sync(group)
    assert (run.removed_local, run.access_ended) == (1, 1)
    assert enrollments(emulator.control)[(ANN, "Safety 101")]["expired"] is True


def test_a_creation_whose_job_died_is_still_known_as_the_dashboards(site, make, emulator):
    from dashboard.models import AccessEnrollment

    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    ann = learner(site, make, ANN)
    make.member(group, ann)
    # the job wrote its record, sent the POST, and was killed before storing the answer
    db.session.add(
        AccessEnrollment(
            user_id=ann.id,
            course_id=db.session.scalar(select(Course.id)),
            created_by_dashboard=True,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    emulator.control.seed(
        enrollments=[
            {"email": ANN, "course_name": "Safety 101", "activated_at": utcnow().isoformat()}
        ]
    )
    sync()
    (record,) = records()
    assert record.created_by_dashboard
    assert record.thinkific_id == emulator.control.enrollments()[0]["id"]
    team.courses = []
    db.session.commit()
    assert sync().access_ended == 1  # ours, so ended when no longer given
