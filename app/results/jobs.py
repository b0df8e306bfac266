"""Export jobs: long exports run outside the web process, by a worker (`app/worker.py`).

The view records a queued ExportJob and commits; a worker (the scheduler process, or `flask worker`)
claims it, and `run_job` writes the file to EXPORT_DIR/<job id>/ and records its progress on the job
row, which the progress page polls. A job whose worker dies is taken up again once, then failed with
INTERRUPTED as its message. `prune_exports`, run by the scheduler, deletes the files of jobs finished
more than EXPORT_RETENTION_DAYS ago; their page then says the file has expired.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.database import read_only_transaction
from app.extensions import db
from app.models import ExportJob, utcnow
from app.results.queries import ExportRequest, build_exporter
from exports import EXPORTERS
from exports.localtime import local_time

EXPIRED = "expired"  # the message of a finished job whose files were deleted by `prune_exports`
ERASED = "erased"  # the message of a job whose files went with the personal data of a wave or round
INTERRUPTED = "interrupted"  # the message of a job failed because its worker died twice


@dataclass(frozen=True)
class JobState:
    """What the pages say about a job: its status, and why it failed or has no files."""

    status: str  # queued | running | done | failed
    interrupted: bool = False
    expired: bool = False
    erased: bool = False

    @property
    def message(self) -> str | None:
        if self.erased:
            return str(_l("Filen er slettet, fordi personoplysningerne i en bølge eller runde, den blev lavet af, "
                          "er slettet. Start eksporten igen."))
        if self.interrupted:
            return str(_l("Eksporten blev afbrudt to gange, fordi processen, der lavede den, stoppede "
                          "undervejs. Start den igen."))
        if self.expired:
            return str(_l("Filen er slettet, fordi den er ældre end %(days)s dage. Start eksporten igen.",
                          days=retention_days()))
        return None


def retention_days() -> int:
    return int(current_app.config.get("EXPORT_RETENTION_DAYS", 7))


def state_of(job: ExportJob) -> JobState:
    """The job as the pages show it (a page view changes nothing)."""
    if job.status == "failed" and job.message == INTERRUPTED:
        return JobState("failed", interrupted=True)
    if job.status == "done" and not job_files(job):
        return JobState("done", expired=True, erased=job.message == ERASED)
    return JobState(job.status)


def file_name(identifier: str, params: dict, at: datetime | None = None) -> str:
    """The download's name: exporter, questionnaire and the moment made, on the coordinator's clock."""
    slug = re.sub(r"[^a-z0-9-]+", "-", str(params.get("slug") or identifier).lower()).strip("-") or identifier
    made = local_time(at or utcnow(), current_app.config["TIMEZONE"])
    return f"{identifier}-{slug}-{made:%Y%m%d-%H%M}.{EXPORTERS[identifier].suffix()}"


def create_job(identifier: str, params: dict, user) -> ExportJob:
    """Record a queued export job (flushes; the view commits, and a worker picks it up)."""
    if identifier not in EXPORTERS:
        raise ValueError(identifier)
    job = ExportJob(exporter=identifier, params=params, status="queued", progress=0, created_by_id=user.id,
                    municipality_id=params.get("municipality_id"))
    db.session.add(job)
    db.session.flush()
    return job


def job_folder(job: ExportJob) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / f"job-{job.id}"


def job_files(job: ExportJob) -> dict[str, Path]:
    """The finished files of a job by extension (xlsx or docx, and csv for the long answers)."""
    if job.status != "done" or not job.file_name:
        return {}
    folder = job_folder(job)
    files = {Path(job.file_name).suffix.lstrip("."): folder / job.file_name}
    exporter = EXPORTERS.get(job.exporter)
    for i, suffix in enumerate(exporter.csv_suffixes if exporter else ()):
        files["csv" if i == 0 else f"csv-{suffix}"] = folder / f"{Path(job.file_name).stem}-{suffix}.csv"
    return {k: v for k, v in files.items() if v.exists()}


class ClaimLost(Exception):
    """The job was taken up by another worker (or ended) while this one ran it."""


def _record(job_id: int, worker: str, **values) -> None:
    """Record progress or the end of a job this worker still holds, in a short transaction of its own;
    raises ClaimLost when the job is no longer this worker's running job."""
    with db.engine.begin() as connection:
        result = connection.execute(update(ExportJob).where(
            ExportJob.id == job_id, ExportJob.claimed_by == worker, ExportJob.status == "running").values(**values))
    if result.rowcount != 1:
        raise ClaimLost(job_id)


def run_job(job_id: int, worker: str | None = None) -> None:
    """Run a job a worker claimed (status running) to the end, inside an app context; the job row
    says how it went.

    Every change to the job row is conditional on `worker` still holding it: a worker that stalled (not
    died) long enough for its job to be taken up again changes nothing when it wakes, and removes the
    file it was writing. While the file is written the session holds only a read transaction, so on
    SQLite respondents and the other workers can write beside a long export.
    """
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "running" or (worker is not None and job.claimed_by != worker):
        db.session.commit()
        return
    worker = job.claimed_by or ""
    identifier, params = job.exporter, dict(job.params)
    folder = job_folder(job)
    name = file_name(identifier, params)
    written: list[Path] = []
    try:
        read_only_transaction(db.session)  # the export only reads; its changes to the job go by `_record`
        exporter = build_exporter(identifier, ExportRequest.from_params(params))
        folder.mkdir(parents=True, exist_ok=True)
        last = [0]

        def progress(done: int, total: int) -> None:
            percent = min(99, int(done * 100 / total))
            if percent >= last[0] + 5:
                last[0] = percent
                _record(job_id, worker, progress=percent)

        written.append(folder / name)
        written.extend(folder / f"{Path(name).stem}-{suffix}.csv" for suffix in exporter.csv_suffixes)
        exporter.write_all(folder / name, progress)
        db.session.commit()
        _record(job_id, worker, file_name=name, status="done", progress=100, finished_at=utcnow())
    except ClaimLost:
        db.session.rollback()
        current_app.logger.warning("export job %s: taken up by another worker while %s ran it; its file is "
                                   "discarded", job_id, worker)
        _discard(job_id, written)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job and logged
        db.session.rollback()
        current_app.logger.exception("export job %s failed", job_id)
        try:
            _record(job_id, worker, status="failed", message=exc.__class__.__name__, finished_at=utcnow())
        except ClaimLost:
            _discard(job_id, written)
    finally:
        db.session.commit()


def _discard(job_id: int, written: list[Path]) -> None:
    """Remove the files a run that lost its job wrote, unless they are the job's own finished files."""
    kept = db.session.scalar(select(ExportJob.file_name).where(ExportJob.id == job_id))
    db.session.commit()
    for path in written:
        if kept is None or not path.name.startswith(Path(kept).stem):
            path.unlink(missing_ok=True)


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


def erase_exports_of(selects: str, slug: str, subject_id: int) -> int:
    """Delete the files of every export job made from this wave or round (`selects` "waves" or "rounds"):
    a job of an exporter that selects them, of the questionnaire `slug`, whose selection was empty (all)
    or held `subject_id`. A finished job keeps its row, marked erased; a running one goes back to the
    queue, so its worker finds the job no longer its own and removes what it was writing, and it runs
    again on the erased data. Returns how many jobs. Flushes; the caller commits."""
    identifiers = [identifier for identifier, exporter in EXPORTERS.items() if getattr(exporter, "selects", None) == selects]
    if not identifiers:
        return 0
    erased = 0
    for job in db.session.scalars(select(ExportJob).where(ExportJob.exporter.in_(identifiers))):
        params = job.params or {}
        selected = params.get("selected") or params.get(selects) or ()
        if params.get("slug") != slug or (selected and subject_id not in {int(s) for s in selected}):
            continue
        folder = job_folder(job)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        if job.status == "running":
            job.status, job.claimed_by, job.heartbeat_at, job.progress = "queued", None, None, 0
        elif job.status == "done":
            job.file_name, job.message = None, ERASED
        erased += 1
    db.session.flush()
    return erased
