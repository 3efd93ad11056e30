"""Benchmark: team access for a school of --users learners through the emulator.

    /work/venv/bin/python bench/access_sync.py [--users 600] [--teams 6] [--courses 6]
        [--per-team 2] [--foreign 0.05] [--rate 1200] [--latency 0.02] [--database URL]

Everything is real except Thinkific: an embedded redis-server, a SQLite file (or --database),
the emulator over HTTP with its rate limit set to --rate requests a minute (the client's shared
budget uses the same number), and `flask --app wsgi worker --burst` running the jobs.

The dashboard has --teams teams, one group each (Disabled links, so no group member is read:
the numbers are access alone), every learner in one group, each team giving --per-team of
--courses courses; every other team has a seat limit of 90 % of its users. A --foreign share
of the pairs already has an enrollment made outside the dashboard (left alone). Runs:

1. first sync — every enrollment created;
2. steady state — nothing changed: only the reads;
3. changes — one team's end date moves (its enrollments extended), 10 % of one group leave it
   (their access ended), one course added to a team (enrollments created);
4. one user's access refreshed, as a webhook does.

For each it prints the Thinkific calls against the fewest the API allows (a page of courses,
one page per 250 enrollments of each course read, one call per enrollment created or changed),
what reading user by user would have cost instead, the 429s, and the elapsed time against the
rate limit's lower bound.
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.sync_groups import (  # noqa: E402
    API_KEY,
    PAGE,
    SUBDOMAIN,
    WINDOW,
    environment,
    lower_bound,
)
from dashboard import create_app, embedded_redis  # noqa: E402
from dashboard.config import settings_from_env  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    MemberSource,
    RunState,
    SyncRun,
    Team,
    User,
    team_courses,
)
from dashboard.thinkific.emulator import (  # noqa: E402
    EmulatorControl,
    EmulatorServer,
    create_emulator,
)
from jobs.enqueue import begin_sync_all, start_access_sync  # noqa: E402


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="access-bench-") as tmp:
        redis_dir = Path(tmp) / "redis"
        redis_url = embedded_redis.start(redis_dir)
        try:
            return bench(args, Path(tmp), redis_url)
        finally:
            embedded_redis.stop(redis_dir)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--teams", type=int, default=6)
    parser.add_argument("--courses", type=int, default=6)
    parser.add_argument("--per-team", type=int, default=2, help="courses each team gives")
    parser.add_argument("--foreign", type=float, default=0.05, help="share enrolled outside")
    parser.add_argument("--rate", type=int, default=1200, help="Thinkific requests a minute")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per answer")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite file)")
    return parser.parse_args()


def bench(args: argparse.Namespace, tmp: Path, redis_url: str) -> int:
    emulator = create_emulator(
        {
            "API_KEY": API_KEY,
            "SUBDOMAIN": SUBDOMAIN,
            "RATE_LIMIT": args.rate,
            "LATENCY": args.latency,
        }
    )
    with EmulatorServer(emulator) as server:
        control = EmulatorControl(server.url, timeout=300)
        env = environment(args, tmp, redis_url, server.api_url)
        env["SYNC_REMOVAL_LIMIT"] = str(10 * args.users)  # the bench measures, never pauses
        app = create_app(settings_from_env(env))
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            seed(args, control)
            print_header()
            first = measure("first sync", env, control, lambda: begin_sync_all().run)
            if first.calls > args.rate // 2:
                print(f"waiting {WINDOW} s for the rate limit's window to drain…", flush=True)
                time.sleep(WINDOW)
            measure("steady state", env, control, lambda: begin_sync_all().run)
            make_changes()
            measure("changes", env, control, lambda: begin_sync_all().run)
            user = db.session.scalar(select(User).order_by(User.id).limit(1))
            measure("one user", env, control, lambda: start_access_sync([user]))
    return 0


def seed(args, control: EmulatorControl) -> None:
    """The school in Thinkific (users, courses, a few outside enrollments) and the dashboard."""
    started = time.monotonic()
    emails = [f"learner{i:05}@example.com" for i in range(args.users)]
    made = control.seed(
        users=[{"email": e, "first_name": "L", "last_name": str(i)} for i, e in enumerate(emails)],
        courses=[{"name": f"Course {c:02}"} for c in range(args.courses)],
    )
    db.session.execute(
        insert(User),
        [
            {
                "email": e,
                "first_name": "L",
                "last_name": str(i),
                "thinkific_id": made["users"][i]["id"],
            }
            for i, e in enumerate(emails)
        ],
    )
    db.session.execute(
        insert(Course),
        [{"thinkific_id": c["id"], "name": c["name"], "slug": ""} for c in made["courses"]],
    )
    gives = build_teams(args)
    outside = foreign_pairs(args, gives)
    if outside:
        control.seed(
            enrollments=[
                {"email": email, "course_name": name, "activated_at": "2026-01-01T00:00:00Z"}
                for email, name in outside
            ]
        )
    db.session.commit()
    print(
        f"seeded in {time.monotonic() - started:.1f} s: {args.users} users in {args.teams} "
        f"teams/groups, {args.courses} courses ({args.per_team} a team), {len(outside)} "
        f"enrollments made outside the dashboard; rate limit {args.rate}/min, latency "
        f"{args.latency * 1000:.0f} ms"
    )


def build_teams(args) -> dict[int, list[int]]:
    """Teams and groups with members and courses; returns team id → user ids."""
    rng = random.Random(5)
    users = db.session.scalars(select(User.id).order_by(User.id)).all()
    courses = db.session.scalars(select(Course.id).order_by(Course.id)).all()
    members: dict[int, list[int]] = {}
    for index in range(args.teams):
        chunk = users[index :: args.teams]
        team = Team(
            name=f"Team {index}",
            name_key=f"team {index}",
            groups_count=1,
            seat_limit=int(len(chunk) * 0.9) if index % 2 else None,
        )
        group = Group(
            name=f"Group {index}", name_key=f"group {index}", teams_count=1, users_count=len(chunk)
        )
        db.session.add_all([team, group])
        db.session.flush()
        db.session.execute(
            insert(Assignment),
            [{"group_id": group.id, "team_id": team.id, "direction": Direction.DISABLED}],
        )
        db.session.execute(
            insert(Membership),
            [{"group_id": group.id, "user_id": u, "source": MemberSource.SEED} for u in chunk],
        )
        given = rng.sample(courses, args.per_team)
        db.session.execute(
            insert(team_courses), [{"team_id": team.id, "course_id": c} for c in given]
        )
        members[team.id] = chunk
    return members


def foreign_pairs(args, members: dict[int, list[int]]) -> list[tuple[str, str]]:
    rng = random.Random(9)
    rows = db.session.execute(
        select(User.email, Course.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Assignment, Assignment.group_id == Membership.group_id)
        .join(team_courses, team_courses.c.team_id == Assignment.team_id)
        .join(Course, Course.id == team_courses.c.course_id)
    ).all()
    return rng.sample(rows, int(len(rows) * args.foreign))


def make_changes() -> None:
    teams = db.session.scalars(select(Team).order_by(Team.id)).all()
    teams[0].access_ends_on = date(2031, 12, 31)
    group = db.session.scalars(select(Group).order_by(Group.id)).all()[2]
    leaving = db.session.scalars(
        select(Membership).filter_by(group_id=group.id).limit(max(1, group.users_count // 10))
    ).all()
    for membership in leaving:
        db.session.delete(membership)
    given = {c.id for c in teams[1].courses}
    extra = db.session.scalar(select(Course).where(Course.id.not_in(given)).limit(1))
    teams[1].courses.append(extra)
    db.session.commit()


def fewest_reads(control: EmulatorControl, course_ids: set[int]) -> int:
    """For a run of all groups: a page of groups and of courses, then a page per 250
    enrollments of each course given (read before the run's writes)."""
    per_course: dict[int, int] = {}
    for enrollment in control.enrollments():
        per_course[enrollment["course_id"]] = per_course.get(enrollment["course_id"], 0) + 1
    reads = sum(max(1, math.ceil(per_course.get(c, 0) / PAGE)) for c in course_ids)
    lists = (control.groups(), control.courses())
    listings = sum(max(1, math.ceil(len(items) / PAGE)) for items in lists)
    return listings + reads


def measure(label: str, env: dict, control: EmulatorControl, start) -> SyncRun:
    control.clear_stats()
    read_courses = set(db.session.scalars(select(team_courses.c.course_id).distinct()))
    course_ids = set(
        db.session.scalars(select(Course.thinkific_id).where(Course.id.in_(read_courses)))
    )
    users = db.session.scalar(select(func.count(func.distinct(Membership.user_id))))
    reads = fewest_reads(control, course_ids)
    run = start()
    started = time.monotonic()
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if worker.returncode != 0:
        print(worker.stdout[-2000:], worker.stderr[-2000:], file=sys.stderr)
    db.session.expire_all()
    run = db.session.get(SyncRun, run.id)
    writes = run.access_granted + run.access_changed + run.access_ended
    fewest = (1 if run.access_only else reads) + writes  # one user: one call for their enrollments
    report(label, run, fewest, users, wall, control.stats(), env)
    return run


def print_header() -> None:
    print(
        f"\n{'run':<13} {'state':<10} {'calls':>6} {'fewest':>6} {'by user':>8} {'429s':>5} "
        f"{'elapsed':>8} {'bound':>7}  changes"
    )


def report(label, run: SyncRun, fewest: int, users: int, wall: float, stats: dict, env) -> None:
    rate = int(env["THINKIFIC_RATE_LIMIT"])
    elapsed = (run.finished_at - run.started_at).total_seconds() if run.finished_at else wall
    writes = run.access_granted + run.access_changed + run.access_ended
    by_user = (1 if run.access_only else users + 2) + writes  # reading user by user instead
    state = run.state if run.state == RunState.SUCCEEDED else f"{run.state}!"
    print(
        f"{label:<13} {state:<10} {run.calls:>6} {fewest:>6} {by_user:>8} "
        f"{run.rate_limited:>5} {elapsed:>7.1f}s {lower_bound(run.calls, rate):>6.0f}s  "
        f"+{run.access_granted} enrolled, {run.access_changed} extended, "
        f"{run.access_ended} ended",
        flush=True,
    )
    if run.error:
        print(f"  error: {run.error}")
    print(
        f"  emulator saw {stats['total_requests']} requests ({stats['per_endpoint']}), "
        f"{stats['rate_limited']} answered 429; the worker took {wall:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
