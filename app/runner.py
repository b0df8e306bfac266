"""`flask serve`: the whole product in one terminal — the web app and the scheduler, stopped together.

Each runs as a child process in a process group of its own (`flask run` and `flask scheduler run`,
which also runs the export worker), so the scheduler is never started inside the web process or its
reloader. Ctrl+C or SIGTERM stops both; when either stops by itself the other is stopped too, and
`flask serve` exits with the failed child's status. The scheduler is told the address the web app
serves (BOELGE_SERVED_URL), so its mails link to the right host and port unless SERVER_BASE_URL is set.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import click

STOP_SECONDS = 10  # how long a child may take to stop before it is killed


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine uses; a wildcard host is named by the machine's name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", *args], env=env, start_new_session=True)


def _stop(children: dict[str, subprocess.Popen], sig: int = signal.SIGTERM) -> None:
    for process in children.values():
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_SECONDS
    for process in children.values():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run the web app and the scheduler (with the export worker) together until Ctrl+C."""
    env = dict(os.environ)
    env["BOELGE_SERVED_URL"] = served_url(host, port)
    children = {
        "web": _start(["run", "--host", host, "--port", str(port)], env),
        "scheduler": _start(["scheduler", "run"], env),
    }
    for name, process in children.items():
        click.echo(f"{name}: process {process.pid}")
    click.echo(f"Bølge at {env['BOELGE_SERVED_URL']} with its scheduler; Ctrl+C stops both.")
    stopping: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    status = 0
    while not stopping:
        ended = [(name, p.returncode) for name, p in children.items() if p.poll() is not None]
        if ended:
            name, status = ended[0]
            click.echo(f"{name} stopped (exit status {status}); stopping the rest.", err=True)
            status = status or 1
            break
        time.sleep(0.2)
    _stop(children, signal.SIGINT if stopping and stopping[0] == signal.SIGINT else signal.SIGTERM)
    click.echo("Stopped.")
    sys.exit(status)
