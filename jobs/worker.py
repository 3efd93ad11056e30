"""The worker process: RQ's HerokuWorker (clean shutdown on SIGTERM) inside the app context."""

from __future__ import annotations

from flask import Flask
from rq.exceptions import ShutDownImminentException
from rq.job_lifecycle import call_exception_handlers
from rq.worker import HerokuWorker

from dashboard.extensions import db

from .queues import all_queues, queue


class AppWorker(HerokuWorker):
    """Each job's work horse is a fork: it must not reuse the parent's database connections."""

    def main_work_horse(self, *args, **kwargs):
        db.engine.dispose(close=False)
        return super().main_work_horse(*args, **kwargs)

    def handle_exception(self, job, *exc_info):
        """A job cut short by a shutdown (Ctrl-C, SIGTERM) is said in one line, not a traceback:
        nothing went wrong in it, and the run it was doing is ended as interrupted."""
        if not isinstance(exc_info[1], ShutDownImminentException):
            return super().handle_exception(job, *exc_info)
        self.log.warning(
            "Worker %s: job %s stopped: the worker is shutting down", self.name, job.id
        )
        call_exception_handlers(self._exc_handlers, job, *exc_info)


def run_worker(app: Flask, *, burst: bool = False, queues: tuple[str, ...] = ()) -> bool:
    with app.app_context():
        queues = [queue(name) for name in queues] or all_queues()
        worker = AppWorker(queues, connection=queues[0].connection)
        return worker.work(burst=burst, with_scheduler=True)  # runs enqueue_in jobs
