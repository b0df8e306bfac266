"""The reverse proxy of docs/deployment.md, run as shipped: deploy/nginx/boelge.conf in front of gunicorn.

Only the addresses, ports and certificate paths are changed for the test. Through the proxy the app
sees the client's own address (PROXY_COUNT=1 and ProxyFix), never one the client made up, and nginx
serves the static files and sends plain HTTP on to HTTPS.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from sqlalchemy import select

from app.extensions import db
from app.models import ThrottleEvent
from tests.conftest import skip_or_fail
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[1]
HOST = "boelge.example.dk"
CLIENT = "127.0.0.3"  # the test's "browser" connects from this loopback address; nginx runs on 127.0.0.1


class FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def _site_config(gunicorn_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    site = (ROOT / "deploy" / "nginx" / "boelge.conf").read_text()
    for old, new in (("server 127.0.0.1:8000", f"server 127.0.0.1:{gunicorn_port}"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert)),
                     (f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key)),
                     ("/opt/boelge/app/static/", f"{ROOT / 'app' / 'static'}/")):
        assert old in site, old
        site = site.replace(old, new)
    return site


def _main_config(folder: Path, site: Path) -> str:
    return f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=5, verify=False)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError(f"{url} does not answer")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nginx_as_documented_gives_the_app_the_client_address_and_https(app, make_user, tmp_path):
    nginx = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
    if not nginx:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        skip_or_fail("openssl is not installed (it makes the test certificate)")
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    _uid, email, _password = make_user("coordinator")
    folder = tmp_path / "nginx"
    folder.mkdir()
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    gunicorn_port, http_port, https_port = free_port(), free_port(), free_port()
    site = folder / "boelge.conf"
    site.write_text(_site_config(gunicorn_port, http_port, https_port, cert, key))
    (folder / "nginx.conf").write_text(_main_config(folder, site))
    env = dict(os.environ, BOELGE_ENV="production", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], SERVER_BASE_URL=f"https://{HOST}", PROXY_COUNT="1",
               MAIL_BACKEND="console")
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{gunicorn_port}",
                            "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"https://127.0.0.1:{https_port}"
        _wait_for(f"http://127.0.0.1:{gunicorn_port}/healthz")
        _wait_for(f"{base}/healthz")
        browser = requests.Session()
        browser.verify, browser.trust_env = False, False  # a self-signed certificate; no proxy settings
        browser.headers["Host"] = HOST
        browser.mount("https://", FromAddress(CLIENT))
        browser.mount("http://", FromAddress(CLIENT))

        plain = browser.get(f"http://127.0.0.1:{http_port}/login", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"] == f"https://{HOST}/login"

        style = browser.get(f"{base}/static/style.css", timeout=10)
        assert style.status_code == 200 and "max-age=3600" in style.headers.get("Cache-Control", "")

        page = browser.get(f"{base}/glemt-adgangskode", timeout=10)
        assert page.status_code == 200 and "Strict-Transport-Security" in page.headers
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        sent = browser.post(f"{base}/glemt-adgangskode", data={"email": email, "csrf_token": token},
                            headers={"X-Forwarded-For": "6.6.6.6", "Referer": f"https://{HOST}/glemt-adgangskode"},
                            allow_redirects=False, timeout=10)
        assert sent.status_code == 302, sent.text[:500]
        with app.app_context():
            keys = set(db.session.scalars(select(ThrottleEvent.key).where(ThrottleEvent.scope == "reset")))
        assert f"ip:{CLIENT}" in keys and "ip:6.6.6.6" not in keys and "ip:127.0.0.1" not in keys
    finally:
        proxy.terminate()
        web.terminate()
        proxy.wait(10)
        web.wait(10)


def test_the_systemd_units_are_valid_and_run_the_tested_commands(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert [u.name for u in units] == ["boelge-scheduler.service", "boelge-web.service", "boelge-worker@.service"]
    commands = {}
    for unit in units:
        text = unit.read_text()
        commands[unit.name] = re.search(r"^ExecStart=/opt/boelge/\.venv/bin/(.+)$", text, re.M).group(1)
        # The paths of this checkout, so systemd can check the executables exist.
        text = (text.replace("/opt/boelge/.venv", str(Path(sys.executable).parent.parent))
                .replace("/etc/boelge/boelge.env", str(ROOT / "deploy" / "boelge.env.example"))
                .replace("User=boelge", "User=root").replace("Group=boelge", "Group=root"))
        (tmp_path / unit.name.replace("@.", "@1.")).write_text(text)
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.glob("*.service"))],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert commands["boelge-scheduler.service"] == "flask scheduler run"
    assert commands["boelge-worker@.service"] == "flask worker"
    assert commands["boelge-web.service"].startswith("gunicorn ") and '"app:create_app()"' in commands["boelge-web.service"]
