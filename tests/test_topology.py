"""The production topology on this machine: gunicorn with 4 workers on PostgreSQL, two scheduler/worker
processes, a real SMTP server; 500 respondents invited by the scheduler, 500 answers over HTTP and an
export run by a worker. One scheduler is killed while it sends the invitations, in the one window no
sender can close (the SMTP server has taken the mail, the scheduler has not heard so), and started
again, as systemd would; the worker running the export is killed mid-job. Every respondent still gets
an invitation, no more than one of them twice per killed sender and then with the same Message-ID,
every answer is stored once (half of them sent through nginx with TLS, as a browser would) and the
export's figures match what was posted.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import Answer, ExportJob, Invitation, Message, Municipality, Respondent, Response, Wave, utcnow
from tests.conftest import skip_or_fail
from tests.support.proxy import nginx_in_front
from tests.support.smtp import free_port
from tests.waves.mail_promise import assert_mail_promise
from tests.waves.smtp_gate import GatedSMTPServer

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)]

ROOT = Path(__file__).resolve().parents[1]
RESPONDENTS = 500
QUESTIONS = 5
PLACES = ("aalborg", "jammerbugt", "thisted", "rebild")
KILL_AT_MAIL = 180  # the scheduler sending this invitation is killed while the SMTP server holds it
CLAIM_SECONDS = 10  # the killed scheduler's claim on that invitation ends after this (MAIL_CLAIM_SECONDS)


def _survey(app) -> int:
    """A five-question Likert survey and a wave of 500 advisers over four municipalities, due to open now."""
    from app.questionnaires.service import read_catalogue, store_questionnaire
    from forms import Question, Questionnaire, Text
    from forms.definition import Section

    with app.app_context():
        scale = read_catalogue().scales["extent5"]
        questions = tuple(Question(f"b{i}", "likert", Text(f"Spørgsmål {i}"), required=True, scale=scale)
                          for i in range(1, QUESTIONS + 1))
        version = store_questionnaire(Questionnaire("topologi", 1, "survey", "adviser", None, Text("Topologi"),
                                                    None, (Section("main", None, None, questions),)))
        places = list(db.session.scalars(select(Municipality).where(Municipality.slug.in_(PLACES))
                                         .order_by(Municipality.slug)))
        db.session.add_all(Respondent(name=f"Rådgiver {i}", email=f"r{i:03d}@topologi.dk",
                                      municipality=places[i % len(places)]) for i in range(RESPONDENTS))
        now = utcnow()
        wave = Wave(questionnaire_version=version, label="Topologi", opens_at=now - timedelta(minutes=1),
                    closes_at=now + timedelta(days=14), status="scheduled", reminder_days=[],
                    municipalities=places)
        db.session.add(wave)
        db.session.commit()
        return wave.id


def _env(app, smtp_port: int, base: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "EXPORT_", "SCHEDULER_"))}
    env.update({"BOELGE_ENV": "production", "FLASK_APP": "app:create_app", "SESSION_COOKIE_SECURE": "0",
                "REQUIRE_2FA": "none",  # the processes are under test here; the second factor has its own tests
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
                "SERVER_BASE_URL": base, "EXPORT_DIR": str(app.config["EXPORT_DIR"]),
                "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
                "SCHEDULER_INTERVAL_SECONDS": "1", "EXPORT_POLL_SECONDS": "1", "EXPORT_HEARTBEAT_SECONDS": "1",
                "EXPORT_STALE_SECONDS": "5", "MAIL_CLAIM_SECONDS": str(CLAIM_SECONDS)})
    return env


def _scheduler(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=env,
                            stdout=log.open("a"), stderr=subprocess.STDOUT)


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _smtp_client_pid(smtp_port: int) -> int | None:
    """The process with a connection open to the SMTP server (the scheduler sending right now)."""
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"dst 127.0.0.1:{smtp_port}"],
                         capture_output=True, text=True).stdout
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def _outbox_done(app) -> bool:
    """Every invitation recorded sent: none pending, none still claimed by a sender."""
    with app.app_context():
        open_ = db.session.scalar(select(func.count()).select_from(Message).where(
            Message.purpose == "invitation", Message.status != "sent"))
        db.session.commit()
        return open_ == 0


def _answer(base: str, link: str, choices: dict[str, str]) -> int:
    """Open a mailed link and submit at `base`: gunicorn itself, or nginx with TLS in front of it."""
    with requests.Session() as session:
        page = session.get(link, timeout=30, verify=False)  # nginx's certificate is self-signed, made by the test
        html = page.text
        form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
                "respondent_ref": re.search(r'name="respondent_ref" value="([^"]+)"', html).group(1),
                "action": "submit", **choices}
        return session.post(f"{base}/svar", data=form, timeout=30, allow_redirects=False, verify=False).status_code


@contextlib.contextmanager
def _processes():
    started: list[subprocess.Popen] = []
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def _log_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    html = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert session.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": token},
                        timeout=30, allow_redirects=False).status_code == 302
    return session


def test_the_production_topology_survives_killed_schedulers(app, database_url, make_user, tmp_path):
    if not shutil.which("ss"):
        skip_or_fail("ss is not installed (iproute2): it finds the scheduler that is sending")
    wave_id = _survey(app)
    _uid, email, password = make_user("coordinator")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = tmp_path / "logs"
    logs.mkdir()
    with GatedSMTPServer(hold_from=KILL_AT_MAIL, hold_at="data") as smtp, _processes() as started:
        env = _env(app, smtp.port, base)
        started.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "app:create_app()"], cwd=ROOT, env=env, stdout=(logs / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT))
        schedulers = [_scheduler(env, logs / f"scheduler-{i}.log") for i in (1, 2)]
        started.extend(schedulers)

        # 1. The scheduler opens the wave and sends; the one sending invitation 180 is killed after the
        #    SMTP server took it and before it heard "250 OK". Its claim is taken over once its lease ends.
        assert smtp.holding.wait(240), "the invitations were not sent"
        victim = _wait(lambda: _smtp_client_pid(smtp.port), 30, "the sending scheduler's connection")
        assert victim in {p.pid for p in schedulers}
        os.kill(victim, signal.SIGKILL)
        mail_kills = 1
        smtp.released.set()
        replacement = _scheduler(env, logs / "scheduler-3.log")  # systemd's Restart=always
        started.append(replacement)
        _wait(lambda: _outbox_done(app), 240 + CLAIM_SECONDS, "every invitation recorded sent")
        time.sleep(2)  # a further copy, if there were one, would arrive now
        assert_mail_promise(smtp.messages, [f"r{i:03d}@topologi.dk" for i in range(RESPONDENTS)], kills=mail_kills)

        # 2. 500 answers from the links in the mails: every other one through the shipped nginx site with
        #    TLS in front of gunicorn, the rest to gunicorn itself.
        _wait(lambda: requests.get(f"{base}/healthz", timeout=5).status_code == 200, 60, "gunicorn")
        rng = random.Random(12)
        posted, routes = {}, []
        for message in smtp.messages:
            body = message.get_payload(decode=True).decode("utf-8")
            link = re.search(r"(http\S+/s/\S+)", body).group(1)
            assert link.startswith(f"{base}/s/")
            if link not in posted:  # the one repeated invitation carries the same link
                posted[link] = {f"q_b{q}": str(rng.randint(1, 5)) for q in range(1, QUESTIONS + 1)}
                routes.append(len(routes) % 2 == 0)
        with nginx_in_front(tmp_path / "nginx", port) as tls_base:
            jobs = [(tls_base if through_proxy else base, link.replace(base, tls_base) if through_proxy else link, answers)
                    for through_proxy, (link, answers) in zip(routes, posted.items())]
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(lambda job: _answer(*job), jobs))
            proxied_posts = (tmp_path / "nginx" / "logs" / "boelge.access.log").read_text().count("POST /svar")
        assert Counter(statuses) == {303: RESPONDENTS} or Counter(statuses) == {302: RESPONDENTS}, Counter(statuses)
        assert proxied_posts == sum(routes) == RESPONDENTS // 2

        # 3. An export queued over HTTP; the worker running it is killed while its query waits on a lock.
        coordinator = _log_in(base, email, password)
        html = coordinator.get(f"{base}/resultater/", timeout=30).text
        blocker = create_engine(database_url).connect()
        blocker.execute(text("LOCK TABLE answers IN ACCESS EXCLUSIVE MODE"))  # the export's query will wait
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        queued = coordinator.post(f"{base}/resultater/eksport", data={"csrf_token": token, "exporter": "survey",
                                                                     "slug": "topologi"},
                                  timeout=30, allow_redirects=False)
        assert queued.status_code == 303
        job_url = base + queued.headers["Location"]
        with app.app_context():
            job_id = db.session.scalar(select(func.max(ExportJob.id)))

        def claimed() -> str | None:
            with app.app_context():
                job = db.session.get(ExportJob, job_id)
                return job.claimed_by if job.status == "running" else None

        owner = int(_wait(claimed, 60, "a worker claiming the export").rsplit(":", 1)[1])
        live = {p.pid for p in started[1:] if p.poll() is None}
        assert owner in live
        time.sleep(1)
        os.kill(owner, signal.SIGKILL)
        blocker.rollback()
        blocker.close()
        blocker.engine.dispose()
        state = _wait(lambda: (s := coordinator.get(job_url + "/status", timeout=30).json())["status"] == "done"
                      and s, 180, "the export taken up by the other worker")
        with app.app_context():
            job = db.session.get(ExportJob, job_id)
            assert job.attempts == 2 and not job.claimed_by.endswith(f":{owner}")

        # 4. The database: one invitation and one sent mail per respondent, one response with 5 answers each.
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Invitation)
                                     .where(Invitation.wave_id == wave_id)) == RESPONDENTS
            assert db.session.scalar(select(func.count()).select_from(Message).where(
                Message.purpose == "invitation", Message.status == "sent")) == RESPONDENTS
            # The killed scheduler's invitation was taken over once its claim ended; no other was tried twice.
            attempts = Counter(db.session.scalars(select(Message.attempts).where(Message.purpose == "invitation")))
            assert attempts == {1: RESPONDENTS - mail_kills, 2: mail_kills}
            assert db.session.scalar(select(func.count()).select_from(Response).where(
                Response.wave_id == wave_id, Response.status == "submitted")) == RESPONDENTS
            per_response = db.session.execute(select(Answer.response_id, func.count()).group_by(Answer.response_id))
            assert Counter(count for _id, count in per_response) == {QUESTIONS: RESPONDENTS}

        # 5. The export's figures match what was posted: the long CSV answer by answer, the workbook's data sheet.
        expected = Counter((q, code) for answers in posted.values() for q, code in answers.items())
        long_csv = coordinator.get(base + state["files"]["csv"], timeout=60).content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(long_csv), delimiter=";"))
        assert Counter((f"q_{r['spørgsmål']}", r["kode"]) for r in rows) == expected
        book = openpyxl.load_workbook(io.BytesIO(coordinator.get(base + state["files"]["xlsx"], timeout=60).content),
                                      read_only=True)
        data = list(book["Data"].iter_rows(values_only=True))
        header_at = next(i for i, row in enumerate(data) if "b1" in row)
        header, body = data[header_at], [row for row in data[header_at + 1:] if any(row)]
        assert len(body) == RESPONDENTS
        found = Counter((f"q_{header[c]}", str(row[c])) for row in body for c in range(len(header))
                        if header[c] in {f"b{q}" for q in range(1, QUESTIONS + 1)})
        assert found == expected
