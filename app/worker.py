"""Export workers: claim queued export jobs, run them, and take up the jobs of workers that died.

The web app only records a queued `ExportJob`. A worker — a thread of the scheduler process, or
`flask worker` for more (on several machines if need be) — claims the oldest queued job with
`SELECT ... FOR UPDATE SKIP LOCKED` and marks it running in the same transaction, so on PostgreSQL
several workers each claim a job exactly once without waiting for each other. On SQLite every
transaction begins with BEGIN IMMEDIATE, which already lets one writer at a time claim.

While it runs a job, the worker's beat thread stamps `heartbeat_at` every EXPORT_HEARTBEAT_SECONDS.
A running job whose stamp is older than EXPORT_STALE_SECONDS was cut off (the worker was killed, its
machine lost): any worker puts it back in the queue once, and fails it with a clear message the
second time (a job that kills its worker every time must not kill every worker in turn).
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy import func, select, update

from app.extensions import db
from app.heartbeat import process_name
from app.models import ExportJob, utcnow
from app.results.jobs import INTERRUPTED, run_job

log = logging.getLogger("boelge.worker")
MAX_ATTEMPTS = 2  # the first run, and one more after the worker running it died


def claim_next(worker: str) -> int | None:
    """Claim the oldest queued job for `worker`; its id, or None when the queue is empty. Commits."""
    job_id = db.session.scalar(select(ExportJob.id).where(ExportJob.status == "queued")
                               .order_by(ExportJob.id).limit(1).with_for_update(skip_locked=True))
    if job_id is not None:
        db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(
            status="running", claimed_by=worker, heartbeat_at=utcnow(), attempts=ExportJob.attempts + 1))
    db.session.commit()
    return job_id


def recover_stale(now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Requeue (once) or fail the running jobs whose worker stopped beating; (requeued, failed). Commits."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=int(current_app.config["EXPORT_STALE_SECONDS"]))
    stale = db.session.scalars(select(ExportJob).where(
        ExportJob.status == "running", func.coalesce(ExportJob.heartbeat_at, ExportJob.created_at) < cutoff)
        .order_by(ExportJob.id).with_for_update(skip_locked=True)).all()
    requeued, failed = [], []
    for job in stale:
        log.warning("export job %s: worker %s stopped (attempt %s)", job.id, job.claimed_by, job.attempts)
        if job.attempts < MAX_ATTEMPTS:
            job.status, job.progress, job.claimed_by, job.heartbeat_at = "queued", 0, None, None
            requeued.append(job.id)
        else:
            job.status, job.message, job.finished_at = "failed", INTERRUPTED, now
            failed.append(job.id)
    db.session.commit()
    return requeued, failed


def beat(job_id: int, worker: str) -> bool:
    """Stamp the job's heartbeat on a connection of its own; False once the job is no longer ours."""
    with db.engine.begin() as connection:
        result = connection.execute(update(ExportJob).where(
            ExportJob.id == job_id, ExportJob.claimed_by == worker, ExportJob.status == "running")
            .values(heartbeat_at=utcnow()))
    return result.rowcount == 1


class _BeatThread(threading.Thread):
    def __init__(self, app: Flask, job_id: int, worker: str) -> None:
        super().__init__(name=f"export-beat-{job_id}", daemon=True)
        self.app, self.job_id, self.worker = app, job_id, worker
        self.done = threading.Event()

    def run(self) -> None:
        seconds = float(self.app.config["EXPORT_HEARTBEAT_SECONDS"])
        with self.app.app_context():
            while not self.done.wait(seconds):
                try:
                    if not beat(self.job_id, self.worker):
                        return
                except Exception:  # noqa: BLE001 - a missed beat is retried; the stale limit allows several
                    log.exception("export job %s: heartbeat failed", self.job_id)


def run_claimed(app: Flask, job_id: int, worker: str) -> None:
    """Run a job this worker claimed, beating while it runs (inside an app context)."""
    beating = _BeatThread(app, job_id, worker)
    beating.start()
    try:
        run_job(job_id, worker)
    finally:
        beating.done.set()
        beating.join(5)


def work_once(app: Flask, worker: str | None = None) -> int | None:
    """Recover stale jobs, then claim and run one queued job; the job's id, or None when idle."""
    worker = worker or process_name()
    with app.app_context():
        try:
            recover_stale()
            job_id = claim_next(worker)
            if job_id is not None:
                log.info("export job %s claimed by %s", job_id, worker)
                run_claimed(app, job_id, worker)
            return job_id
        finally:
            db.session.remove()


def run_pending(app: Flask, worker: str | None = None) -> list[int]:
    """Run queued jobs until the queue is empty; the ids run (for tests and `flask worker --once`)."""
    done = []
    while (job_id := work_once(app, worker)) is not None:
        done.append(job_id)
    return done


def work(app: Flask, stop: threading.Event, worker: str | None = None) -> None:
    """Run jobs until `stop` is set, polling every EXPORT_POLL_SECONDS when the queue is empty.

    A job being run when `stop` is set is finished first.
    """
    poll = float(app.config["EXPORT_POLL_SECONDS"])
    while not stop.is_set():
        try:
            job_id = work_once(app, worker)
        except Exception:  # noqa: BLE001 - e.g. the database is briefly gone: log, wait, try again
            log.exception("export worker: claiming failed")
            job_id = None
        if job_id is None:
            stop.wait(poll)


def start_thread(app: Flask, stop: threading.Event) -> threading.Thread:
    """The worker as a thread of another process (the scheduler runs one)."""
    thread = threading.Thread(target=work, args=(app, stop), name="export-worker", daemon=True)
    thread.start()
    return thread


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
def worker_command(once: bool) -> None:
    """Run export jobs until stopped (SIGTERM or Ctrl+C lets the current job finish)."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if once:
        click.echo(f"Ran {len(run_pending(app))} export job(s).")
        return
    stop = threading.Event()

    def request_stop(_signum, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: give up the current job now
        click.echo("Stopping after the current job.")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"Export worker {process_name()} running; Ctrl+C stops it.")
    work(app, stop)
