"""`flask serve` (what `make run` starts): the web app and the scheduler together, stopped together."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from app.extensions import db
from app.models import Heartbeat, Wave, utcnow
from tests.support.smtp import free_port
from tests.waves.factories import add_respondents, add_wave

ROOT = Path(__file__).resolve().parents[2]


def _wait(condition, seconds: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _child_pids(runner: subprocess.Popen) -> dict[str, int]:
    """The pids `flask serve` prints ("web: process N", "scheduler: process N"), skipping other output."""
    pids: dict[str, int] = {}
    while len(pids) < 2:
        line = runner.stdout.readline()
        assert line, "flask serve ended before naming its processes"
        found = re.match(r"(web|scheduler): process (\d+)$", line.strip())
        if found:
            pids[found.group(1)] = int(found.group(2))
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_web_and_scheduler_mails_link_to_the_served_port_and_ctrl_c_stops_both(app, smtp_server):
    with app.app_context():
        add_respondents({"aalborg": 3, "rebild": 2})
        add_wave(opens=utcnow() - timedelta(minutes=1), closes=utcnow() + timedelta(days=21))
        db.session.commit()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "SERVER_BASE_URL"))}
    env.update({"BOELGE_ENV": "development", "FLASK_APP": "app:create_app", "MAIL_BACKEND": "smtp",
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port), "SCHEDULER_INTERVAL_SECONDS": "1",
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]})
    runner = subprocess.Popen([sys.executable, "-m", "flask", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        pids = list(_child_pids(runner).values())
        base = f"http://127.0.0.1:{port}"
        _wait(lambda: _answers(f"{base}/healthz"), what="the web app")
        _wait(lambda: len(smtp_server.messages) == 5, what="five invitations")
        body = smtp_server.messages[0].get_payload(decode=True).decode("utf-8")
        link = re.search(r"(http\S+/s/\S+)", body).group(1)
        assert link.startswith(f"{base}/s/")
        opened = requests.get(link, allow_redirects=False, timeout=5)
        assert opened.status_code in (302, 303) and opened.headers["Location"].endswith("/svar")
        with app.app_context():
            assert db.session.scalar(db.select(Wave.status)) == "open"
            assert db.session.get(Heartbeat, "scheduler") is not None
        assert all(_alive(pid) for pid in pids)
    finally:
        runner.send_signal(signal.SIGINT)  # what Ctrl+C in the terminal delivers
        output = runner.communicate(timeout=60)[0]
    assert runner.returncode == 0, output
    assert "Stopped." in output
    assert not any(_alive(pid) for pid in pids)
    assert not _answers(f"{base}/healthz")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_when_one_part_dies_serve_stops_the_other_and_fails(app):
    port = free_port()
    env = dict(os.environ, BOELGE_ENV="development", FLASK_APP="app:create_app", MAIL_BACKEND="console",
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=app.config["SECRET_KEY"])
    runner = subprocess.Popen([sys.executable, "-m", "flask", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pids = _child_pids(runner)
    web_pid, scheduler_pid = pids["web"], pids["scheduler"]
    _wait(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), what="the web app")
    os.kill(scheduler_pid, signal.SIGKILL)
    output = runner.communicate(timeout=60)[0]
    assert runner.returncode != 0 and "scheduler stopped" in output, output
    assert not _alive(web_pid)
