"""Benchmark: a full group sync of 500 groups / 50,000 memberships through the emulator.

    /work/venv/bin/python bench/sync_groups.py [--groups 500] [--memberships 50000]
        [--users 20000] [--rate 400] [--latency 0.02] [--changes 100] [--database URL]

Everything is real except Thinkific: an embedded redis-server, a SQLite file (or --database),
the emulator over HTTP with its rate limit set to --rate requests a minute (the client's shared
budget uses the same number), and the `flask --app wsgi worker --burst` process running the
job. Two measured runs:

1. first sync — every group linked bidirectionally, the dashboard empty: all memberships are
   pulled from Thinkific;
2. steady state — `--changes` additions and removals made on each side, then a sync.

For each run it prints the Thinkific calls made against the fewest the API allows (one call per
250 groups, one per 250 members of each group, one per 250 courses, one `POST /group_users` per
addition), the 429s,
the elapsed time against the rate limit's lower bound, and the worker's peak memory (RSS).
The rate limit's window must drain between the runs, so the benchmark waits a minute there.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from dashboard import create_app, embedded_redis  # noqa: E402
from dashboard.config import settings_from_env  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.groups import service  # noqa: E402
from dashboard.models import (  # noqa: E402
    Assignment,
    Direction,
    Group,
    Membership,
    MemberSource,
    RunState,
    SyncMode,
    SyncRun,
    Team,
    User,
)
from dashboard.thinkific.emulator import (  # noqa: E402
    EmulatorControl,
    EmulatorServer,
    create_emulator,
)
from jobs.enqueue import begin_sync_all  # noqa: E402

API_KEY = "0123456789abcdef0123456789abcdef"
SUBDOMAIN = "bench-school"
PAGE = 250
WINDOW = 61  # seconds: the client's moving window (Thinkific's minute plus a margin)


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        redis_dir = Path(tmp) / "redis"
        redis_url = embedded_redis.start(redis_dir)
        try:
            return bench(args, Path(tmp), redis_url)
        finally:
            embedded_redis.stop(redis_dir)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--memberships", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=400, help="Thinkific requests a minute")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per answer")
    parser.add_argument("--changes", type=int, default=100, help="per side, steady-state run")
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
        started = time.monotonic()
        control.generate(groups=args.groups, users=args.users, memberships=args.memberships)
        print(
            f"emulator seeded in {time.monotonic() - started:.1f} s: {args.groups} groups, "
            f"{args.users} users, {args.memberships} memberships; rate limit {args.rate}/min, "
            f"latency {args.latency * 1000:.0f} ms"
        )
        env = environment(args, tmp, redis_url, server.api_url)
        app = create_app(settings_from_env(env))
        with app.app_context():
            migrate()
            link_all_groups(control)
            print_header()
            first = measure("first sync", env, args, control, added_remote=0)
            make_changes(control, args.changes)
            if first.calls + args.groups + args.changes > args.rate:
                print(f"waiting {WINDOW} s for the rate limit's window to drain…", flush=True)
                time.sleep(WINDOW)
            measure("steady state", env, args, control, added_remote=args.changes)
    return 0


def environment(args, tmp: Path, redis_url: str, api_url: str) -> dict[str, str]:
    database = args.database or f"sqlite:///{tmp / 'bench.sqlite3'}"
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "THINKIFIC_API_URL": api_url,
        "THINKIFIC_API_KEY": API_KEY,
        "THINKIFIC_SUBDOMAIN": SUBDOMAIN,
        "THINKIFIC_RATE_LIMIT": str(args.rate),
        "SYNC_REMOVAL_LIMIT": "1000",
    }


def migrate() -> None:
    from flask_migrate import upgrade

    upgrade()


def link_all_groups(control: EmulatorControl) -> None:
    """The dashboard knows every Thinkific group, each linked to a team bidirectionally."""
    team = Team(name="Bench Corp", name_key="bench corp", groups_count=0)
    db.session.add(team)
    db.session.flush()
    rows = [
        {
            "name": g["name"],
            "name_key": g["name"].casefold(),
            "thinkific_id": g["id"],
            "token": g["token"],
            "teams_count": 1,
            "sync_mode": SyncMode.BOTH,
        }
        for g in control.groups()
    ]
    db.session.execute(insert(Group), rows)
    group_ids = db.session.scalars(select(Group.id)).all()
    db.session.execute(
        insert(Assignment),
        [
            {"group_id": g, "team_id": team.id, "direction": Direction.BIDIRECTIONAL}
            for g in group_ids
        ],
    )
    team.groups_count = len(group_ids)
    db.session.commit()


def make_changes(control: EmulatorControl, count: int) -> None:
    """`count` additions and removals in Thinkific, `count` additions and count/2 removals
    in the dashboard, each in a different group."""
    rng = random.Random(7)
    groups = db.session.scalars(select(Group).order_by(Group.id)).all()
    users = db.session.scalars(select(User).order_by(User.id)).all()
    picked = rng.sample(groups, min(len(groups), count * 3))
    for group in picked[:count]:  # Thinkific: one in, one out
        members = [m["id"] for m in control.members(group.thinkific_id)]
        control.remove_member(group.thinkific_id, members[0])
        outsider = next(u for u in rng.sample(users, 20) if u.thinkific_id not in members)
        control.add_member(group.thinkific_id, outsider.thinkific_id)
    for index, group in enumerate(picked[count : count * 2]):  # the dashboard
        current = set(db.session.scalars(select(Membership.user_id).filter_by(group_id=group.id)))
        outsider = next(u for u in rng.sample(users, 20) if u.id not in current)
        service.add_member(group, outsider, MemberSource.DASHBOARD, by=None)
        if index % 2 == 0:
            service.remove_member(group, db.session.get(User, min(current)), MemberSource.DASHBOARD)
    db.session.commit()


def measure(label: str, env: dict, args, control: EmulatorControl, added_remote: int) -> SyncRun:
    control.clear_stats()
    minimum = fewest_calls(control, args.groups) + added_remote
    run = begin_sync_all().run
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
    report(label, run, minimum, args.rate, wall, control.stats())
    return run


def fewest_calls(control: EmulatorControl, groups: int) -> int:
    """One call per page of groups, one per page of each group's members (at least one), and
    one per page of the school's courses (the sync refreshes them for team access)."""
    sizes = [len(control.members(g["id"])) for g in control.groups()]
    members = sum(max(1, math.ceil(size / PAGE)) for size in sizes)
    courses = max(1, math.ceil(len(control.courses()) / PAGE))
    return math.ceil(groups / PAGE) + members + courses


def lower_bound(calls: int, rate: int) -> float:
    """Seconds the rate limit forces: call k cannot start before floor((k-1)/rate) windows."""
    return WINDOW * ((calls - 1) // rate) if calls else 0.0


def print_header() -> None:
    print(
        f"\n{'run':<13} {'state':<10} {'calls':>6} {'fewest':>6} {'429s':>5} "
        f"{'elapsed':>8} {'bound':>7} {'worker RSS':>11}  changes"
    )


def report(label, run: SyncRun, minimum: int, rate: int, wall: float, stats: dict) -> None:
    elapsed = (run.finished_at - run.started_at).total_seconds() if run.finished_at else wall
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    changes = (
        f"+{run.added_local}/-{run.removed_local} here, +{run.added_remote} there, "
        f"{run.manual_actions} manual"
    )
    state = run.state if run.state == RunState.SUCCEEDED else f"{run.state}!"
    print(
        f"{label:<13} {state:<10} {run.calls:>6} {minimum:>6} {run.rate_limited:>5} "
        f"{elapsed:>7.1f}s {lower_bound(run.calls, rate):>6.0f}s {rss_mb:>8.0f} MB  "
        f"{changes}",
        flush=True,
    )
    if run.error:
        print(f"  error: {run.error}")
    print(
        f"  emulator saw {stats['total_requests']} requests, {stats['rate_limited']} answered "
        f"429; the worker process took {wall:.1f} s in all"
    )


if __name__ == "__main__":
    sys.exit(main())
