"""Benchmark: an admin's writes over real HTTP while the first sync of the demo school runs.

    .venv/bin/python bench/admin_during_sync.py [--every 2] [--max-seconds 0] [--workers 2]
        [--rate 120]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/...

The product runs as `make run` runs it (bench/_stack.py): the emulator at its default rate limit
(120 requests a minute) holding the demo school's Thinkific side, the dashboard seeded with the
demo, RQ worker processes and gunicorn. A sync of all groups starts; meanwhile a signed-in admin
performs one write every --every seconds, in turn: create a team, Quick Assign it to a group, change
that link's direction, add a member, remove that member — until the sync ends (or
--max-seconds pass). Prints p50 / p95 / max latency per action, the 5xx answers, the lock errors
(in answers and in the processes' logs) and, on PostgreSQL, the longest time a connection stayed
idle in a transaction (pg_stat_activity sampled every 100 ms). Goals: p95 ≤ 100 ms, max ≤ 500 ms,
no 5xx, no lock error, idle in transaction ≤ 1 s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stack import ADMIN_EMAIL, ADMIN_PASSWORD, Stack, running_stack
from sqlalchemy import create_engine, select, text

from dashboard.extensions import db
from dashboard.models import Group, RunState, SyncMode, SyncRun, Team, User, name_key
from jobs.enqueue import begin_sync_all

ACTIONS = ("create team", "quick assign", "direction", "add member", "remove member")
LOCK_ERRORS = re.compile(r"database is locked|deadlock detected|LockNotAvailable|lock timeout")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = 60  # seconds a request may take before it counts as failed (gunicorn's is 30)


def main() -> int:
    args = parse_args()
    with running_stack(
        os.environ.get("DATABASE_URL"), workers=args.workers, rate=args.rate
    ) as stack:
        admin = Admin(stack.web_url)
        targets = member_groups(stack)
        sampler = IdleSampler(stack.database_url) if stack.label == "PostgreSQL" else None
        with stack.app.app_context():
            run_id = begin_sync_all().run.id
            db.session.remove()
        started = time.monotonic()
        print(
            f"{stack.label}: sync run {run_id} started; an admin writes every {args.every} s",
            flush=True,
        )
        timings, failures = drive(admin, stack, run_id, targets, args)
        elapsed = time.monotonic() - started
        idle = sampler.stop() if sampler else None
        state = describe_run(stack, run_id)
        report(stack, timings, failures, elapsed, state, idle)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=float, default=2.0, help="seconds between writes")
    parser.add_argument("--max-seconds", type=float, default=0, help="stop early (0: never)")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    rate = "Thinkific requests a minute (default 120, the emulator's); more: a shorter sync"
    parser.add_argument("--rate", type=int, help=rate)
    return parser.parse_args()


class Admin:
    """A signed-in admin's browser, as htmx sends its requests (HX-Request, X-CSRFToken)."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()
        page = self.session.get(f"{base}/login", timeout=TIMEOUT)
        form = {"csrf_token": csrf_of(page.text), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        self.session.post(f"{base}/login", data=form, timeout=TIMEOUT).raise_for_status()
        token = csrf_of(self.session.get(f"{base}/admin/groups/", timeout=TIMEOUT).text)
        self.session.headers.update({"HX-Request": "true", "X-CSRFToken": token})

    def post(self, path: str, data: dict) -> tuple[float, requests.Response | None]:
        started = time.perf_counter()
        try:
            response = self.session.post(self.base + path, data=data, timeout=TIMEOUT)
        except requests.RequestException:
            response = None
        return (time.perf_counter() - started) * 1000, response


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def member_groups(stack: Stack) -> list[int]:
    """Groups whose members an admin may edit here (not pull-only), in the dashboard."""
    with stack.app.app_context():
        ids = db.session.scalars(
            select(Group.id).where(Group.sync_mode != SyncMode.PULL).order_by(Group.id)
        ).all()
        db.session.remove()
    return list(ids)


def drive(admin: Admin, stack: Stack, run_id: int, groups: list[int], args) -> tuple:
    """One write every `every` seconds, the five actions in turn, until the sync ends."""
    timings: dict[str, list[float]] = defaultdict(list)
    failures = {"5xx": 0, "lock errors": 0, "no answer": 0, "refused": 0, "other 4xx": 0}
    state: dict = {"team": None, "link": None, "member": None}
    started = time.monotonic()
    for tick, (action, group_id) in enumerate(zip(itertools.cycle(ACTIONS), cycled(groups))):
        due = started + tick * args.every
        time.sleep(max(0.0, due - time.monotonic()))
        if args.max_seconds and time.monotonic() - started > args.max_seconds:
            break
        if action == ACTIONS[0] and tick and run_state(stack, run_id) not in LIVE:
            break
        path, data = request_for(action, tick, group_id, state)
        if path is None:  # what it works on was not made: the failure is already counted
            continue
        elapsed, response = admin.post(path, data)
        timings[action].append(elapsed)
        count(failures, response)
        remember(action, state, stack, path, data)
    return timings, failures


LIVE = (RunState.QUEUED, RunState.RUNNING)


def cycled(groups: list[int]):
    """Each cycle of five actions works on one group, the next group each cycle."""
    for group_id in itertools.cycle(groups):
        yield from [group_id] * len(ACTIONS)


def request_for(action: str, tick: int, group_id: int, state: dict):
    cycle = tick // len(ACTIONS)
    if action == "create team":
        return "/admin/teams/", {"new-name": f"Bench team {cycle}"}
    if action == "quick assign":
        prefix = f"g{group_id}"
        return f"/admin/groups/{group_id}/assign", {
            f"{prefix}-team": state["team"],
            f"{prefix}-direction": "disabled",
        }
    if action == "direction":
        if state["link"] is None:
            return None, None
        link_group, team_id = state["link"]
        path = f"/admin/groups/{link_group}/teams/{team_id}/direction"
        return path, {"direction": "dashboard_to_thinkific" if cycle % 2 else "bidirectional"}
    if action == "add member":
        return f"/admin/groups/{group_id}/members", {
            "email": f"bench.admin.{cycle}@example.com",
            "first_name": "Bench",
            "last_name": str(cycle),
        }
    if state["member"] is None:
        return None, None
    member_group, user_id = state["member"]
    return f"/admin/groups/{member_group}/members/{user_id}/remove", {}


def remember(action: str, state: dict, stack: Stack, path: str, data: dict) -> None:
    """What the next action works on: the team just made, the link, the member added."""
    if action == "create team":
        state["team"] = data["new-name"]
    elif action == "quick assign":
        team_id = lookup(stack, Team.id, Team.name_key == name_key(state["team"]))
        state["link"] = (group_of(path), team_id) if team_id else None
    elif action == "add member":
        user_id = lookup(stack, User.id, User.email == data["email"])
        state["member"] = (group_of(path), user_id) if user_id else None


def group_of(path: str) -> int:
    return int(path.split("/")[3])  # /admin/groups/<id>/...


def lookup(stack: Stack, column, condition):
    with stack.app.app_context():
        value = db.session.scalar(select(column).where(condition))
        db.session.remove()
    return value


def count(failures: dict, response: requests.Response | None) -> None:
    if response is None:
        failures["no answer"] += 1
        return
    if response.status_code >= 500:
        failures["5xx"] += 1
    elif response.status_code == 422:
        failures["refused"] += 1  # the form's answer: a write that did not happen
    elif response.status_code >= 400:
        failures["other 4xx"] += 1
    if LOCK_ERRORS.search(response.text):
        failures["lock errors"] += 1


def run_state(stack: Stack, run_id: int) -> RunState | None:
    return lookup(stack, SyncRun.state, SyncRun.id == run_id)


def describe_run(stack: Stack, run_id: int) -> str:
    with stack.app.app_context():
        run = db.session.get(SyncRun, run_id)
        text_ = (
            f"{run.state}, {run.groups_done}/{run.groups_total} groups, {run.calls} "
            f"Thinkific calls, {run.access_granted} enrollments created"
        )
        db.session.remove()
    return text_


class IdleSampler:
    """The longest `idle in transaction` among the benchmark database's connections, sampled
    every 100 ms from a connection of its own."""

    QUERY = text(
        "SELECT coalesce(max(extract(epoch FROM now() - state_change)), 0) FROM pg_stat_activity "
        "WHERE state = 'idle in transaction' AND datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )

    def __init__(self, url: str):
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.longest, self.done = 0.0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        with self.engine.connect() as connection:
            while not self.done.wait(0.1):
                self.longest = max(self.longest, float(connection.execute(self.QUERY).scalar()))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self.engine.dispose()
        return self.longest


def report(stack: Stack, timings, failures, elapsed: float, state, idle: float | None) -> None:
    print(
        f"\n{stack.label}: {sum(map(len, timings.values()))} writes in {elapsed:.0f} s; "
        f"the sync run: {state}"
    )
    print(f"{'action':<15} {'count':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for action in ACTIONS:
        times = sorted(timings.get(action, []))
        if times:
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{action:<15} {len(times):>5} {statistics.median(times):>8.0f} {p95:>8.0f} "
                f"{times[-1]:>8.0f}"
            )
    logged = len(LOCK_ERRORS.findall(stack.log_text()))
    print(
        f"5xx answers: {failures['5xx']}; no answer: {failures['no answer']}; "
        f"refused (422): {failures['refused']}; other 4xx: {failures['other 4xx']}"
    )
    print(f"lock errors: {failures['lock errors']} in answers, {logged} in the processes' logs")
    if idle is not None:
        print(f"longest idle in transaction (pg_stat_activity): {idle:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
