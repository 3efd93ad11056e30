"""Benchmark the sync screens at scale: the live status polls, Sync history, a run's events
and their CSV export, on 10,000 groups and a run with 100,000 events.

    python bench/sync_ui.py                       # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/sync_ui.py

A run of all groups is live (a heartbeat in an embedded Redis, as a worker keeps it). Prints
the median and 95th-percentile server time, the SQL queries and the size of each answer, and
the CSV export's rows per second. Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
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
    app_config,
    bench_database,
    bench_redis,
    bulk,
    signed_in_client,
    statements,
)
from sqlalchemy import text  # noqa: E402

from dashboard import create_app  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import (  # noqa: E402
    Account,
    EventOutcome,
    Group,
    Role,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncMode,
    SyncRun,
    SyncState,
    name_key,
)
from dashboard.redis_client import get_redis  # noqa: E402
from dashboard.runs.progress import RECOVER_KEY  # noqa: E402

GROUPS, RUNS, EVENTS = 10_000, 2_000, 100_000
PASSWORD = "benchmark password"
ACTIONS = ("add_remote", "add_local", "remove_local", "manual_removal")
REASON = "add to Thinkific: added in the dashboard"
FAILURE = "Thinkific failed (503 on POST /group_users)"


def main() -> None:
    options = parse_args()
    with (
        bench_database(os.environ.get("DATABASE_URL"), keep=False) as (url, label),
        bench_redis() as redis_url,
    ):
        app = create_app(app_config(url, redis_url))
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            live_id = seed()
            print(f"{label}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
            engine = db.engine
        with app.app_context():
            get_redis().set(f"sync:alive:{live_id}", 1)  # the run is alive, as a worker keeps it
            get_redis().set(RECOVER_KEY, 1, ex=3600)  # measure the poll, not the dead-run scan
        client = signed_in_client(app)
        print_results(measure(client, engine, scenarios(live_id), options.requests), label)
        print_export(client, engine)
        engine.dispose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario")
    return parser.parse_args()


def seed() -> int:
    """Groups, finished runs, one big finished run and one live run; returns the live run."""
    account = Account(email="bench@example.com", role=Role.ADMIN)
    account.set_password(PASSWORD)
    db.session.add(account)
    now = datetime.now(UTC)
    bulk(Group, [group(n, now) for n in range(1, GROUPS + 1)])
    bulk(SyncRun, [run(n, now) for n in range(1, RUNS + 1)])
    bulk(SyncEvent, [event(n, now) for n in range(1, EVENTS + 1)])
    live = SyncRun(
        id=RUNS + 1,
        trigger=RunTrigger.MANUAL,
        state=RunState.RUNNING,
        started_at=now,
        groups_total=GROUPS,
        groups_done=GROUPS // 3,
        job_id="bench",
    )
    db.session.add(live)
    db.session.commit()
    with db.engine.connect() as connection:  # fresh planner statistics, as a real database has
        connection.execute(text("ANALYZE"))
        connection.commit()
    return live.id


def group(n: int, now: datetime) -> dict:
    name = f"Group {n:05}"
    syncing = n % 50 == 1
    return {
        "id": n,
        "name": name,
        "name_key": name_key(name),
        "thinkific_id": 10_000 + n,
        "sync_mode": SyncMode.BOTH,
        "last_synced_at": now - timedelta(hours=1),
        "sync_state": SyncState.SYNCING if syncing else SyncState.IDLE,
        "updated_at": now - timedelta(minutes=0 if syncing else 30),
    }


def run(n: int, now: datetime) -> dict:
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


def event(n: int, now: datetime) -> dict:
    """Events of run 1 (the big one): every group touched, several changes each."""
    return {
        "run_id": 1,
        "group_id": n % GROUPS + 1,
        "email": f"user{n:06}@example.com",
        "action": ACTIONS[n % len(ACTIONS)],
        "created_at": now,
        "outcome": EventOutcome.FAILED if n % 97 == 0 else EventOutcome.APPLIED,
        "reason": f"{REASON} on 2026-01-{n % 28 + 1:02} 00:00 UTC, link Acme (Bidirectional)",
        "error": FAILURE if n % 97 == 0 else None,
    }


def scenarios(live_id: int) -> dict[str, tuple[str, dict]]:
    ids = ",".join(str(n) for n in range(1, 51))
    fresh = int(time.time())
    htmx = {"HX-Request": "true"}
    status, poll = "/admin/groups/sync/progress", f"run={live_id}&ids={ids}"
    return {
        "Groups page (bar polling)": ("/admin/groups/", {}),
        "status poll, 50 rows, 1 changed": (
            f"{status}?run={live_id}&ids={ids}&since={fresh}",
            htmx,
        ),
        "status poll, 50 rows, all sent": (f"{status}?{poll}", htmx),
        "group sync status poll": ("/admin/groups/1/sync/status?tid=10001", htmx),
        "group page": ("/admin/groups/1", {}),
        "Sync history, page 1": ("/admin/sync-runs/", {}),
        "Sync history, page 40": ("/admin/sync-runs/?page=40", {}),
        "run page (100k events)": ("/admin/sync-runs/1", {}),
        "events: failed, page 5": ("/admin/sync-runs/1?outcome=failed&page=5", htmx),
        "events: search 'user0999'": ("/admin/sync-runs/1?q=user0999", htmx),
        "live run summary poll": (f"/admin/sync-runs/{live_id}/live", htmx),
    }


def measure(client, engine, cases: dict, requests: int) -> list[tuple]:
    results = []
    for label, (url, headers) in cases.items():
        for _ in range(3):
            client.get(url, headers=headers)
        times, sizes = [], []
        with statements(engine) as seen:
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                sizes.append(len(response.data))
        results.append((label, times, len(seen) / requests, statistics.mean(sizes) / 1024))
    return results


def print_results(results, label: str) -> None:
    print(f"\nSync screens on {label} — server time through the Flask test client, signed in")
    print(f"{'request':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>7}")
    for name, times, queries, kilobytes in results:
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"{name:36} {statistics.median(times):10.1f} {p95:8.1f} {queries:8.1f} {kilobytes:7.1f}"
        )


def print_export(client, engine) -> None:
    with statements(engine) as seen:
        started = time.perf_counter()
        response = client.get("/admin/sync-runs/1/events.csv")
        body = response.get_data()
        seconds = time.perf_counter() - started
    rows = body.count(b"\n") - 1
    print(
        f"\nCSV export of run 1: {rows:,} rows, {len(body) / 2**20:.1f} MB in {seconds:.2f} s "
        f"({rows / seconds:,.0f} rows/s), {len(seen)} queries"
    )


if __name__ == "__main__":
    main()
