"""Every list and detail screen at scale, every sort, filter and search: numbers, not pass/fail.

    python bench/lists.py                      # SQLite in a temporary directory
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/lists.py
    python bench/lists.py --requests 10 --only users   # fewer requests, one screen

Builds 100,000 users, 10,000 groups, 200,000 memberships, 2,000 teams (about four groups each),
2,000 finished sync runs and one of 100,000 events, and 100,000 activity records in a fresh
database made by the migrations, then requests every screen the way a browser does (a full page
first, then its sorts, filters and searches as htmx fragments) through the Flask test client,
signed in as an admin. Prints the median and 95th-percentile server time, the median CPU time
of this process (the server's own work on SQLite, less sensitive to a busy machine than wall
time; on PostgreSQL it leaves out the database server's work) and the SQL statements per
request of each.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from groups_page import (  # noqa: E402
    PASSWORD,
    app_config,
    bench_database,
    bench_redis,
    bulk,
    signed_in_client,
    statements,
)
from sqlalchemy import inspect, text  # noqa: E402

from dashboard import create_app  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    Account,
    Activity,
    Assignment,
    Direction,
    EventOutcome,
    Group,
    Membership,
    MemberSource,
    Role,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
    Team,
    User,
)

USERS, GROUPS, MEMBERSHIPS, TEAMS = 100_000, 10_000, 200_000, 2_000
RUNS, EVENTS, ACTIVITIES = 2_000, 100_000, 100_000
FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hana", "Ivan", "Jo"]
LAST = ["Lee", "Smith", "Ng", "García", "Okafor", "Kowalski", "Tanaka", "Dubois", "Rossi"]
DOMAINS = ["acme.com", "globex.org", "initech.net", "umbrella.io"] + [
    f"firm{n}.example" for n in range(200)
]
ACTIONS = ("add_remote", "add_local", "remove_local", "manual_removal")
KINDS = ("member_added", "member_removed", "team_assigned", "group_edited", "sign_in")


# --- seed -------------------------------------------------------------------------------------


def seed() -> dict[str, int]:
    """The data set, with every stored count right; returns ids the screens are asked about."""
    rng, now = random.Random(7), datetime.now(UTC)
    account = Account(email="bench@example.com", role=Role.ADMIN)
    account.set_password(PASSWORD)
    db.session.add(account)
    bulk(User, users(rng, now))
    bulk(
        Group,
        [{"id": n, "name": f"Group {n}", "name_key": f"group {n}"} for n in range(1, GROUPS + 1)],
    )
    pairs = set()
    while len(pairs) < MEMBERSHIPS:
        pairs.add((rng.randint(1, GROUPS), rng.randint(1, USERS)))
    bulk(
        Membership,
        [
            {"group_id": g, "user_id": u, "source": MemberSource.SEED, "added_at": now}
            for g, u in sorted(pairs)
        ],
    )
    seats = [None, 50, 100, 500]
    bulk(
        Team,
        [
            {
                "id": n,
                "name": f"Team {n}",
                "name_key": f"team {n}",
                "description": "",
                "seat_limit": rng.choice(seats),
            }
            for n in range(1, TEAMS + 1)
        ],
    )
    links = {(rng.randint(1, GROUPS), team) for team in range(1, TEAMS + 1) for _ in range(4)}
    bulk(
        Assignment,
        [
            {"group_id": g, "team_id": t, "direction": Direction.BIDIRECTIONAL}
            for g, t in sorted(links)
        ],
    )
    bulk(SyncRun, [sync_run(n, now) for n in range(1, RUNS + 1)])
    bulk(SyncEvent, [sync_event(n, now) for n in range(1, EVENTS + 1)])
    bulk(Activity, [activity(n, now) for n in range(1, ACTIVITIES + 1)])
    recount()
    db.session.commit()
    settle()
    return ids()


def users(rng: random.Random, now: datetime) -> list[dict]:
    return [
        {
            "id": n,
            "email": f"{rng.choice(FIRST).lower()}.{n}@{rng.choice(DOMAINS)}".replace("é", "e"),
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "thinkific_id": n * 3 if n % 4 else None,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(1, USERS + 1)
    ]


def sync_run(n: int, now: datetime) -> dict:
    start = now - timedelta(minutes=10 * (RUNS - n + 1))
    return {
        "id": n,
        "trigger": RunTrigger.SCHEDULE,
        "state": RunState.SUCCEEDED,
        "created_at": start,
        "started_at": start,
        "finished_at": start + timedelta(minutes=2),
        "groups_total": 300,
        "groups_done": 300,
        "calls": 420,
    }


def sync_event(n: int, now: datetime) -> dict:
    """Events of run 1 (the big one): every group touched, several changes each."""
    failed = n % 97 == 0
    return {
        "run_id": 1,
        "group_id": n % GROUPS + 1,
        "email": f"user{n:06}@example.com",
        "action": ACTIONS[n % len(ACTIONS)],
        "created_at": now,
        "outcome": EventOutcome.FAILED if failed else EventOutcome.APPLIED,
        "reason": f"add to Thinkific: added in the dashboard on 2026-01-{n % 28 + 1:02}",
        "error": "Thinkific failed (503 on POST /group_users)" if failed else None,
    }


def activity(n: int, now: datetime) -> dict:
    group, user = n % GROUPS + 1, n % USERS + 1
    return {
        "at": now - timedelta(seconds=ACTIVITIES - n),
        "kind": KINDS[n % len(KINDS)],
        "actor_email": f"admin{n % 20}@example.com",
        "object_type": "group",
        "object_id": group,
        "object_name": f"Group {group}",
        "related_type": "user",
        "related_id": user,
        "related_name": f"member{user}@example.com",
    }


RECOUNT = [
    "UPDATE groups SET"
    " users_count = (SELECT count(*) FROM memberships m WHERE m.group_id = groups.id),"
    " teams_count = (SELECT count(*) FROM assignments a WHERE a.group_id = groups.id)",
    "UPDATE teams SET groups_count = (SELECT count(*) FROM assignments a"
    " WHERE a.team_id = teams.id)",
]
STORED = {  # counts a later migration may add: (table, column) -> how to set it
    ("users", "groups_count"): "UPDATE users SET groups_count = (SELECT count(*)"
    " FROM memberships m WHERE m.user_id = users.id)",
    ("teams", "users_count"): "UPDATE teams SET users_count = (SELECT count(DISTINCT m.user_id)"
    " FROM memberships m JOIN assignments a ON a.group_id = m.group_id"
    " WHERE a.team_id = teams.id)",
}


def recount() -> None:
    schema = inspect(db.engine)
    statements_ = list(RECOUNT)
    for (table, column), statement in STORED.items():
        if column in {c["name"] for c in schema.get_columns(table)}:
            statements_.append(statement)
    for statement in statements_:
        db.session.execute(text(statement))


def settle() -> None:
    """Statistics and visibility maps as autovacuum keeps them on a live database, and the
    seed's writes flushed: on PostgreSQL a checkpoint spreads them over minutes otherwise,
    slowing the first screens timed by a third at times (a quiet server is what is measured)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM"))
        connection.execute(text("ANALYZE"))
        if connection.dialect.name == "postgresql":
            connection.execute(text("CHECKPOINT"))


def ids() -> dict[str, int]:
    """The biggest group, a team with many users, and a user in many groups."""
    big_group = db.session.execute(
        text("SELECT group_id FROM memberships GROUP BY group_id ORDER BY count(*) DESC LIMIT 1")
    ).scalar_one()
    busy_user = db.session.execute(
        text("SELECT user_id FROM memberships GROUP BY user_id ORDER BY count(*) DESC LIMIT 1")
    ).scalar_one()
    return {"group": big_group, "team": 1, "user": busy_user}


# --- scenarios --------------------------------------------------------------------------------


def both_ways(base: str, sorts: tuple[str, ...]) -> list[str]:
    join = "&" if "?" in base else "?"
    return [f"{base}{join}sort={s}&dir={d}" for s in sorts for d in ("asc", "desc")]


SEARCHES = ("a", "ok", "acme", "Firm17.", "ann.4242", "zzzz")


def scenarios(at: dict[str, int]) -> dict[str, list[str]]:
    """Per screen: its full page first, then its sorts, filters and searches (htmx)."""
    group, team, user = f"/admin/groups/{at['group']}", f"/admin/teams/{at['team']}", at["user"]
    return {
        "groups": [
            "/admin/groups/",
            *both_ways(
                "/admin/groups/", ("name", "token", "thinkific_id", "teams", "users", "status")
            ),
            "/admin/groups/?page=150",
            *(f"/admin/groups/?q={q}" for q in ("7", "99", "group 99", "Group 4242", "zzzz")),
        ],
        "teams": [
            "/admin/teams/",
            *both_ways("/admin/teams/", ("name", "groups", "users", "seats")),
            "/admin/teams/?page=30",
            *(f"/admin/teams/?q={q}" for q in ("9", "99", "team 99", "Team 1234", "zzzz")),
        ],
        "users": [
            "/admin/users/",
            *both_ways("/admin/users/", ("email", "name", "thinkific_id", "groups")),
            "/admin/users/?page=1500",
            *(f"/admin/users/?q={q}" for q in SEARCHES),
        ],
        "group page": [
            group,
            f"{group}?page=2",
            *(f"{group}?q={q}" for q in SEARCHES),
        ],
        "team page": [
            team,
            *both_ways(team, ("email", "name")),
            *(f"{team}?q={q}" for q in SEARCHES),
        ],
        "user page": [f"/admin/users/{user}"],
        "sync history": ["/admin/sync-runs/", "/admin/sync-runs/?page=40"],
        "run events": [
            "/admin/sync-runs/1",
            "/admin/sync-runs/1?page=5",
            "/admin/sync-runs/1?outcome=failed",
            "/admin/sync-runs/1?outcome=failed&page=5",
            "/admin/sync-runs/1?action=remove_local",
            "/admin/sync-runs/1?group=42",
            *(
                f"/admin/sync-runs/1?q={q}"
                for q in ("u", "99", "zq", "gr", "user0999", "503", "Group 42", "zzzz")
            ),
            "/admin/sync-runs/1?outcome=failed&q=user09",
        ],
        "activity": [
            "/admin/activity/",
            "/admin/activity/?page=40",
            "/admin/activity/?person=admin3@example.com",
            "/admin/activity/?kind=team_assigned",
            "/admin/activity/?type=user",
            "/admin/activity/?object=group:42",
            *(f"/admin/activity/?q={q}" for q in ("a", "42", "member4242", "Group 4242", "zzzz")),
        ],
    }


# --- measure ----------------------------------------------------------------------------------


def measure(client, engine, path: str, htmx: bool, requests: int) -> tuple:
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(2):  # warm caches and the connection pool
        client.get(path, headers=headers)
    times, cpu = [], []
    with statements(engine) as seen:
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    return statistics.median(times), p95, statistics.median(cpu), len(seen) / requests


def report(
    client, engine, screens: dict[str, list[str]], requests: int, only: str | None = None
) -> None:
    """Each screen's requests (the first a full page, the rest htmx fragments), timed; what
    start-up and the seed made is frozen out of the garbage collector's sight first, as
    `wsgi.py` does for a server (else a full collection walks it: ~100 ms of one request)."""
    gc.collect()
    gc.freeze()
    print(
        f"{'screen':13} {'request':46} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>7} {'queries':>7}"
    )
    for screen, paths in screens.items():
        if only and screen != only:
            continue
        for index, path in enumerate(paths):
            median, p95, cpu, queries = measure(client, engine, path, index > 0, requests)
            shown = path if index else f"{path} (full page)"
            print(
                f"{screen:13} {shown:46} {median:9.1f} {p95:8.1f} {cpu:7.1f} {queries:7.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per row")
    parser.add_argument("--only", help="one screen (groups, teams, users, run events, …)")
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
            print(f"{label}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
            engine = db.engine
        client = signed_in_client(app)
        with app.app_context():
            report(client, engine, scenarios(at), options.requests, options.only)
        engine.dispose()


if __name__ == "__main__":
    main()
