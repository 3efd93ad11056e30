"""The periodic poll fits half of each interval's request budget (DESIGN §4.6)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunTrigger, SyncMode, utcnow
from dashboard.sync.polling import Candidate, PollBudget, candidates, choose
from jobs.runner import run_in_foreground
from jobs.schedule import coverage

from .helpers import sync


def groups(count: int, users: int = 0, **fields) -> None:
    rows = [
        {
            "name": f"G{i}",
            "name_key": f"g{i}",
            "thinkific_id": 10_000 + i,
            "sync_mode": SyncMode.BOTH,
            "users_count": users,
            **fields,
        }
        for i in range(count)
    ]
    db.session.execute(insert(Group), rows)
    db.session.commit()


def test_1500_groups_at_120_a_minute_are_read_over_three_polls(app):
    groups(1500)
    app.config.update(THINKIFIC_RATE_LIMIT=120, SYNC_INTERVAL_MINUTES=10)
    fit = coverage(app.config)  # 1500 groups + 6 pages of groups + 1 page of courses
    assert (fit.groups, fit.full_poll_calls, fit.poll_calls) == (1500, 1507, 600)
    assert fit.spread
    assert (fit.polls_per_round, fit.period_minutes) == (3, 30)


def test_a_school_that_fits_is_read_every_interval(app):
    groups(40, users=600)  # 3 pages each
    fit = coverage(app.config | {"THINKIFIC_RATE_LIMIT": 120, "SYNC_INTERVAL_MINUTES": 10})
    assert (fit.full_poll_calls, fit.period_minutes, fit.spread) == (122, 10, False)


def test_choose_takes_what_fits_in_order():
    ordered = [Candidate(i, users, None, False) for i, users in enumerate([10, 600, 10, 10])]
    budget = PollBudget(rate_per_minute=2, interval_minutes=3)  # 3 calls per poll
    assert [c.id for c in choose(ordered, budget, discovery=1)] == [0]
    assert [c.id for c in choose(ordered[2:], budget, discovery=1)] == [2, 3]
    big = PollBudget(rate_per_minute=1, interval_minutes=1)  # never enough: still one group
    assert [c.id for c in choose(ordered[1:], big, discovery=1)] == [1]


def test_changes_waiting_first_then_least_recently_read(app):
    now = utcnow()
    groups(1, last_read_at=now)  # G0: read just now
    db.session.execute(
        insert(Group),
        [
            {
                "name": "Old",
                "name_key": "old",
                "thinkific_id": 1,
                "sync_mode": SyncMode.PULL,
                "last_read_at": now - timedelta(hours=2),
            },
            {"name": "Never", "name_key": "never", "thinkific_id": 2, "sync_mode": SyncMode.PUSH},
            {
                "name": "Changed",
                "name_key": "changed",
                "thinkific_id": 3,
                "sync_mode": SyncMode.BOTH,
                "pending_changes": True,
                "last_read_at": now,
            },
            {"name": "Unsynced", "name_key": "unsynced", "thinkific_id": 4},
            {"name": "Not in Thinkific", "name_key": "nit", "sync_mode": SyncMode.BOTH},
        ],
    )
    db.session.commit()
    names = [db.session.get(Group, c.id).name for c in candidates()]
    assert names == ["Changed", "Never", "Old", "G0"]


def test_scheduled_polls_spread_the_groups(app, site, make):
    for i in range(5):
        site.group(f"Group {i}")
    sync()
    for group in db.session.scalars(select(Group)):
        make.assignment(group, direction=Direction.THINKIFIC_TO_DASHBOARD)
        group.pending_changes = False
    db.session.commit()
    # 4 calls a poll: the groups list, the courses list (team access), then two groups
    app.config.update(THINKIFIC_RATE_LIMIT=8, SYNC_INTERVAL_MINUTES=1)
    first = run_in_foreground(trigger=RunTrigger.SCHEDULE)
    second = run_in_foreground(trigger=RunTrigger.SCHEDULE)
    assert (first.groups_total, first.calls, second.groups_total) == (2, 4, 2)
    read = db.session.scalars(select(Group.name).where(Group.last_read_at.is_not(None)))
    assert sorted(read) == ["Group 0", "Group 1", "Group 2", "Group 3"]
