"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping messages in memory."""
from __future__ import annotations

import email
import os
import random
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller


_handed_out: set[int] = set()


def free_port() -> int:
    """A port free now, never handed out before in this process, and never one another test process gets.

    A port the kernel picks (bind to 0) is free only until the socket closes; a parallel test process can
    be given the same one before the server that wanted it binds it. So each xdist worker draws from a
    range of its own below the kernel's ephemeral ports (32768 and up on Linux).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    base = 20_000 + (int(worker) % 8 if worker.isdigit() else 0) * 1_500
    for port in random.sample(range(base, base + 1_500), 1_500):
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {base}-{base + 1_499}")


class _Handler:
    def __init__(self, server: "RecordingSMTPServer") -> None:
        self.server = server

    async def handle_DATA(self, _server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class RecordingSMTPServer:
    """Start/stop a real SMTP server; the port is fixed at construction so it can go down and up again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def recipients(self) -> list[str]:
        with self.lock:
            return [rcpt for _from, rcpts in self.envelopes for rcpt in rcpts]

    def config(self) -> dict:
        """App settings that send through this server."""
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": self.host, "SMTP_PORT": self.port}
