"""Export jobs failed because their worker died say so; old export files are deleted by the scheduler tick."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import ExportJob, utcnow
from app.results import jobs
from app.scheduler import tick
from app.worker import run_pending
from tests.conftest import extract_csrf

INTERRUPTED = "Eksporten blev afbrudt to gange, fordi processen, der lavede den, stoppede undervejs."


def _job(app, user_id: int, status: str, age: timedelta, exporter: str = "schemes", finished: timedelta | None = None,
         files: bool = False) -> int:
    with app.app_context():
        job = ExportJob(exporter=exporter, params={"slug": None, "municipality_id": None}, status=status, progress=40,
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


def test_a_job_failed_because_its_worker_died_says_so_and_can_be_started_again(app, client, make_user, login):
    user_id = _coordinator(client, make_user, login)
    job_id = _job(app, user_id, "failed", timedelta(hours=1), finished=timedelta(minutes=5))
    with app.app_context():
        db.session.get(ExportJob, job_id).message = jobs.INTERRUPTED
        db.session.commit()
    html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
    assert INTERRUPTED in html and "results.js" not in html and "refresh" not in html
    assert 'name="exporter" value="schemes"' in html and "Start eksporten igen" in html
    assert client.get(f"/resultater/eksport/{job_id}/status").get_json()["status"] == "failed"
    again = client.post("/resultater/eksport", data={"csrf_token": extract_csrf(html), "exporter": "schemes"})
    assert again.status_code == 303 and again.headers["Location"] != f"/resultater/eksport/{job_id}"
    assert client.get(again.headers["Location"] + "/status").get_json()["status"] == "queued"
    assert run_pending(app)
    assert client.get(again.headers["Location"] + "/status").get_json()["status"] == "done"


def test_an_old_queued_or_running_job_is_shown_as_it_is(app, client, make_user, login):
    """Age alone no longer means a job was lost: workers outside the web process may still take it."""
    user_id = _coordinator(client, make_user, login)
    for status in ("queued", "running"):
        job_id = _job(app, user_id, status, timedelta(days=1))
        html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
        assert INTERRUPTED not in html and 'value="40"' in html
        assert client.get(f"/resultater/eksport/{job_id}/status").get_json()["status"] == status


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


def test_export_file_names_tell_the_time_on_the_coordinators_clock(app):
    """Europe/Copenhagen: UTC+2 in summer, UTC+1 in winter; the name shows the local date after midnight."""
    from datetime import datetime, timezone

    with app.app_context():
        summer = datetime(2020, 6, 30, 23, 30, tzinfo=timezone.utc)
        winter = datetime(2019, 1, 15, 9, 5, tzinfo=timezone.utc)
        assert jobs.file_name("survey", {"slug": "ledelse"}, at=summer) == "survey-ledelse-20200701-0130.xlsx"
        assert jobs.file_name("survey", {"slug": "ledelse"}, at=winter) == "survey-ledelse-20190115-1005.xlsx"


def test_the_audit_log_download_is_named_by_the_local_date(app, client, make_user, login):
    from zoneinfo import ZoneInfo

    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    response = client.get("/log/log.csv")
    today = utcnow().astimezone(ZoneInfo("Europe/Copenhagen"))
    assert response.headers["Content-Disposition"] == f'attachment; filename="aendringslog-{today:%Y%m%d}.csv"'
