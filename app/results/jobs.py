"""Export jobs: long exports run outside the web request, in a thread with its own app context.

The view records an ExportJob and commits, then starts `launch(app, job.id)`; the thread writes the
file to EXPORT_DIR/<job id>/ and records its progress on the job row, which the progress page polls.
A thread suits the expected load (a few coordinators); the work itself is `run_job`, which a separate
worker process could call instead without change.

A restart of the web process ends its threads without a word, so the job row of an interrupted export
would say "running" forever: `state_of` shows such a job as interrupted (not worked on by a thread of
this process and older than EXPORT_STALE_SECONDS). `prune_exports`, run by the scheduler, deletes the
files of jobs finished more than EXPORT_RETENTION_DAYS ago; their page then says the file has expired.
"""
from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import ExportJob, utcnow
from app.results.queries import ExportRequest
from app.results.queries import build_exporter as build_for_request
from exports import EXPORTERS
from exports.base import Exporter
EXPIRED = "expired"  # the message of a finished job whose files were deleted by `prune_exports`

# The ids of the jobs a thread of this process is working on right now.
_live: set[int] = set()
_live_lock = threading.Lock()


def is_live(job_id: int) -> bool:
    with _live_lock:
        return job_id in _live


@dataclass(frozen=True)
class JobState:
    """What the pages say about a job: its status, and why it failed or has no files."""

    status: str  # queued | running | done | failed
    interrupted: bool = False
    expired: bool = False

    @property
    def message(self) -> str | None:
        if self.interrupted:
            return str(_l("Eksporten blev afbrudt. Start den igen."))
        if self.expired:
            return str(_l("Filen er slettet, fordi den er ældre end %(days)s dage. Start eksporten igen.",
                          days=retention_days()))
        return None


def retention_days() -> int:
    return int(current_app.config.get("EXPORT_RETENTION_DAYS", 7))


def state_of(job: ExportJob, now: datetime | None = None) -> JobState:
    """The job as the pages show it: a queued or running job that no thread of this process works on
    and that started more than EXPORT_STALE_SECONDS ago was cut off by a restart; it is shown as failed
    (the row itself is left alone: a page view changes nothing)."""
    if job.status in ("queued", "running"):
        stale = timedelta(seconds=int(current_app.config.get("EXPORT_STALE_SECONDS", 15 * 60)))
        if not is_live(job.id) and job.created_at <= (now or utcnow()) - stale:
            return JobState("failed", interrupted=True)
        return JobState(job.status)
    if job.status == "done" and not job_files(job):
        return JobState("done", expired=True)
    return JobState(job.status)


def build_exporter(kind: str, params: dict) -> Exporter:
    """The exporter for a job's kind and parameters (queries run here, inside an app context)."""
    if kind not in EXPORTERS:
        raise ValueError(f"unknown export kind {kind!r}")
    params = {**params, "records": bool(params.get("records")) and params.get("municipality_id") is None}
    return build_for_request(kind, ExportRequest.from_params(params))


def file_name(kind: str, params: dict) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", str(params.get("slug") or kind).lower()).strip("-") or kind
    return f"{kind}-{slug}-{utcnow():%Y%m%d-%H%M}.xlsx"


def create_job(kind: str, params: dict, user) -> ExportJob:
    """Record a queued export job (flushes; the view commits and then launches it)."""
    if kind not in EXPORTERS:
        raise ValueError(kind)
    job = ExportJob(kind=kind, params=params, status="queued", progress=0, created_by_id=user.id,
                    municipality_id=params.get("municipality_id"))
    db.session.add(job)
    db.session.flush()
    return job


def job_folder(job: ExportJob) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / f"job-{job.id}"


def job_files(job: ExportJob) -> dict[str, Path]:
    """The finished files of a job by extension (xlsx, and csv for the long answers)."""
    if job.status != "done" or not job.file_name:
        return {}
    folder = job_folder(job)
    files = {"xlsx": folder / job.file_name}
    exporter = EXPORTERS.get(job.kind)
    for i, suffix in enumerate(exporter.csv_suffixes if exporter else ()):
        files["csv" if i == 0 else f"csv-{suffix}"] = folder / f"{Path(job.file_name).stem}-{suffix}.csv"
    return {k: v for k, v in files.items() if v.exists()}


def run_job(job_id: int) -> None:
    """Run a queued job to the end (inside an app context); the job row says how it went."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "queued":
        return
    job.status = "running"
    db.session.commit()
    try:
        exporter = build_exporter(job.kind, job.params)
        folder = job_folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        name = file_name(job.kind, job.params)
        last = [0]

        def progress(done: int, total: int) -> None:
            percent = min(99, int(done * 100 / total))
            if percent >= last[0] + 5:
                last[0] = percent
                job.progress = percent
                db.session.commit()

        exporter.write_xlsx(folder / name, progress)
        exporter.write_csvs(folder / name)
        job.file_name, job.status, job.progress = name, "done", 100
        job.finished_at = utcnow()
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job and logged
        db.session.rollback()
        current_app.logger.exception("export job %s failed", job_id)
        job = db.session.get(ExportJob, job_id)
        job.status, job.message, job.finished_at = "failed", exc.__class__.__name__, utcnow()
        db.session.commit()


def launch(app: Flask, job_id: int) -> threading.Thread:
    """Start the job in a daemon thread with its own app context (and database session)."""

    def target() -> None:
        with app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    def run() -> None:
        try:
            target()
        finally:
            with _live_lock:
                _live.discard(job_id)

    with _live_lock:
        _live.add(job_id)
    thread = threading.Thread(target=run, name=f"export-job-{job_id}", daemon=True)
    try:
        thread.start()
    except RuntimeError:
        with _live_lock:
            _live.discard(job_id)
        raise
    return thread


def prune_exports(now: datetime) -> int:
    """Delete the files of jobs finished more than EXPORT_RETENTION_DAYS ago; returns how many jobs.

    A done job keeps its row, marked expired (its page says so); a failed job's leftover folder goes too.
    Flushes; the caller commits.
    """
    cutoff = now - timedelta(days=retention_days())
    old = db.session.scalars(select(ExportJob).where(
        ExportJob.status.in_(("done", "failed")), ExportJob.finished_at.is_not(None), ExportJob.finished_at < cutoff,
        ExportJob.file_name.is_not(None) | ExportJob.status.in_(("failed",))))
    pruned = 0
    for job in old:
        folder = job_folder(job)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        elif job.status == "failed":
            continue
        if job.status == "done":
            job.file_name, job.message = None, EXPIRED
        pruned += 1
    db.session.flush()
    return pruned
