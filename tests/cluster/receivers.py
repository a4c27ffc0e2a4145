"""The receivers of the test cluster (tests/cluster/nodes.py): an SMTP server and a webhook
receiver, each counting what it got and able to hold a delivery, so that a sender can be killed
in the middle of it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import http.server
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Held:
    """Deliveries a receiver holds before answering (``hold`` seconds), so that a worker can be
    killed while it is sending: how many are being held now, and how many were in all. One at
    a time: another delivery of the same kind meanwhile passes at once, so that one worker held
    on a mail leaves the other free to take a webhook (holding every mail could keep both
    workers busy with mails while no webhook is ever on its way)."""

    def __init__(self) -> None:
        self.hold = 0.0
        self.now = 0
        self.total = 0
        self.lock = threading.Lock()

    def enter(self) -> float:
        with self.lock:
            if not self.hold or self.now:
                return 0.0
            self.now += 1
            self.total += 1
            return self.hold

    def leave(self, held: float) -> None:
        if held:
            with self.lock:
                self.now -= 1


# --- SMTP -------------------------------------------------------------------------------


class Collector:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.lock = threading.Lock()
        self.held = Held()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        # The message is kept as soon as its data has arrived; a sender killed before the
        # "250" then sends it again: counted apart, de-duplicable by its Message-ID.
        with self.lock:
            self.received.append(bytes(envelope.original_content))
        held = self.held.enter()
        try:
            await asyncio.sleep(held)
        finally:
            self.held.leave(held)
        return "250 Message accepted for delivery"


class Smtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[email.message.EmailMessage]:
        with self.collector.lock:
            raws = list(self.collector.received)
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]  # type: ignore[misc]


# --- webhook receiver -------------------------------------------------------------------


class Hooks:
    """A receiver of Redress's webhooks, as an integration runs one: it answers 200 and counts
    each delivery by its id (X-Redress-Delivery), so a delivery sent twice is seen as such."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[str] = []
        self.lock = threading.Lock()
        self.held = Held()
        hooks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with hooks.lock:
                    hooks.received.append(self.headers.get("X-Redress-Delivery", ""))
                held = hooks.held.enter()
                try:
                    time.sleep(held)
                finally:
                    hooks.held.leave(held)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/redress"

    def ids(self) -> list[str]:
        with self.lock:
            return list(self.received)

    def stop(self) -> None:
        self.server.shutdown()
