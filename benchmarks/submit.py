"""Answer submission under load: the real endpoint against a minimal Core insert, on SQLite and PostgreSQL.

Gunicorn (2 sync workers, 127.0.0.1) serves Bølge and the baseline endpoint of `submit_wsgi.py`;
`wrk` posts a 20-question Likert answer through each. Every request of the real endpoint goes the
whole way: the respondent session from a personal link, the CSRF token, form validation and storing
the response (one per invitation: each request replaces that respondent's answers). Prints req/s,
p50/p99 latency, errors and the ratio real/baseline; checks afterwards that every stored response
has exactly its 20 answers and that the server log never says "database is locked".

Options: --duration=10s --connections=32 --threads=2 --slots=128 --backends=sqlite,postgresql; --small
runs a smoke size.
"""
from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("submit.lua")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEFAULTS = {"duration": "10s", "connections": "32", "threads": "2", "slots": "128", "backends": "sqlite,postgresql"}
QUESTIONS = 20


SMALL = {"duration": "2s", "connections": "4", "threads": "1", "slots": "8"}


def parse_options(options: list[str]) -> dict[str, str]:
    """--name=value options; --small is a smoke size; options meant for other benchmarks are ignored."""
    chosen = dict(DEFAULTS)
    for option in options:
        key, _, value = option.lstrip("-").partition("=")
        if key == "small":
            chosen.update(SMALL)
        elif key in chosen and value:
            chosen[key] = value
        else:
            print(f"  (submit ignores {option}; it knows {', '.join('--' + k for k in DEFAULTS)}, --small)")
    return chosen


@contextlib.contextmanager
def database(backend: str, folder: Path):
    """A fresh database URL: a SQLite file, or a PostgreSQL schema dropped afterwards (None if unreachable)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{secrets.token_hex(4)}"
    try:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means PostgreSQL is not there
        print(f"  PostgreSQL not reachable ({exc.__class__.__name__}); skipped")
        yield None
        return
    try:
        yield make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def app_settings(url: str, secret: str) -> dict[str, str]:
    return {"BOELGE_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secret, "SESSION_COOKIE_SECURE": "0",
            "MAIL_BACKEND": "console", "SERVER_BASE_URL": "http://127.0.0.1"}


def prepare(url: str, secret: str, slots: int, folder: Path) -> tuple[int, Path]:
    """Tables, a 20-question Likert survey in an open wave, `slots` invitations with live sessions.

    Returns the questionnaire version id and a file of "cookie<TAB>form body" lines for wrk.
    """
    from app import create_app
    from app.extensions import db

    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret,
                                    "SESSION_COOKIE_SECURE": False, "SERVER_BASE_URL": "http://127.0.0.1"})
    rng = random.Random(20)
    lines = []
    with app.app_context():
        version_id, tokens = _survey_and_invitations(db, slots)
    for token in tokens:
        client = app.test_client()
        client.get(f"/s/{token}")
        html = client.get("/svar").get_data(as_text=True)
        form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
                "respondent_ref": re.search(r'name="respondent_ref" value="([^"]+)"', html).group(1),
                "action": "submit"}
        form.update({f"q_b{i:02d}": str(rng.randint(1, 5)) for i in range(1, QUESTIONS + 1)})
        lines.append(f"session={client.get_cookie('session').value}\t{urlencode(form)}")
    with app.app_context():
        db.engine.dispose()
    path = folder / "slots.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return version_id, path


def _survey_and_invitations(db, slots: int) -> tuple[int, list[str]]:
    from datetime import timedelta

    from sqlalchemy import select

    from app.models import Invitation, Municipality, Respondent, Wave, utcnow
    from app.questionnaires.service import read_catalogue, store_catalogue, store_questionnaire
    from app.waves.service import invite_audience
    from app.waves.tokens import invitation_token
    from forms import Question, Questionnaire, Text
    from forms.definition import Section

    db.create_all()
    catalogue = read_catalogue()
    store_catalogue(catalogue)
    questions = tuple(Question(f"b{i:02d}", "likert", Text(f"Spørgsmål {i}"), required=True,
                               scale=catalogue.scales["extent5"]) for i in range(1, QUESTIONS + 1))
    version = store_questionnaire(Questionnaire("bench-20", 1, "survey", "adviser", None, Text("Benchmark"), None,
                                                (Section("main", None, None, questions),)))
    place = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
    db.session.add_all(Respondent(name=f"R {i}", email=f"r{i}@bench.local", municipality=place) for i in range(slots))
    now = utcnow()
    wave = Wave(questionnaire_version=version, label="Benchmark", opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=1), status="open", opened_at=now, municipalities=[place])
    db.session.add(wave)
    db.session.flush()
    invite_audience(wave, now)
    db.session.commit()
    nonces = db.session.scalars(select(Invitation.token_nonce).where(Invitation.wave_id == wave.id)).all()
    return version.id, [invitation_token(n) for n in nonces]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url: str, secret: str, version_id: int, log: Path):
    port = free_port()
    env = {**os.environ, **app_settings(url, secret), "BENCH_VERSION_ID": str(version_id)}
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "benchmarks.submit_wsgi:make_app()"], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            process.wait(15)


def run_wrk(url: str, slots_file: Path, opts: dict[str, str], duration: str | None = None) -> dict:
    command = ["wrk", f"-t{opts['threads']}", f"-c{opts['connections']}", f"-d{duration or opts['duration']}",
               "--latency", "-s", str(LUA), url, "--", str(slots_file)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=600).stdout
    return parse_wrk(output)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    """req/s, p50/p99 in ms, requests and errors (non-2xx/3xx and socket errors) from wrk's report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    percentiles = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0)
    return {"rate": float(rate.group(1)) if rate else 0.0, "requests": int(total.group(1)) if total else 0,
            "p50": percentiles.get("50", 0.0), "p99": percentiles.get("99", 0.0), "errors": errors,
            "raw": output}


def check_stored(url: str) -> tuple[int, bool]:
    """(responses stored through invitations, every one has exactly its 20 answers)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        counts = connection.execute(text(
            "SELECT r.id, COUNT(a.id) FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
            "WHERE r.invitation_id IS NOT NULL GROUP BY r.id")).all()
    engine.dispose()
    return len(counts), all(n == QUESTIONS for _id, n in counts)


def bench_backend(backend: str, opts: dict[str, str], folder: Path) -> list[str] | None:
    secret = secrets.token_urlsafe(32)
    with database(backend, folder) as url:
        if url is None:
            return None
        version_id, slots_file = prepare(url, secret, int(opts["slots"]), folder)
        log = folder / f"gunicorn-{backend}.log"
        with gunicorn(url, secret, version_id, log) as base:
            run_wrk(f"{base}/svar", slots_file, {**opts, "connections": "2", "threads": "1"}, duration="1s")
            real = run_wrk(f"{base}/svar", slots_file, opts)
            baseline = run_wrk(f"{base}/bench-baseline/submit", slots_file, opts)
        stored, complete = check_stored(url)
    locked = "database is locked" in log.read_text(encoding="utf-8", errors="replace")
    ratio = real["rate"] / baseline["rate"] if baseline["rate"] else 0.0
    lines = [f"{backend:<10} {name:<9} {r['rate']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['requests']:>9} "
             f"{r['errors']:>7}" for name, r in (("real", real), ("baseline", baseline))]
    lines.append(f"{backend:<10} ratio real/baseline: {ratio:.2f}; responses stored: {stored} "
                 f"(one per invitation, 20 answers each: {'yes' if complete else 'NO'}); "
                 f"'database is locked' in server log: {'YES' if locked else 'no'}")
    ok = real["errors"] == 0 and baseline["errors"] == 0 and complete and not locked and real["requests"] > 0
    if real["requests"] == 0 or baseline["requests"] == 0:
        lines.append("wrk output:\n" + real["raw"] + baseline["raw"])
    return lines + ([] if ok else [f"{backend:<10} FAILED: errors, incomplete responses or a locked database"])


def main(options: list[str]) -> int:
    opts = parse_options(options)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); benchmark not run")
        return 1
    print(f"POST a {QUESTIONS}-question Likert answer; gunicorn 2 sync workers; wrk -t{opts['threads']} "
          f"-c{opts['connections']} -d{opts['duration']}")
    print(f"{'database':<10} {'endpoint':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    status = 0
    for backend in opts["backends"].split(","):
        with tempfile.TemporaryDirectory(prefix="boelge-bench-") as tmp:
            lines = bench_backend(backend.strip(), opts, Path(tmp))
        for line in lines or []:
            print(line, flush=True)
        if lines and any("FAILED" in line for line in lines):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
