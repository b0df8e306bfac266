"""Export workers: claiming each job once, heartbeats, taking up a dead worker's job once, then failing it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import worker
from app.extensions import db
from app.models import ExportJob, utcnow
from app.results import jobs
from tests.conftest import extract_csrf

ROOT = Path(__file__).resolve().parents[2]
SCHEMES = {"slug": None, "municipality_id": None}


def _queue(app, count: int = 1, exporter: str = "schemes", params: dict | None = None) -> list[int]:
    with app.app_context():
        queued = [ExportJob(exporter=exporter, params=params or SCHEMES, status="queued", progress=0) for _ in range(count)]
        db.session.add_all(queued)
        db.session.commit()
        return [job.id for job in queued]


def _job(app, job_id: int) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def _age_heartbeat(app, job_id: int, seconds: int) -> None:
    with app.app_context():
        db.session.get(ExportJob, job_id).heartbeat_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()


def test_a_worker_claims_the_oldest_queued_job_and_marks_it_running(app):
    first, second = _queue(app, 2)
    with app.app_context():
        assert worker.claim_next("host:1") == first
    job = _job(app, first)
    assert (job.status, job.claimed_by, job.attempts) == ("running", "host:1", 1) and job.heartbeat_at is not None
    assert _job(app, second).status == "queued"


def test_concurrent_workers_claim_each_job_exactly_once(app):
    ids = _queue(app, 12)
    claims: list[tuple[str, int]] = []
    lock, start = threading.Lock(), threading.Barrier(4)

    def claimer(name: str) -> None:
        with app.app_context():
            start.wait()
            while (job_id := worker.claim_next(name)) is not None:
                with lock:
                    claims.append((name, job_id))
            db.session.remove()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(job_id for _name, job_id in claims) == ids
    assert {_job(app, i).attempts for i in ids} == {1}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_claim_skips_a_job_another_worker_has_locked_instead_of_waiting(app, database_url):
    first, second = _queue(app, 2)
    engine = create_engine(database_url)
    with engine.connect() as other:  # another worker's claim transaction, still open
        other.execute(text("SELECT id FROM export_jobs WHERE id = :id FOR UPDATE"), {"id": first})
        with app.app_context():
            db.session.execute(text("SET LOCAL lock_timeout = '5s'"))
            assert worker.claim_next("host:2") == second
        other.rollback()
    engine.dispose()
    assert _job(app, first).status == "queued"


def test_a_job_whose_worker_stopped_beating_is_taken_up_once_and_then_failed(app, client, make_user, login):
    user_id, email, password = make_user("coordinator")
    (job_id,) = _queue(app)
    with app.app_context():
        db.session.get(ExportJob, job_id).created_by_id = user_id
        db.session.commit()
        worker.claim_next("dead:1")
    stale = app.config["EXPORT_STALE_SECONDS"] + 1
    _age_heartbeat(app, job_id, stale)
    with app.app_context():
        assert worker.recover_stale() == ([job_id], [])
    job = _job(app, job_id)
    assert (job.status, job.claimed_by, job.attempts) == ("queued", None, 1)
    with app.app_context():
        assert worker.claim_next("dead:2") == job_id
    _age_heartbeat(app, job_id, stale)
    with app.app_context():
        assert worker.recover_stale() == ([], [job_id])
    job = _job(app, job_id)
    assert (job.status, job.message, job.attempts) == ("failed", jobs.INTERRUPTED, 2) and job.finished_at
    login(client, email, password)
    html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
    assert "Eksporten blev afbrudt to gange" in html and "Start eksporten igen" in html
    assert worker.run_pending(app) == []  # a failed job is never run again


def test_a_job_whose_worker_is_still_beating_is_left_alone(app):
    (job_id,) = _queue(app)
    with app.app_context():
        worker.claim_next("alive:1")
    _age_heartbeat(app, job_id, app.config["EXPORT_STALE_SECONDS"] - 10)
    with app.app_context():
        assert worker.recover_stale() == ([], [])
        assert worker.beat(job_id, "alive:1") and not worker.beat(job_id, "someone-else:1")
    assert _job(app, job_id).status == "running"


def test_a_running_job_is_stamped_by_its_beat_thread(app, monkeypatch):
    """The beat thread keeps a job that takes longer than EXPORT_STALE_SECONDS from being taken up."""
    app.config.update(EXPORT_HEARTBEAT_SECONDS=0.05)
    (job_id,) = _queue(app)
    with app.app_context():
        worker.claim_next("slow:1")
    _age_heartbeat(app, job_id, 3600)
    stamped = threading.Event()

    def slow_job(running_id: int, _worker: str) -> None:
        for _ in range(200):
            if _job(app, running_id).heartbeat_at > utcnow() - timedelta(seconds=60):
                stamped.set()
                return
            time.sleep(0.05)

    monkeypatch.setattr(worker, "run_job", slow_job)
    with app.app_context():
        worker.run_claimed(app, job_id, "slow:1")
    assert stamped.is_set()


def _stall_while_another_worker_takes_over(app, monkeypatch, finish: bool):
    """Worker "stalled:1" runs a job; just before it writes, it stops beating long enough for the job to
    be requeued and claimed by "fresh:2", which runs it to the end (`finish`) or is still running."""
    (job_id,) = _queue(app)
    real = jobs.build_exporter
    calls = []

    def build(identifier, request):
        exporter = real(identifier, request)
        calls.append(identifier)
        if len(calls) == 1:  # the stalled worker's run
            write = exporter.write

            def stalled_write(path, progress=None):
                _age_heartbeat(app, job_id, 3600)
                if finish:
                    other = threading.Thread(target=worker.work_once, args=(app, "fresh:2"))
                    other.start()
                    other.join(60)
                else:
                    with app.app_context():
                        worker.recover_stale()
                        worker.claim_next("fresh:2")
                        db.session.remove()
                return write(path, progress)

            exporter.write = stalled_write
        return exporter

    monkeypatch.setattr(jobs, "build_exporter", build)
    with app.app_context():
        assert worker.claim_next("stalled:1") == job_id
        jobs.run_job(job_id, "stalled:1")
        db.session.remove()
    return job_id


def test_a_stalled_worker_that_wakes_after_another_finished_its_job_changes_nothing(app, monkeypatch):
    job_id = _stall_while_another_worker_takes_over(app, monkeypatch, finish=True)
    job = _job(app, job_id)
    assert (job.status, job.claimed_by, job.attempts, job.progress) == ("done", "fresh:2", 2, 100)
    with app.app_context():
        files = list(jobs.job_folder(job).iterdir())
    assert [f.name for f in files if f.suffix == ".xlsx"] == [job.file_name]  # the stalled run left no file


def test_a_stalled_worker_does_not_finish_or_fail_a_job_another_worker_is_running(app, monkeypatch):
    job_id = _stall_while_another_worker_takes_over(app, monkeypatch, finish=False)
    job = _job(app, job_id)
    assert (job.status, job.claimed_by, job.file_name, job.progress) == ("running", "fresh:2", None, 0)
    with app.app_context():
        folder = jobs.job_folder(job)
        assert not folder.exists() or not [f for f in folder.iterdir() if f.is_file()]


def test_others_can_write_while_a_worker_writes_an_export(app, monkeypatch):
    """On SQLite a transaction left open by the job's session would hold the write lock for the whole
    export: respondents' answers and other workers' claims would wait for it, then fail."""
    (job_id,) = _queue(app)
    real = jobs.build_exporter
    written: list[object] = []

    def build(identifier, request):
        exporter = real(identifier, request)
        write = exporter.write

        def write_beside_another(path, progress=None):
            other = threading.Thread(target=lambda: written.extend(_queue(app)))
            other.start()
            other.join(60)
            return write(path, progress)

        exporter.write = write_beside_another
        return exporter

    monkeypatch.setattr(jobs, "build_exporter", build)
    assert worker.work_once(app, "writer:1") == job_id
    assert len(written) == 1 and _job(app, written[0]).status == "queued"
    assert _job(app, job_id).status == "done"


def test_an_export_that_raises_fails_at_once_without_a_second_attempt(app):
    (job_id,) = _queue(app, exporter="survey", params={"slug": "no-such-questionnaire"})
    assert worker.run_pending(app) == [job_id]
    job = _job(app, job_id)
    assert (job.status, job.attempts) == ("failed", 1) and job.message != jobs.INTERRUPTED


def test_the_web_request_only_queues_and_a_worker_thread_runs_the_job(app, client, make_user, login):
    app.config["EXPORT_POLL_SECONDS"] = 0.05
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    token = extract_csrf(client.get("/resultater/").get_data(as_text=True))
    location = client.post("/resultater/eksport", data={"csrf_token": token, "exporter": "schemes"}).headers["Location"]
    assert client.get(location + "/status").get_json()["status"] == "queued"
    assert "Eksporten venter på at blive startet." in client.get(location).get_data(as_text=True)
    assert not [t for t in threading.enumerate() if t.name.startswith("export")]
    stop = threading.Event()
    thread = worker.start_thread(app, stop)
    try:
        for _ in range(400):
            if client.get(location + "/status").get_json()["status"] == "done":
                break
            time.sleep(0.05)
        assert client.get(location + "/status").get_json()["status"] == "done"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _env(app, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"BOELGE_ENV": "development", "FLASK_APP": "app:create_app", "MAIL_BACKEND": "console",
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
                "EXPORT_DIR": str(app.config["EXPORT_DIR"]), "SERVER_BASE_URL": "http://localhost",
                "EXPORT_POLL_SECONDS": "1", "SCHEDULER_INTERVAL_SECONDS": "1"})
    env.update(extra)
    return env


def _wait_status(app, job_id: int, status: str, seconds: float = 60) -> ExportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = _job(app, job_id)
        if job.status == status:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} is {_job(app, job_id).status}, not {status}")


def test_the_scheduler_process_runs_queued_exports(app):
    (job_id,) = _queue(app)
    process = subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=_env(app),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        job = _wait_status(app, job_id, "done")
        assert job.claimed_by.endswith(f":{process.pid}") and job.attempts == 1
        assert (Path(app.config["EXPORT_DIR"]) / f"job-{job_id}" / job.file_name).exists()
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output


def test_flask_worker_once_runs_the_queue_and_exits(app):
    ids = _queue(app, 2)
    result = subprocess.run([sys.executable, "-m", "flask", "worker", "--once"], cwd=ROOT, env=_env(app),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Ran 2 export job(s)." in result.stdout
    assert {_job(app, i).status for i in ids} == {"done"}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_mid_job_leaves_it_to_another_worker(app, database_url):
    """SIGKILL a `flask worker` while its export waits on a locked table; a second worker finishes it."""
    (job_id,) = _queue(app)
    engine = create_engine(database_url)
    env = _env(app, EXPORT_STALE_SECONDS="2", EXPORT_HEARTBEAT_SECONDS="1")
    with engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE evaluation_schemes IN ACCESS EXCLUSIVE MODE"))
        first = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert _wait_status(app, job_id, "running").claimed_by.endswith(f":{first.pid}")
            time.sleep(0.5)  # the export's query is now waiting on the lock
        finally:
            first.kill()
            first.wait(10)
        blocker.rollback()
    engine.dispose()
    second = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        job = _wait_status(app, job_id, "done")
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert second.returncode == 0, output
    assert job.attempts == 2 and job.claimed_by.endswith(f":{second.pid}")
    assert "worker" in output and f"export job {job_id}: worker" in output
