"""Benchmark the Groups page at scale: 10,000 groups, 2,000 teams, 100,000 users, 200,000 members.

Seeds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server that
DATABASE_URL names), then requests the Groups page through the Flask test client, signed in,
and prints the median and 95th-percentile server time and the SQL queries per request.

    python bench/groups_page.py                       # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/groups_page.py
    python bench/groups_page.py --requests 100 --explain

Numbers, not pass/fail: run it before and after a change to the list's queries or indexes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from dashboard import create_app, embedded_redis  # noqa: E402
from dashboard.config import database_url  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    Account,
    Assignment,
    Direction,
    Group,
    Membership,
    MemberSource,
    Role,
    SyncMode,
    Team,
    User,
    name_key,
)

GROUPS, TEAMS, USERS, MEMBERSHIPS = 10_000, 2_000, 100_000, 200_000
PASSWORD = "benchmark password"
SCENARIOS = {
    "first page": "/admin/groups/",
    "search “sales”": "/admin/groups/?q=sales",
    "sort by Users desc": "/admin/groups/?sort=users&dir=desc",
    "deep page (150 of 200)": "/admin/groups/?page=150",
    "sort by Status": "/admin/groups/?sort=status",
    "search + sort by Users, page 3": "/admin/groups/?q=an&sort=users&dir=desc&page=3",
}
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Dunder",
    "Pied",
    "Aperture",
    "Gringotts",
    "Oceanic",
    "Monarch",
    "Massive",
    "Nakatomi",
    "Virtucon",
    "Gekko",
    "Sterling",
    "Prestige",
    "Bluth",
    "Krusty",
    "Duff",
    "Ollivander",
    "Hanso",
    "Abstergo",
]
DEPARTMENTS = [
    "Sales",
    "Support",
    "Engineering",
    "Finance",
    "Legal",
    "Marketing",
    "Onboarding",
    "Operations",
    "Security",
    "Design",
    "Research",
    "Logistics",
    "Procurement",
    "Training",
    "Compliance",
    "Product",
    "Quality",
    "Partners",
    "Leadership",
    "HR",
]


def main() -> None:
    options = parse_args()
    with (
        bench_database(os.environ.get("DATABASE_URL"), options.keep) as (url, label),
        bench_redis() as redis_url,
    ):
        app = create_app(app_config(url, redis_url))
        with app.app_context():
            upgrade()
            seeded = seed(random.Random(options.seed))
            engine = db.engine
        print(f"{label}: seeded in {seeded:.1f} s", flush=True)
        # Requests run outside any app context, so each gets its own session, as in production.
        client = signed_in_client(app)
        print_results(measure(client, engine, options.requests), label)
        if options.explain:
            explain(client, engine)
        engine.dispose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario")
    parser.add_argument("--seed", type=int, default=42, help="random seed for the data")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    return parser.parse_args()


# --- database ---------------------------------------------------------------------------------


@contextmanager
def bench_database(server: str | None, keep: bool) -> Iterator[tuple[str, str]]:
    """A new, empty database: a temporary SQLite file, or one made on a PostgreSQL server."""
    if not server:
        directory = tempfile.mkdtemp(prefix="groups-bench-")
        yield f"sqlite:///{directory}/bench.sqlite3", "SQLite"
        return
    base = make_url(database_url(server, Path(tempfile.gettempdir())))
    name = f"b2b_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False), "PostgreSQL"
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def bench_redis() -> Iterator[str]:
    """An embedded redis-server of the benchmark's own, stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="groups-bench-redis-") as directory:
        try:
            yield embedded_redis.start(Path(directory))
        finally:
            embedded_redis.stop(Path(directory))


def app_config(url: str, redis_url: str) -> dict:
    instance = tempfile.mkdtemp(prefix="groups-bench-instance-")
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "benchmark",
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": instance,
        "REDIS_URL": redis_url,
    }


# --- seed -------------------------------------------------------------------------------------


def seed(rng: random.Random) -> float:
    """Bulk-insert the data set with its stored counts right; returns the seconds it took."""
    started = time.perf_counter()
    account = Account(email="bench@example.com", role=Role.ADMIN)
    account.set_password(PASSWORD)
    db.session.add(account)
    bulk(User, users())
    bulk(Team, teams())
    links = assignments(rng)
    members = memberships(rng)
    bulk(Group, groups(rng, links, members))
    bulk(Assignment, links)
    bulk(Membership, members)
    recount_teams()
    db.session.commit()
    analyze()
    return time.perf_counter() - started


def bulk(model, rows: list[dict], batch: int = 10_000) -> None:
    for start in range(0, len(rows), batch):
        db.session.execute(insert(model), rows[start : start + batch])


def users() -> list[dict]:
    return [{"id": n, "email": f"user{n:06}@example.com"} for n in range(1, USERS + 1)]


def teams() -> list[dict]:
    names = {n: f"{COMPANIES[n % len(COMPANIES)]} team {n:04}" for n in range(1, TEAMS + 1)}
    return [{"id": n, "name": name, "name_key": name_key(name)} for n, name in names.items()]


def assignments(rng: random.Random) -> list[dict]:
    """0 to 3 team links per group, in any direction."""
    links = []
    for group_id in range(1, GROUPS + 1):
        for team_id in rng.sample(range(1, TEAMS + 1), rng.choice((0, 1, 1, 2, 3))):
            direction = rng.choice(list(Direction))
            links.append({"group_id": group_id, "team_id": team_id, "direction": direction})
    return links


def memberships(rng: random.Random) -> list[dict]:
    """200,000 distinct (group, user) pairs, a few big groups and a long tail of small ones."""
    weights = [1 / (rank + 5) ** 0.9 for rank in range(GROUPS)]
    rng.shuffle(weights)
    scale = MEMBERSHIPS / sum(weights)
    sizes = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(GROUPS), MEMBERSHIPS - sum(sizes)):
        sizes[index] += 1
    added_at = datetime.now(UTC) - timedelta(days=30)
    rows = []
    for group_id, size in enumerate(sizes, start=1):
        for user_id in rng.sample(range(1, USERS + 1), size):
            rows.append(
                {
                    "group_id": group_id,
                    "user_id": user_id,
                    "source": MemberSource.SEED,
                    "added_at": added_at,
                }
            )
    return rows


def groups(rng: random.Random, links: list[dict], members: list[dict]) -> list[dict]:
    teams_count, users_count, directions = [0] * (GROUPS + 1), [0] * (GROUPS + 1), {}
    for link in links:
        teams_count[link["group_id"]] += 1
        directions.setdefault(link["group_id"], []).append(link["direction"])
    for member in members:
        users_count[member["group_id"]] += 1
    synced_at = datetime.now(UTC) - timedelta(hours=1)
    rows = []
    for group_id in range(1, GROUPS + 1):
        name = f"{rng.choice(COMPANIES)} {rng.choice(DEPARTMENTS)} {group_id:05}"
        in_thinkific = rng.random() < 0.7
        rows.append(
            {
                "id": group_id,
                "name": name,
                "name_key": name_key(name),
                "thinkific_id": 100_000 + group_id if in_thinkific else None,
                "token": f"{rng.getrandbits(32):08x}" if in_thinkific else "",
                "teams_count": teams_count[group_id],
                "users_count": users_count[group_id],
                "sync_mode": SyncMode.of(directions.get(group_id, [])),
                "last_synced_at": synced_at if in_thinkific and rng.random() < 0.8 else None,
            }
        )
    return rows


def recount_teams() -> None:
    db.session.execute(
        text(
            "UPDATE teams SET groups_count = "
            "(SELECT count(*) FROM assignments WHERE assignments.team_id = teams.id)"
        )
    )


def analyze() -> None:
    """Fresh planner statistics, as a real database would have."""
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("groups", "teams", "users", "memberships", "assignments"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM ANALYZE {table}"))


# --- measure ----------------------------------------------------------------------------------


def signed_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(client, engine: Engine, requests: int) -> list[tuple[str, list[float], float, float]]:
    results = []
    for label, url in SCENARIOS.items():
        for _ in range(3):  # warm caches and the connection pool
            client.get(url)
        times, sizes = [], []
        with statements(engine) as seen:
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                sizes.append(len(response.data))
        results.append((label, times, len(seen) / requests, statistics.mean(sizes) / 1024))
    return results


def print_results(results, label: str) -> None:
    print(f"\nGroups page on {label} — server time through the Flask test client, signed in")
    print(f"{'request':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for name, times, queries, kilobytes in results:
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"{name:34} {statistics.median(times):10.1f} {p95:8.1f} {queries:8.1f} {kilobytes:6.1f}"
        )


def explain(client, engine: Engine) -> None:
    """The plan of each scenario's page query (the one that reads the groups)."""
    postgresql = engine.dialect.name == "postgresql"
    for label, url in SCENARIOS.items():
        with statements(engine) as seen:
            client.get(url)
        statement, parameters = next(
            (s, p) for s, p in seen if "FROM groups" in s and "count(" not in s
        )
        prefix = "EXPLAIN ANALYZE " if postgresql else "EXPLAIN QUERY PLAN "
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(prefix + statement, parameters).fetchall()
        print(f"\n-- {label}")
        for row in plan:
            print("  ", " | ".join(str(part) for part in row))


if __name__ == "__main__":
    main()
