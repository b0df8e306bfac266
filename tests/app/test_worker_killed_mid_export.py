"""A real `flask worker` SIGKILLed while its export job runs: the job is taken up again and completes,
and nothing is served before the whole file is there."""
from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
from sqlalchemy import create_engine, make_url, text

from app.extensions import db
from app.models import ExportJob
from tests.app.test_worker import ROOT, SCHEMES, _env, _job, _wait_status


def _own_job(app, user_id: int) -> int:
    with app.app_context():
        job = ExportJob(exporter="schemes", params=SCHEMES, status="queued", progress=0, created_by_id=user_id)
        db.session.add(job)
        db.session.commit()
        return job.id


@contextmanager
def _export_stalled(app, database_url: str, job_id: int, worker: subprocess.Popen) -> Iterator[None]:
    """Hold the worker in the middle of its export: on PostgreSQL its reads wait on a locked table; on
    SQLite (WAL: reads never wait) its first progress write waits on a write lock taken as soon as the
    job runs."""
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        with engine.connect() as blocker:
            blocker.execute(text("LOCK TABLE evaluation_schemes IN ACCESS EXCLUSIVE MODE"))
            assert _wait_status(app, job_id, "running").claimed_by.endswith(f":{worker.pid}")
            _still_running(app, job_id, worker)
            try:
                yield
            finally:
                blocker.rollback()
        engine.dispose()
        return
    blocker = sqlite3.connect(make_url(database_url).database, timeout=60, isolation_level=None)

    def job_row() -> tuple[str, str | None]:
        return blocker.execute("SELECT status, claimed_by FROM export_jobs WHERE id = ?", (job_id,)).fetchone()

    try:
        while job_row()[0] == "queued":  # a plain WAL read, it takes no lock
            time.sleep(0.001)
        os.kill(worker.pid, signal.SIGSTOP)  # hold it still while the write lock is taken
        blocker.execute("BEGIN IMMEDIATE")
        os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.5)  # its next write (progress or the end) now waits on the lock
        status, claimed_by = job_row()
        assert status == "running" and claimed_by.endswith(f":{worker.pid}"), status
        yield
    finally:
        blocker.close()


def _still_running(app, job_id: int, worker: subprocess.Popen) -> None:
    time.sleep(0.5)
    job = _job(app, job_id)
    assert job.status == "running" and job.claimed_by.endswith(f":{worker.pid}"), job.status


def _served_nothing(client, job_id: int) -> None:
    base = f"/resultater/eksport/{job_id}"
    assert client.get(base + "/fil.xlsx").status_code == 404
    assert client.get(base + "/status").get_json()["files"] == {}


def test_a_worker_killed_while_its_export_runs_leaves_it_to_another_that_completes_it(app, database_url, client,
                                                                                      make_user, login):
    user_id, email, password = make_user("coordinator")
    login(client, email, password)
    job_id = _own_job(app, user_id)
    env = _env(app, EXPORT_STALE_SECONDS="2", EXPORT_HEARTBEAT_SECONDS="1")
    first = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with _export_stalled(app, database_url, job_id, first):
            if database_url.startswith("postgresql"):  # on SQLite the web's reads wait on the same lock
                _served_nothing(client, job_id)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
    finally:
        first.kill()
        first.wait(10)
    assert _job(app, job_id).status == "running"  # its worker is dead, the job not yet taken up
    _served_nothing(client, job_id)
    second = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        job = _wait_status(app, job_id, "done")
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert second.returncode == 0, output
    assert job.attempts == 2 and job.claimed_by.endswith(f":{second.pid}")
    downloaded = client.get(f"/resultater/eksport/{job_id}/fil.xlsx")
    assert downloaded.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(downloaded.data))
    assert book.sheetnames
