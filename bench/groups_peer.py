"""The Groups page beside the peer benchmark's raw-SQL floor, in the same interleaved rounds.

Seeds the product's database with the rows of `../shared/peer-bench/seed.py` (`build()`: 10,000
groups, 2,000 teams, 100,000 users, ~200,000 memberships; "Kestrel" matches 100 groups), serves
it with gunicorn (2 sync workers), signs in, and runs the peer's `run.sh` with PRODUCT_* so that
wrk measures the product and the floor one after the other, round by round. Then prints, per
request: req/s, p95, page bytes, SQL statements, the cost of an htmx fragment against the whole
page (server time in process: as sent again, kept, and as drawn, the first request after a
change), and the product ÷ raw-stored ratio of requests per second.

    python bench/groups_peer.py                            # SQLite and PostgreSQL, 3 rounds
    REPEATS=1 DURATION=5 python bench/groups_peer.py       # a quick look (~3 min)
    DBS=sqlite python bench/groups_peer.py

Settings (environment): DBS="sqlite pg", REPEATS, DURATION, WARMUP, CONNS (passed to run.sh),
TARGETS (run.sh's peers, default "raw-stored"), PEER_BENCH (default ../shared/peer-bench next
to the worktree, else /work/shared/peer-bench), DATABASE_URL (the PostgreSQL server, default
postgresql://postgres@127.0.0.1:5432/postgres). Without wrk or the peer folder it says so and
exits 0 (`make bench` runs every script here).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC
from pathlib import Path

import requests
from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from groups_page import analyze, bench_database, bench_redis  # noqa: E402

from dashboard import compression, create_app  # noqa: E402
from dashboard.accounts import upsert_account  # noqa: E402
from dashboard.devserver.ports import free_port, wait_until  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    Assignment,
    Direction,
    Group,
    Membership,
    MemberSource,
    Role,
    SyncMode,
    SyncState,
    Team,
    User,
    name_key,
)

EMAIL, PASSWORD = "peer-bench@example.com", "benchmark password"
PATHS = {
    "first": "/admin/groups/",
    "search": "/admin/groups/?q=Kestrel",
    "sort": "/admin/groups/?sort=users&dir=desc",
}
FRAGMENTS = {  # what htmx asks for: search as you type, and a page of rows
    "search": "/admin/groups/?q=Kestrel",
    "page 2": "/admin/groups/?page=2",
}
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
IN_PROCESS_REQUESTS = 60


def peer_folder() -> Path | None:
    for candidate in (
        os.environ.get("PEER_BENCH"),
        ROOT.parent / "shared" / "peer-bench",
        ROOT.parent.parent / "shared" / "peer-bench",
        "/work/shared/peer-bench",
    ):
        if candidate and (Path(candidate) / "run.sh").exists():
            return Path(candidate)
    return None


def main() -> None:
    peer = peer_folder()
    if peer is None or shutil.which("wrk") is None:
        print("skipped: needs wrk and ../shared/peer-bench (set PEER_BENCH)")
        return
    sys.path.insert(0, str(peer))
    import seed as peer_seed  # the peer benchmark's data set

    data = peer_seed.build(20261127)
    summaries = []
    for db_name in os.environ.get("DBS", "sqlite pg").split():
        server = None if db_name == "sqlite" else os.environ.get("DATABASE_URL", PG_DEFAULT)
        summaries.append(bench_one(db_name, server, data, peer))
    for summary in summaries:
        print(summary)


def bench_one(db_name: str, server: str | None, data: dict, peer: Path) -> str:
    with ExitStack() as stack:
        url, label = stack.enter_context(bench_database(server, keep=False))
        redis_url = stack.enter_context(bench_redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="groups-peer-")))
        env = environment(tmp, url, redis_url)
        app = create_app({**settings(tmp, url, redis_url)})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seed(data)
            print(f"{label}: product seeded in {time.perf_counter() - started:.1f} s", flush=True)
        in_process = measure_in_process(app)
        with app.app_context():
            db.engine.dispose()
        base = stack.enter_context(gunicorn(env, tmp / "web.log"))
        cookie = sign_in(base)
        peer_db = stack.enter_context(peer_database(server)) if server else None
        results = run_peer(peer, db_name, base, cookie, peer_db, tmp)
        return report(label, results, in_process)


def settings(tmp: Path, url: str, redis_url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "benchmark",
        "WTF_CSRF_ENABLED": False,  # the in-process client posts the login form bare
        "INSTANCE_PATH": str(tmp / "instance"),
        "REDIS_URL": redis_url,
    }


def environment(tmp: Path, url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "benchmark",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
    }


# --- seed: the peer's rows in the product's schema -----------------------------------------------

DIRECTIONS = {direction.value: direction for direction in Direction}
SOURCES = {
    "thinkific": MemberSource.THINKIFIC,
    "dashboard": MemberSource.DASHBOARD,
    "csv": MemberSource.CSV,
}


def seed(data: dict) -> None:
    upsert_account(EMAIL, PASSWORD, Role.ADMIN)
    bulk(
        Team,
        [
            {"id": t["id"], "name": t["name"], "name_key": name_key(t["name"])}
            for t in data["teams"]
        ],
    )
    bulk(
        User,
        [
            {
                "id": u["id"],
                "email": u["email"],
                "first_name": u["first_name"],
                "last_name": u["last_name"],
                "thinkific_id": u["thinkific_user_id"],
            }
            for u in data["users"]
        ],
    )
    bulk(Group, group_rows(data))
    bulk(
        Assignment,
        [
            {
                "id": a["id"],
                "group_id": a["group_id"],
                "team_id": a["team_id"],
                "direction": DIRECTIONS[a["sync_direction"]],
            }
            for a in data["assignments"]
        ],
    )
    bulk(
        Membership,
        [
            {
                "id": m["id"],
                "group_id": m["group_id"],
                "user_id": m["user_id"],
                "source": SOURCES[m["source"]],
            }
            for m in data["memberships"]
        ],
    )
    db.session.execute(
        text(
            "UPDATE teams SET groups_count = (SELECT count(*) FROM assignments"
            " WHERE assignments.team_id = teams.id)"
        )
    )
    if db.engine.dialect.name == "postgresql":
        for table in ("teams", "users", "groups", "assignments", "memberships"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    analyze()


def group_rows(data: dict) -> list[dict]:
    """The peer's groups with their stored counts, sync mode and status (full, active, ...)."""
    teams, users, directions = {}, {}, {}
    for a in data["assignments"]:
        teams[a["group_id"]] = teams.get(a["group_id"], 0) + 1
        directions.setdefault(a["group_id"], []).append(DIRECTIONS[a["sync_direction"]])
    for m in data["memberships"]:
        users[m["group_id"]] = users.get(m["group_id"], 0) + 1
    rows = []
    for g in data["groups"]:
        status = g["status"]
        mode = SyncMode.of(directions.get(g["id"], []))
        if status == "not_synced":
            mode = SyncMode.NONE
        elif mode == SyncMode.NONE:
            mode = SyncMode.BOTH
        rows.append(
            {
                "id": g["id"],
                "name": g["name"],
                "name_key": name_key(g["name"]),
                "token": g["token"] or "",
                "thinkific_id": g["thinkific_id"],
                "teams_count": teams.get(g["id"], 0),
                "users_count": users.get(g["id"], 0),
                "sync_mode": mode,
                "sync_state": SyncState.ERROR if status == "error" else SyncState.IDLE,
                "last_error": "The last sync failed." if status == "error" else None,
                "pending_changes": status == "active",
                "last_synced_at": g["last_synced_at"] and g["last_synced_at"].replace(tzinfo=UTC),
            }
        )
    return rows


def bulk(model, rows: list[dict], batch: int = 10_000) -> None:
    for start in range(0, len(rows), batch):
        db.session.execute(insert(model), rows[start : start + batch])


# --- in process: statements, bytes, fragment cost -------------------------------------------------


def measure_in_process(app) -> dict:
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.text
    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = {}
        for key, path in PATHS.items():
            result[key] = timed(client, path, seen)
        for key, path in FRAGMENTS.items():  # interleaved: a shared machine's load hits both
            result["fragment " + key], result["page " + key] = timed_pair(client, path, seen)
            drawn = timed_pair(client, path, seen, forget=lambda: forget_drawn(app))
            result["drawn fragment " + key], result["drawn page " + key] = drawn
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return result


def forget_drawn(app) -> None:
    """Every page, table and deflated piece kept (the first request after a change)."""
    app.extensions.get("fragment_caches", {}).clear()
    compression._kept.clear()


def timed(
    client,
    path: str,
    seen: list[str],
    fragment: bool = False,
    requests=IN_PROCESS_REQUESTS,
    warm=5,
    forget=lambda: None,
) -> dict:
    headers = {"Accept-Encoding": "gzip"}  # as a browser: bytes are what is sent
    headers |= {"HX-Request": "true"} if fragment else {}
    for _ in range(warm):
        client.get(path, headers=headers)
    times, sizes, counts = [], set(), set()
    for _ in range(requests):
        forget()
        seen.clear()
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        sizes.add(len(response.data))
        counts.add(len(seen))
    return {"ms": statistics.median(times), "bytes": max(sizes), "sql": sorted(counts)}


def timed_pair(client, path: str, seen: list[str], forget=lambda: None) -> tuple[dict, dict]:
    """The htmx fragment and the whole page of `path`, one request of each in turn; `forget`
    runs before each request (what is kept forgotten: each is drawn)."""
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for _ in range(IN_PROCESS_REQUESTS // 5):
        for fragment in (True, False):
            runs[fragment].append(
                timed(client, path, seen, fragment, requests=5, warm=0, forget=forget)
            )
    return tuple(
        {
            "ms": statistics.median(r["ms"] for r in runs[fragment]),
            "bytes": max(r["bytes"] for r in runs[fragment]),
            "sql": sorted({n for r in runs[fragment] for n in r["sql"]}),
        }
        for fragment in (True, False)
    )


# --- the product under gunicorn ---------------------------------------------------------------


@contextmanager
def gunicorn(env: dict, log: Path):
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--timeout",
        "60",
    ]
    with log.open("w") as out:
        child = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        alive = lambda: child.poll() is None  # noqa: E731
        if not wait_until(lambda: _answers(base + "/healthz"), 60, alive=alive):
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        yield base
    finally:
        os.killpg(child.pid, 15)
        child.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in admin (the login form's CSRF token included)."""
    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": EMAIL, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    response = session.post(base + "/login", data=form, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    assert session.get(base + PATHS["first"], timeout=30).status_code == 200
    return "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in session.cookies)


@contextmanager
def peer_database(server: str):
    """A database of its own for the peer's schema, on the same PostgreSQL server."""
    base = make_url(server)
    name = f"peer_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = base.set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (run.sh serves its targets from BASE_PORT on)."""
    for _ in range(100):
        first = random.randrange(20_000, 30_000)
        try:
            with ExitStack() as probes:
                for port in range(first, first + count):
                    probe = probes.enter_context(socket.socket())
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free block of ports")


def run_peer(peer: Path, db_name: str, base: str, cookie: str, pg_url, tmp: Path) -> Path:
    env = {
        **os.environ,
        "DBS": db_name,
        "TARGETS": os.environ.get("TARGETS", "raw-stored"),
        "PEER_WORK": str(tmp / "peer"),
        "BASE_PORT": str(free_ports(4)),
        "PRODUCT_BASE": base,
        "PRODUCT_DB": db_name,
        "PRODUCT_HEADER": cookie,
        "PRODUCT_FIRST": PATHS["first"],
        "PRODUCT_SEARCH": PATHS["search"],
        "PRODUCT_SORT": PATHS["sort"],
    }
    if pg_url:
        env["PG_URL"] = pg_url
    output = subprocess.run(
        ["bash", str(peer / "run.sh")], env=env, check=True, text=True, stdout=subprocess.PIPE
    )
    print(output.stdout, flush=True)
    return Path(re.findall(r"^results: (.+)$", output.stdout, re.M)[-1])


# --- report -----------------------------------------------------------------------------------


def report(label: str, results: Path, in_process: dict) -> str:
    runs: dict[tuple[str, str], list[dict]] = {}
    for line in (results / "wrk.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            runs.setdefault((row["target"], row["request"]), []).append(row)
    lines = [
        f"\nGroups page beside the raw-stored floor, {label} (median of rounds; "
        "in-process server time for the fragment cost)",
        f"{'request':8} {'req/s':>8} {'floor':>8} {'÷floor':>7} {'p95 ms':>7} "
        f"{'bytes':>7} {'SQL':>5} {'errors':>6}",
    ]
    for request in PATHS:
        product = runs.get(("product", request), [])
        floor = runs.get(("raw-stored", request), [])
        rps = statistics.median(r["rps"] for r in product) if product else 0.0
        floor_rps = statistics.median(r["rps"] for r in floor) if floor else 0.0
        p95 = statistics.median(r["p95_ms"] for r in product) if product else 0.0
        errors = sum(r[k] for r in product for k in r if k.startswith("err_"))
        ratio = rps / floor_rps if floor_rps else 0.0
        stats = in_process[request]
        sql = "/".join(str(n) for n in stats["sql"])
        lines.append(
            f"{request:8} {rps:8.1f} {floor_rps:8.1f} {ratio:7.2f} {p95:7.1f} "
            f"{stats['bytes']:7d} {sql:>5} {errors:6d}"
        )
    for kept in ("", "drawn "):  # as sent again (kept), and drawn (the first after a change)
        for key in FRAGMENTS:
            fragment, page = in_process[f"{kept}fragment {key}"], in_process[f"{kept}page {key}"]
            lines.append(
                f"{kept or 'kept '}fragment {key}: {fragment['ms']:.2f} ms / page "
                f"{page['ms']:.2f} ms = {fragment['ms'] / page['ms']:.0%} of the full page; "
                f"{fragment['bytes']} bytes, SQL {'/'.join(str(n) for n in fragment['sql'])}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
