"""The worker process: RQ's HerokuWorker (clean shutdown on SIGTERM) inside the app context."""

from __future__ import annotations

from flask import Flask
from rq.worker import HerokuWorker

from dashboard.extensions import db

from .connection import all_queues


class AppWorker(HerokuWorker):
    """Each job's work horse is a fork: it must not reuse the parent's database connections."""

    def main_work_horse(self, *args, **kwargs):
        db.engine.dispose(close=False)
        return super().main_work_horse(*args, **kwargs)


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    with app.app_context():
        queues = all_queues()
        worker = AppWorker(queues, connection=queues[0].connection)
        return worker.work(burst=burst, with_scheduler=True)  # runs enqueue_in jobs
