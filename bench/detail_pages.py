"""A group's, a team's and a user's page at scale when teams give courses: numbers, not pass/fail.

    python bench/detail_pages.py                      # SQLite in a temporary directory
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/detail_pages.py
    python bench/detail_pages.py --requests 10        # fewer requests per row

The data set of `bench/lists.py` (100,000 users, 10,000 groups, 200,000 memberships, 2,000
teams), and then what `lists.py` leaves out: every team gives two of five courses (its seat
limit, none, 50, 100 or 500, as seeded), and the dashboard holds an enrollment of every tenth
user in a course; the team with the most users over its seats gives access until a date (so the
seats of its users' other teams that give its courses for longer count too). The pages then
show each user's seat and access as the access planner decides them. Last, a whole school: a
group of 20,000 (the first 20,000 users, a second apart) as a team of 50 seats giving two
courses, its pages as large as a school would have them (`whole_school`).
Requests go the way a browser sends them (a full page first, then htmx fragments) through the
Flask test client, signed in as an admin; printed as in `lists.py`: median and 95th-percentile
server time, median CPU time of this process, and SQL statements per request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from groups_page import app_config, bench_database, bench_redis, bulk, signed_in_client  # noqa: E402
from lists import SEARCHES, TEAMS, USERS, both_ways, report, seed, settle  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from dashboard import create_app  # noqa: E402
from dashboard.counts import members_changed  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    AccessEnrollment,
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    MemberSource,
    Team,
    team_courses,
)

COURSES = 5


def give_courses() -> None:
    """Every team gives two courses; every tenth user holds an enrollment the dashboard made."""
    now = datetime.now(UTC)
    bulk(
        Course,
        [{"id": n, "thinkific_id": 900 + n, "name": f"Course {n}"} for n in range(1, COURSES + 1)],
    )
    db.session.execute(
        team_courses.insert(),
        [
            {"team_id": team, "course_id": course}
            for team in range(1, TEAMS + 1)
            for course in {team % COURSES + 1, (team + 1) % COURSES + 1}
        ],
    )
    bulk(
        AccessEnrollment,
        [
            {
                "user_id": user,
                "course_id": user % COURSES + 1,
                "thinkific_id": 50_000 + user,
                "created_by_dashboard": True,
                "expires_at": now + timedelta(days=90),
                "created_at": now,
                "updated_at": now,
            }
            for user in range(10, USERS + 1, 10)
        ],
    )
    db.session.commit()
    settle()


def limited_team() -> int:
    """The team with the most users over its seat limit, now giving access until a date."""
    team = db.session.scalars(
        select(Team)
        .where(Team.seat_limit.is_not(None), Team.users_count > Team.seat_limit)
        .order_by(Team.users_count.desc(), Team.id)
        .limit(1)
    ).one()
    team.access_ends_on = (datetime.now(UTC) + timedelta(days=180)).date()
    db.session.commit()
    return team.id


SCHOOL = 20_000  # users in the whole school's group


def whole_school() -> dict[str, int]:
    """A group every one of the first 20,000 users is in, added a second apart (a school's
    learners), as a new team of 50 seats giving two courses: the pages of the largest group and
    team a school would have."""
    now = datetime.now(UTC)
    group = db.session.scalar(select(func.max(Group.id))) + 1
    team = db.session.scalar(select(func.max(Team.id))) + 1
    bulk(Group, [{"id": group, "name": "All learners", "name_key": "all learners"}])
    bulk(Team, [{"id": team, "name": "Whole school", "name_key": "whole school", "seat_limit": 50}])
    bulk(Assignment, [{"group_id": group, "team_id": team, "direction": Direction.BIDIRECTIONAL}])
    db.session.execute(
        team_courses.insert(), [{"team_id": team, "course_id": course} for course in (1, 2)]
    )
    members = [
        {"group_id": group, "user_id": user, "source": MemberSource.SEED}
        | {"added_at": now - timedelta(seconds=user)}
        for user in range(1, SCHOOL + 1)
    ]
    bulk(Membership, members)
    members_changed(group, range(1, SCHOOL + 1))
    db.session.execute(update(Group).where(Group.id == group).values(users_count=SCHOOL))
    db.session.commit()
    settle()
    return {"school": group, "school_team": team, "school_user": SCHOOL // 2}


def scenarios(at: dict[str, int]) -> dict[str, list[str]]:
    group, team, user = f"/admin/groups/{at['group']}", f"/admin/teams/{at['team']}", at["user"]
    limited = f"/admin/teams/{at['limited']}"
    return {
        "group page": [group, f"{group}?page=2", *(f"{group}?q={q}" for q in SEARCHES)],
        "team page": [
            team,
            *both_ways(team, ("email", "name")),
            *(f"{team}?q={q}" for q in SEARCHES),
        ],
        "team seats": [limited, *both_ways(limited, ("email",)), f"{limited}?q=a"],
        "user page": [f"/admin/users/{user}", f"/admin/users/{user}"],
        **school_scenarios(at),
    }


def school_scenarios(at: dict[str, int]) -> dict[str, list[str]]:
    group, team = f"/admin/groups/{at['school']}", f"/admin/teams/{at['school_team']}"
    return {
        "school group": [group, f"{group}?page=2", f"{group}?page=400", f"{group}?q=a"],
        "school team": [
            team,
            *both_ways(team, ("email", "name")),
            f"{team}?page=10",
            f"{team}?q=ann.4242",
        ],
        "school user": [f"/admin/users/{at['school_user']}"] * 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per row")
    options = parser.parse_args()
    with (
        bench_database(os.environ.get("DATABASE_URL"), keep=False) as (url, label),
        bench_redis() as redis_url,
    ):
        app = create_app(app_config(url, redis_url))
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            at = seed()
            give_courses()
            at["limited"] = limited_team()
            at |= whole_school()
            print(f"{label}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
            engine = db.engine
        client = signed_in_client(app)
        with app.app_context():
            report(client, engine, scenarios(at), options.requests)
        engine.dispose()


if __name__ == "__main__":
    main()
