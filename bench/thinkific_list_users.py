"""Benchmark: read a whole school through the real client under Thinkific's rate limit.

Starts its own Thinkific emulator (real HTTP, the emulator's own per-site limiter on) and its
own embedded Redis, seeds GROUPS groups holding USERS users (each user in one group), then
lists every user (`GET /users`) and every group with its members (`GET /groups`,
`GET /users?query[group_id]=`) through `ThinkificClient`, with the same per-minute rate on both
sides. It prints the requests made against the fewest possible, the 429s received, and the
elapsed time against the lower bound the rate allows.

    PYTHONPATH=. /work/venv/bin/python bench/thinkific_list_users.py [--rate 150] [--latency 0]

The default rate is 150 a minute rather than Thinkific's 120 so that the run takes about a
minute: 281 requests at 150 per minute need one full window of waiting.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import redis

from dashboard import embedded_redis
from dashboard.thinkific.client import ThinkificClient
from dashboard.thinkific.emulator import EmulatorControl, EmulatorServer, create_emulator
from dashboard.thinkific.pagination import PAGE_SIZE

API_KEY = "bench-api-key-0123456789abcdef012"
SUBDOMAIN = "bench-school"


def main() -> None:
    options = parse_arguments()
    with tempfile.TemporaryDirectory() as folder:
        redis_url = embedded_redis.start(Path(folder) / "redis")
        try:
            run(options, redis_url)
        finally:
            embedded_redis.stop(Path(folder) / "redis")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=150, help="requests per minute, both sides")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per answer")
    return parser.parse_args()


def run(options: argparse.Namespace, redis_url: str) -> None:
    emulator = create_emulator(
        {
            "API_KEY": API_KEY,
            "SUBDOMAIN": SUBDOMAIN,
            "RATE_LIMIT": options.rate,
            "RATE_LIMIT_WINDOW": 60,
            "LATENCY": options.latency,
        }
    )
    with EmulatorServer(emulator) as server:
        control = EmulatorControl(server.url, timeout=300)
        control.generate(groups=options.groups, users=options.users, memberships=options.users)
        client = ThinkificClient(
            server.api_url,
            api_key=API_KEY,
            subdomain=SUBDOMAIN,
            rate_limit=options.rate,
            redis_connection=redis.Redis.from_url(redis_url),
        )
        started = time.monotonic()
        users, members, groups = read_everything(client)
        elapsed = time.monotonic() - started
        report(options, client, control.stats(), users, members, groups, elapsed)


def read_everything(client: ThinkificClient) -> tuple[int, int, int]:
    users = sum(1 for _ in client.iter_users())
    members = groups = 0
    for group in client.iter_groups():
        groups += 1
        members += sum(1 for _ in client.iter_group_members(group.id))
    return users, members, groups


def report(options, client, server_stats, users, members, groups, elapsed) -> None:
    per_group = math.ceil(options.users / options.groups)
    fewest = (
        math.ceil(options.users / PAGE_SIZE)
        + math.ceil(options.groups / PAGE_SIZE)
        + options.groups * max(1, math.ceil(per_group / PAGE_SIZE))
    )
    windows = math.ceil(fewest / options.rate) - 1
    bound = windows * 60.0
    stats = client.stats
    print(f"read: {users} users, {groups} groups, {members} memberships")
    print(f"requests made: {stats.calls} (fewest possible {fewest}); retries: {stats.retries}")
    print(f"429s received: {stats.rate_limited} (emulator answered {server_stats['rate_limited']})")
    print(f"rate: {options.rate}/min on both sides, latency {options.latency:.3f} s per answer")
    print(f"elapsed: {elapsed:.1f} s; lower bound at this rate: {bound:.0f} s", end=" ")
    print(f"({windows} full window(s) of 60 s to wait)")
    print(f"waited for budget: {stats.budget_wait_seconds:.1f} s")
    print(f"throughput: {stats.calls / elapsed:.1f} requests/s, {users / elapsed:.0f} users/s")


if __name__ == "__main__":
    main()
