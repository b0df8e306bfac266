"""An SMTP server for tests that can hold a message before or after taking it (to kill a sender mid-batch)."""
from __future__ import annotations

import asyncio
import email
import threading
import time

from aiosmtpd.controller import Controller

from tests.support.smtp import free_port


class _GateHandler:
    def __init__(self, server: "GatedSMTPServer") -> None:
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        with self.server.lock:
            number = self.server.started = self.server.started + 1
        if self.server.hold_at == "rcpt":
            await self.server.hold(number)
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        with self.server.lock:
            number = self.server.taken = self.server.taken + 1
            self.server.messages.append(email.message_from_bytes(envelope.content))
            self.server.recipients_seen.extend(envelope.rcpt_tos)
        if self.server.hold_at == "data":
            await self.server.hold(number)  # taken, but the sender has not heard "250 OK" yet
        return "250 OK"


class GatedSMTPServer:
    """Accepts mail like a normal server; from message `hold_from` on (only that one with `hold_one`) it
    waits until released: at RCPT, before the message is taken (`hold_at="rcpt"`), or at the end of DATA,
    after the message is taken and before the sender hears so (`hold_at="data"`)."""

    def __init__(self, hold_from: int | None = None, delay: float = 0.0, hold_at: str = "rcpt",
                 hold_one: bool = False) -> None:
        self.port = free_port()
        self.hold_from, self.delay, self.hold_at, self.hold_one = hold_from, delay, hold_at, hold_one
        self.messages: list = []
        self.recipients_seen: list[str] = []
        self.started = self.taken = 0
        self.lock = threading.Lock()
        self.holding, self.released = threading.Event(), threading.Event()
        self._controller = Controller(_GateHandler(self), hostname="127.0.0.1", port=self.port)

    async def hold(self, number: int) -> None:
        if self.hold_from is None or number < self.hold_from or (self.hold_one and number != self.hold_from):
            return
        self.holding.set()
        while not self.released.is_set():
            await asyncio.sleep(0.02)

    def __enter__(self) -> "GatedSMTPServer":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.released.set()
        time.sleep(0.05)
        self._controller.stop()

    def env(self) -> dict[str, str]:
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port)}
