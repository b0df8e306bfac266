"""`pip install .` as docs/deployment.md says: the wheel alone runs Bølge, outside the checkout.

The test copies what a fresh clone has (git's files: no compiled .mo, no instance/ folder), builds the
wheel from it, installs the wheel into a fresh venv and then works only in an empty folder, never the
checkout: `flask db upgrade` (the migrations must come with the package), `flask questionnaires load`
(the catalogue too), `flask users create`, gunicorn in production config, and a coordinator's first
login through the real forms: password, then enrolling the second factor (REQUIRE_2FA=coordinator),
then a page in English (the compiled translations) and a static file.

The new venv gets the dependencies from the test's own environment through a .pth path line (no
download), and the wheel is installed with --no-deps; `app` and `config` are shown to be imported from
the new venv's site-packages. The wheel is built without build isolation, from the test environment's
setuptools and Babel (pyproject.toml's build requirements).
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import site
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pyotp
import requests

from tests.conftest import ROOT, extract_csrf
from tests.support.smtp import free_port


def _run(args: list, cwd: Path, env: dict, timeout: int = 180) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _fresh_clone(target: Path) -> Path:
    """The files git has (tracked, and new ones not ignored), as a clone or a release would have them."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert not list(target.rglob("*.mo")) and not (target / "instance").exists()
    return target


def _venv(folder: Path, env: dict) -> Path:
    _run([sys.executable, "-m", "venv", "--without-pip", folder], folder.parent, env)
    python = folder / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], folder, env).strip()
    # the dependencies: this environment's site-packages, after the venv's own (so the wheel's `app` wins)
    dependencies = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (Path(purelib) / "boelge-test-dependencies.pth").write_text("\n".join(dict.fromkeys(dependencies)) + "\n")
    return python


def _wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):  # the master listens at once; its worker answers once it has imported the app
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else "gunicorn stopped"
        try:
            requests.get(url, timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer at {url}")


def test_the_wheel_alone_migrates_loads_serves_and_lets_a_coordinator_sign_in(tmp_path, database_url):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BOELGE_", "FLASK_", "PYTHON", "SECRET_KEY", "DATABASE_URL", "SERVER_"))}
    source = _fresh_clone(tmp_path / "clone")
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, source],
         tmp_path, env)
    wheel = next(wheels.glob("boelge-*.whl"))
    python = _venv(tmp_path / "venv", env)
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel], tmp_path, env)
    shutil.rmtree(source)  # nothing may come from the copy either

    work = tmp_path / "empty"
    work.mkdir()
    port = free_port()
    env.update(BOELGE_ENV="production", FLASK_APP="app:create_app", SECRET_KEY=secrets.token_urlsafe(48),
               SERVER_BASE_URL=f"http://127.0.0.1:{port}", SESSION_COOKIE_SECURE="0", DATABASE_URL=database_url,
               EXPORT_DIR=str(tmp_path / "exports"), MAIL_BACKEND="console")
    where = _run([python, "-c", "import app, config, forms, exports; print(app.__file__, config.__file__, "
                  "config.Config.MIGRATIONS_DIR, config.Config.QUESTIONNAIRES_DIR)"], work, env).split()
    installed = str(tmp_path / "venv")
    assert all(path.startswith(installed) for path in where), where
    assert not any(str(ROOT) in path for path in where)

    flask = [python, "-m", "flask"]
    _run([*flask, "db", "upgrade"], work, env)
    assert "(head)" in _run([*flask, "db", "current"], work, env)
    _run([*flask, "questionnaires", "load"], work, env)
    password = "korrekt-hest-" + secrets.token_hex(6)
    _run([*flask, "users", "create", "--email", "koordinator@example.dk", "--name", "Koordinator", "--role",
          "coordinator", "--password", password], work, env)
    assert os.listdir(work) == []  # nothing was written beside the commands (no instance/, no migrations/)

    server = subprocess.Popen([str(python), "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "app:create_app()"], cwd=work, env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz", server)
        _sign_in_for_the_first_time(base, password)
    finally:
        server.terminate()
        server.wait(30)


def _sign_in_for_the_first_time(base: str, password: str) -> None:
    browser = requests.Session()
    page = browser.get(base + "/login")
    assert page.status_code == 200 and "Log ind" in page.text
    answer = browser.post(base + "/login", data={"email": "koordinator@example.dk", "password": password,
                                                 "csrf_token": extract_csrf(page.text)}, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    enrol = browser.get(base + answer.headers["Location"])  # the first login enrols the second factor
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', enrol.text).group(1).replace(" ", "")
    codes = browser.post(enrol.url, data={"code": pyotp.TOTP(secret).now(), "csrf_token": extract_csrf(enrol.text)})
    assert codes.status_code == 200 and "gendannelseskoder" in codes.text.lower(), codes.text[:1000]
    english = browser.post(base + "/sprog", data={"lang": "en", "next": "/", "csrf_token": extract_csrf(codes.text)})
    assert english.status_code == 200 and "Log out" in english.text  # the compiled English translation
    assert "Koordinator" in english.text
    style = browser.get(base + "/static/" + re.search(r'href="/static/([^"?]+\.css)', english.text).group(1))
    assert style.status_code == 200 and len(style.content) > 1000
