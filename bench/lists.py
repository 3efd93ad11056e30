"""How fast the Teams and Users lists answer at scale: numbers, not pass/fail.

    python bench/lists.py                      # SQLite in a temporary directory
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/lists.py

Builds a school of 100,000 users, 10,000 groups, 200,000 memberships and 1,000 teams (each
with a few groups) in a fresh database made by the migrations, then times requests of the real
app through the Flask test client, signed in as an admin: the median of several runs, and the
SQL statements each request sends.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import create_app
from dashboard.extensions import db
from dashboard.models import (
    Account,
    Assignment,
    Direction,
    Group,
    Membership,
    MemberSource,
    Role,
    Team,
    User,
    utcnow,
)

USERS, GROUPS, MEMBERSHIPS, TEAMS = 100_000, 10_000, 200_000, 1_000
RUNS = 7
FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hana", "Ivan", "Jo"]
LAST = ["Lee", "Smith", "Ng", "García", "Okafor", "Kowalski", "Tanaka", "Dubois", "Rossi"]
DOMAINS = ["acme.com", "globex.org", "initech.net", "umbrella.io"] + [
    f"firm{n}.example" for n in range(200)
]


def database_url(directory: str) -> tuple[str, callable]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{directory}/bench.sqlite3", lambda: None
    server = make_url(base.replace("postgres://", "postgresql://", 1))
    name = f"b2b_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return server.set(database=name).render_as_string(hide_password=False), drop


def seed() -> None:
    rng = random.Random(7)
    now = utcnow()
    users = [
        {
            "email": f"{rng.choice(FIRST).lower()}.{n}@{rng.choice(DOMAINS)}".replace("é", "e"),
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "thinkific_id": n * 3 if n % 4 else None,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(1, USERS + 1)
    ]
    db.session.execute(insert(User), users)
    groups = [
        {"name": f"Group {n}", "name_key": f"group {n}", "created_at": now, "updated_at": now}
        for n in range(1, GROUPS + 1)
    ]
    db.session.execute(insert(Group), groups)
    pairs = set()
    while len(pairs) < MEMBERSHIPS:
        pairs.add((rng.randint(1, GROUPS), rng.randint(1, USERS)))
    db.session.execute(
        insert(Membership),
        [
            {"group_id": g, "user_id": u, "source": MemberSource.SEED, "added_at": now}
            for g, u in pairs
        ],
    )
    seed_teams(rng, now)
    recount()
    db.session.commit()


def seed_teams(rng: random.Random, now) -> None:
    teams = [
        {"name": f"Team {n}", "name_key": f"team {n}", "description": "", "groups_count": 0,
         "seat_limit": rng.choice([None, 50, 100, 500]), "created_at": now, "updated_at": now}
        for n in range(1, TEAMS + 1)
    ]  # fmt: skip
    db.session.execute(insert(Team), teams)
    links = {(rng.randint(1, GROUPS), team) for team in range(1, TEAMS + 1) for _ in range(4)}
    db.session.execute(
        insert(Assignment),
        [
            {"group_id": g, "team_id": t, "direction": Direction.BIDIRECTIONAL,
             "created_at": now, "updated_at": now}
            for g, t in links
        ],
    )  # fmt: skip


RECOUNT = """
UPDATE groups SET
  users_count = (SELECT count(*) FROM memberships m WHERE m.group_id = groups.id),
  teams_count = (SELECT count(*) FROM assignments a WHERE a.group_id = groups.id);
UPDATE teams SET groups_count = (SELECT count(*) FROM assignments a WHERE a.team_id = teams.id)
"""


def recount() -> None:
    for statement in RECOUNT.split(";"):
        db.session.execute(text(statement))
    settle()


def settle() -> None:
    """Statistics and visibility maps as autovacuum keeps them on a live database."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM"))
        connection.execute(text("ANALYZE"))


def measure(client, path: str) -> tuple[float, int, int]:
    statements: list[str] = []
    record = lambda *args: statements.append(args[2])  # noqa: E731
    times = []
    for _ in range(RUNS):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        start = time.perf_counter()
        response = client.get(path, headers={"HX-Request": "true"})
        times.append(time.perf_counter() - start)
        event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000, len(statements), len(response.data)


PATHS = [
    "/admin/users/",
    "/admin/users/?page=1500",
    "/admin/users/?sort=name",
    "/admin/users/?sort=thinkific_id&dir=desc",
    "/admin/users/?sort=groups&dir=desc",
    "/admin/users/?q=a",
    "/admin/users/?q=ok",
    "/admin/users/?q=acme",
    "/admin/users/?q=firm17.",
    "/admin/users/?q=ann.4242",
    "/admin/users/?q=zzzz",
    "/admin/teams/",
    "/admin/teams/?sort=users&dir=desc",
    "/admin/teams/?sort=groups&dir=desc",
    "/admin/teams/?q=team 99",
    "/admin/teams/1?q=",
    "/admin/teams/1?q=acme",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url, drop = database_url(directory)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": directory, "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "REDIS_URL": "redis://127.0.0.1:1",
        })  # fmt: skip
        try:
            run(app)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            drop()


def run(app) -> None:
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        seed()
        print(f"{db.engine.dialect.name}: seeded in {time.perf_counter() - start:.1f}s")
        account = Account(email="bench@example.com", role=Role.ADMIN)
        account.set_password("bench-password")
        db.session.add(account)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.com", "password": "bench-password"})
    print(f"{'request (htmx fragment)':45} {'median ms':>10} {'queries':>8} {'bytes':>8}")
    with app.app_context():
        for path in PATHS:
            ms, queries, size = measure(client, path)
            print(f"{path:45} {ms:10.1f} {queries:8} {size:8}")


if __name__ == "__main__":
    main()
