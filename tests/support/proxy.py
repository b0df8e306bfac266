"""The production arrangement of docs/deployment.md on one machine: nginx with TLS in front of gunicorn.

The site file is deploy/nginx/boelge.conf and gunicorn's command line is boelge-web.service's ExecStart,
with only ports, paths and the number of workers changed. The certificate is a self-signed one for
127.0.0.1, made here. Every log either writes lands in the deployment's folder, so a test can read it.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3

from tests.conftest import skip_or_fail
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "boelge.conf"
WEB_UNIT = ROOT / "deploy" / "systemd" / "boelge-web.service"
HOST = "boelge.example.dk"
ACCESS_LOG = "/var/log/nginx/boelge.access.log"


def nginx_or_skip() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        skip_or_fail("openssl is not installed (it makes the test certificate)")
    return nginx


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1 (the browser is told to accept it)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def site_config(gunicorn_port: int, http_port: int, https_port: int, cert: Path, key: Path, logs: Path) -> str:
    """deploy/nginx/boelge.conf with its ports and paths changed, nothing else.

    HTTPS is not on 443 here, so the redirect names its port, as docs/deployment.md tells an operator to."""
    site = SITE.read_text()
    for old, new in (("server 127.0.0.1:8000", f"server 127.0.0.1:{gunicorn_port}"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
                     (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert)),
                     (f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key)),
                     ("/opt/boelge/app/static/", f"{ROOT / 'app' / 'static'}/"),
                     (ACCESS_LOG, str(logs / "boelge.access.log"))):
        assert old in site, old
        site = site.replace(old, new)
    return site


def main_config(folder: Path, site: Path) -> str:
    """nginx.conf as Debian's, but everything in `folder`; its own access log catches what the site's does not."""
    return f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/logs/nginx-default-access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def gunicorn_command(port: int, workers: int) -> list[str]:
    """boelge-web.service's ExecStart, bound to `port` with `workers` workers, run by this Python."""
    line = next(x for x in WEB_UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    args = shlex.split(line.removeprefix("ExecStart="))
    assert args[0] == "/opt/boelge/.venv/bin/gunicorn", args[0]
    args = args[1:]
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--workers") + 1] = str(workers)
    return [sys.executable, "-m", "gunicorn", *args]


def production_env(database_url: str, secret_key: str, base_url: str, **settings: str) -> dict[str, str]:
    """The environment file of a production installation behind one proxy."""
    env = dict(os.environ, BOELGE_ENV="production", DATABASE_URL=database_url, SECRET_KEY=secret_key,
               SERVER_BASE_URL=base_url, PROXY_COUNT="1")
    env["FLASK_APP"] = "app:create_app"  # as in deploy/boelge.env.example
    env.update(settings)
    return env


def wait_for(url: str, process: subprocess.Popen | None = None, tries: int = 600) -> None:
    for _ in range(tries):
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{process.args[:3]} exited with {process.returncode} before {url} answered")
        try:
            requests.get(url, timeout=5, verify=False)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError(f"{url} does not answer")


@dataclass
class Deployment:
    base: str            # https://127.0.0.1:PORT, what a browser opens
    http_base: str       # the plain-HTTP server, which redirects
    gunicorn_port: int
    folder: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def log_text(self) -> str:
        """Everything nginx and gunicorn logged so far (access and error logs of both)."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))

    def spawn(self, args: list[str], name: str) -> subprocess.Popen:
        """Start another process of the installation (`flask worker`, the scheduler) with its environment."""
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.processes.append(process)
        return process


@contextmanager
def deployment(folder: Path, database_url: str, secret_key: str, workers: int = 2,
               **settings: str) -> Iterator[Deployment]:
    """nginx (TLS) → gunicorn in production config on `database_url`; yields when both answer."""
    nginx = nginx_or_skip()
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    cert, key = make_certificate(folder)
    gunicorn_port, http_port, https_port = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    site = folder / "boelge.conf"
    site.write_text(site_config(gunicorn_port, http_port, https_port, cert, key, folder / "logs"))
    (folder / "nginx.conf").write_text(main_config(folder, site))
    env = production_env(database_url, secret_key, base, **settings)
    found = Deployment(base, f"http://127.0.0.1:{http_port}", gunicorn_port, folder, env)
    try:
        web = found.spawn(gunicorn_command(gunicorn_port, workers), "gunicorn")
        proxy = found.spawn([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                            "nginx-output")
        wait_for(f"http://127.0.0.1:{gunicorn_port}/healthz", web)
        wait_for(f"{base}/healthz", proxy)
        yield found
    finally:
        for process in reversed(found.processes):
            process.terminate()
        for process in found.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@contextmanager
def nginx_in_front(folder: Path, gunicorn_port: int) -> Iterator[str]:
    """The shipped nginx site (TLS) in front of a gunicorn already serving on `gunicorn_port`; yields its HTTPS base."""
    nginx = nginx_or_skip()
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    http_port, https_port = free_port(), free_port()
    site = folder / "boelge.conf"
    site.write_text(site_config(gunicorn_port, http_port, https_port, cert, key, folder / "logs"))
    (folder / "nginx.conf").write_text(main_config(folder, site))
    with open(folder / "logs" / "nginx-output.log", "ab") as out:
        proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                                 cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{https_port}"
    try:
        wait_for(f"{base}/healthz", proxy)
        yield base
    finally:
        proxy.terminate()
        try:
            proxy.wait(15)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait(5)
