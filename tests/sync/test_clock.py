"""The clock: RQ's cron enqueues the Thinkific poll (and the daily activity purge); a worker
turns the poll into a scheduled run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import RunState, RunTrigger, SyncRun
from jobs.queues import queue
from jobs.schedule import build_scheduler
from jobs.sync import poll
from tests.fixtures.workers import ROOT, wait_for
from tests.starting import start_sync_all


def test_the_poll_runs_every_sync_interval(app):
    app.config["SYNC_INTERVAL_MINUTES"] = 7
    poll, purge, notify = build_scheduler(app).get_jobs()
    assert (poll.func_name, poll.queue_name, poll.interval) == ("jobs.sync.poll", "sync", 420)
    assert (purge.func_name, purge.interval) == ("jobs.housekeeping.purge_activity", 86400)
    check = "jobs.notification_events.check_manual_actions"
    assert (notify.func_name, notify.queue_name, notify.interval) == (check, "default", 86400)


def test_clock_process_enqueues_the_poll_and_stops_on_sigterm(app_config, app):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": app_config["REDIS_URL"],
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": app_config["INSTANCE_PATH"],
        "SYNC_INTERVAL_MINUTES": "5",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "clock"]
    clock = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        jobs = wait_for(
            lambda: len(queue("sync").get_jobs()) == 2 and queue("sync").get_jobs(),
            what="the clock to enqueue",
        )
        assert sorted(job.func_name for job in jobs) == [
            "jobs.housekeeping.purge_activity",
            "jobs.sync.poll",
        ]
    finally:
        clock.send_signal(signal.SIGTERM)
        assert clock.wait(timeout=15) == 0, clock.stderr.read().decode()


def test_a_worker_turns_the_poll_into_a_scheduled_run(app, workers, site):
    site.group("Acme")
    build_scheduler(app).enqueue_jobs()
    workers.start(burst=True).wait(timeout=60)
    run = db.session.scalar(select(SyncRun))
    assert (run.trigger, run.state) == (RunTrigger.SCHEDULE, RunState.SUCCEEDED)
    assert run.groups_imported == 1


def test_a_poll_while_a_sync_runs_is_skipped(app):
    running = start_sync_all()  # queued: live until a worker takes it
    assert poll() == f"skipped: run {running.id} is running"
    assert [run.id for run in db.session.scalars(select(SyncRun))] == [running.id]
