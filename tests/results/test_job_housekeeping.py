"""Export jobs cut off by a restart are shown as failed; old export files are deleted by the scheduler tick."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from app.extensions import db
from app.models import ExportJob, utcnow
from app.results import jobs
from app.scheduler import tick
from tests.conftest import extract_csrf

INTERRUPTED = "Eksporten blev afbrudt. Start den igen."


def _job(app, user_id: int, status: str, age: timedelta, kind: str = "schemes", finished: timedelta | None = None,
         files: bool = False) -> int:
    with app.app_context():
        job = ExportJob(kind=kind, params={"slug": None, "municipality_id": None}, status=status, progress=40,
                        created_by_id=user_id, created_at=utcnow() - age)
        if finished is not None:
            job.finished_at = utcnow() - finished
        db.session.add(job)
        db.session.flush()
        if files:
            job.file_name = f"schemes-{job.id}.xlsx"
            folder = jobs.job_folder(job)
            folder.mkdir(parents=True)
            (folder / job.file_name).write_bytes(b"xlsx")
        db.session.commit()
        return job.id


def _coordinator(client, make_user, login) -> int:
    user_id, email, password = make_user("coordinator")
    login(client, email, password)
    return user_id


def test_a_job_left_running_by_a_restart_is_shown_as_failed_and_can_be_started_again(app, client, make_user, login):
    user_id = _coordinator(client, make_user, login)
    job_id = _job(app, user_id, "running", timedelta(hours=1))
    html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
    assert INTERRUPTED in html and "results.js" not in html and "refresh" not in html
    assert 'name="kind" value="schemes"' in html and "Start eksporten igen" in html
    assert client.get(f"/resultater/eksport/{job_id}/status").get_json()["status"] == "failed"
    with app.app_context():
        assert db.session.get(ExportJob, job_id).status == "running"  # a page view changes nothing
    again = client.post("/resultater/eksport", data={"csrf_token": extract_csrf(html), "kind": "schemes"})
    assert again.status_code == 303 and again.headers["Location"] != f"/resultater/eksport/{job_id}"
    for _ in range(200):  # the new job finishes on its own thread
        if client.get(again.headers["Location"] + "/status").get_json()["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert client.get(again.headers["Location"] + "/status").get_json()["status"] == "done"


def test_a_queued_job_older_than_the_configured_limit_is_interrupted(app, client, make_user, login):
    user_id = _coordinator(client, make_user, login)
    app.config["EXPORT_STALE_SECONDS"] = 60
    old, young = _job(app, user_id, "queued", timedelta(minutes=2)), _job(app, user_id, "queued", timedelta(seconds=5))
    assert INTERRUPTED in client.get(f"/resultater/eksport/{old}").get_data(as_text=True)
    assert INTERRUPTED not in client.get(f"/resultater/eksport/{young}").get_data(as_text=True)


def test_a_long_job_a_thread_is_still_working_on_is_not_failed(app, client, make_user, login, monkeypatch):
    user_id = _coordinator(client, make_user, login)
    job_id = _job(app, user_id, "running", timedelta(hours=1))
    release, started = threading.Event(), threading.Event()

    def slow_job(_job_id: int) -> None:
        started.set()
        release.wait(10)

    monkeypatch.setattr(jobs, "run_job", slow_job)
    thread = jobs.launch(app, job_id)
    try:
        assert started.wait(10)
        html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
        assert INTERRUPTED not in html and 'value="40"' in html
        assert client.get(f"/resultater/eksport/{job_id}/status").get_json()["status"] == "running"
    finally:
        release.set()
        thread.join(10)
    assert not jobs.is_live(job_id)
    assert INTERRUPTED in client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)


def test_the_scheduler_tick_deletes_files_past_their_retention(app, client, make_user, login):
    user_id = _coordinator(client, make_user, login)
    old = _job(app, user_id, "done", timedelta(days=9), finished=timedelta(days=8), files=True)
    recent = _job(app, user_id, "done", timedelta(days=2), finished=timedelta(days=2), files=True)
    failed = _job(app, user_id, "failed", timedelta(days=9), finished=timedelta(days=8), files=True)
    with app.app_context():
        folders = {i: jobs.job_folder(db.session.get(ExportJob, i)) for i in (old, recent, failed)}
        assert tick(utcnow()) is not None
        assert db.session.get(ExportJob, old).message == jobs.EXPIRED
        assert db.session.get(ExportJob, recent).file_name is not None
    assert not folders[old].exists() and not folders[failed].exists() and folders[recent].exists()
    html = client.get(f"/resultater/eksport/{old}").get_data(as_text=True)
    assert "Filen er slettet, fordi den er ældre end 7 dage" in html and "Start eksporten igen" in html
    assert "fil.xlsx" not in html
    assert client.get(f"/resultater/eksport/{old}/fil.xlsx").status_code == 404
    assert client.get(f"/resultater/eksport/{recent}/fil.xlsx").status_code == 200


def test_the_retention_is_configurable(app, make_user):
    user_id, _email, _password = make_user("coordinator")
    app.config["EXPORT_RETENTION_DAYS"] = 1
    job_id = _job(app, user_id, "done", timedelta(days=2), finished=timedelta(days=2), files=True)
    with app.app_context():
        now = utcnow()
        assert jobs.prune_exports(now) == 1
        db.session.commit()
        assert jobs.prune_exports(now) == 0
        job = db.session.get(ExportJob, job_id)
        assert job.file_name is None and not jobs.job_folder(job).exists()
