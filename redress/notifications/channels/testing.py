"""A gateway for tests: a threaded HTTP server on 127.0.0.1 (random port) that speaks the send
API of each gateway Redress connects to (docs/channels.md), and builds their callbacks.

``mode`` sets how it answers the next requests: "ok", "down" (503), "rate" (429 with
Retry-After), "slow" (answers after ``delay`` seconds), "refuse" (the gateway refuses the
number: SpeedSMS ``invalidPhone``, Zalo -118, eSMS 99, generic 422).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

ESMS_KEYS = ("esms-key", "esms-secret")
SPEEDSMS_TOKEN = "speed-token"  # noqa: S105 - test credentials
ZALO_TOKEN = "zalo-oa-token"  # noqa: S105 - test credentials
ZALO_APP_ID = "4321"
ZALO_SECRET = "zalo-oa-secret"  # noqa: S105 - test credentials
GENERIC_TOKEN = "generic-token"  # noqa: S105 - test credentials


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGateway:
    mode: str = "ok"
    delay: float = 2.0
    retry_after: int = 600
    requests: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _count: int = 0

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, gateway: str) -> str:
        return {
            "esms": f"{self.base}/MainService.svc/json/SendMultipleMessage_V4_post_json/",
            "speedsms": f"{self.base}/index.php/sms/send",
            "zalo_zns": f"{self.base}/message/template",
            "generic": f"{self.base}/generic/send",
        }[gateway]

    def start(self) -> FakeGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                gateway.requests.append(Received(self.path, headers, body))
                status, answer, extra = gateway.answer(self.path, headers, body)
                if gateway.mode == "slow":
                    time.sleep(gateway.delay)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ----------------------------------------------------------------------------------------
    # Each gateway's answers, as documented

    def answer(
        self, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if self.mode == "down":
            return 503, {"error": "Service Unavailable"}, {}
        if self.mode == "rate":
            return 429, {"error": "Too Many Requests"}, {"Retry-After": str(self.retry_after)}
        self._count += 1
        n = self._count
        if path.startswith("/MainService.svc"):
            if (body.get("ApiKey"), body.get("SecretKey")) != ESMS_KEYS:
                return 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}, {}
            if self.mode == "refuse":
                return 200, {"CodeResult": "99", "ErrorMessage": "Unknown error"}, {}
            return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": f"esms-{n}"}, {}
        if path == "/index.php/sms/send":
            expected = "Basic " + base64.b64encode(f"{SPEEDSMS_TOKEN}:x".encode()).decode()
            if headers.get("authorization") != expected:
                return 401, {"status": "error", "code": "007", "message": "unauthorized"}, {}
            invalid = body["to"] if self.mode == "refuse" else []
            return (
                200,
                {
                    "status": "success",
                    "code": "00",
                    "data": {
                        "tranId": 9000 + n,
                        "totalSMS": 1,
                        "totalPrice": 250,
                        "invalidPhone": invalid,
                    },
                },
                {},
            )
        if path == "/message/template":
            if headers.get("access_token") != ZALO_TOKEN:
                return 200, {"error": -124, "message": "Access token is invalid"}, {}
            if self.mode == "refuse":
                return 200, {"error": -118, "message": "Zalo account not existed"}, {}
            return (
                200,
                {"error": 0, "message": "Success", "data": {"msg_id": f"zmsg-{n}"}},
                {},
            )
        if path == "/generic/send":
            if headers.get("authorization") != f"Bearer {GENERIC_TOKEN}":
                return 401, {"status": "denied"}, {}
            if self.mode == "refuse":
                return 422, {"status": "invalid", "message": "bad number"}, {}
            return 200, {"status": "ok", "data": {"id": f"g-{n}", "cost": "350.00"}}, {}
        return 404, {"error": "not found"}, {}

    # ----------------------------------------------------------------------------------------
    # Callbacks as each gateway makes them: (body, headers)

    @staticmethod
    def speedsms_report(tran_id: str, status: int = 0) -> bytes:
        return json.dumps(
            {"type": "report", "tranId": int(tran_id), "phone": "84912345678", "status": status}
        ).encode()

    @staticmethod
    def speedsms_inbound(phone: str, text: str, msg_id: str) -> bytes:
        return json.dumps({"type": "sms", "id": msg_id, "phone": phone, "content": text}).encode()

    @staticmethod
    def zalo_report(msg_id: str, tracking: str) -> tuple[bytes, dict[str, str]]:
        timestamp = str(int(time.time() * 1000))
        body = json.dumps(
            {
                "app_id": ZALO_APP_ID,
                "event_name": "user_received_message",
                "timestamp": timestamp,
                "message": {"msg_id": msg_id, "tracking_id": tracking, "delivery_time": timestamp},
            }
        )
        mac = hashlib.sha256(f"{ZALO_APP_ID}{body}{timestamp}{ZALO_SECRET}".encode()).hexdigest()
        return body.encode(), {"HTTP_X_ZEVENT_SIGNATURE": f"mac={mac}"}

    @staticmethod
    def generic_signed(data: Any, secret: str) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(data).encode()
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return body, {"HTTP_X_SIGNATURE": f"sha256={signature}"}


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    """The fake gateway on loopback (import into a test package's conftest)."""
    fake = FakeGateway().start()
    yield fake
    fake.stop()
