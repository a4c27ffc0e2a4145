"""The cluster test's load (tests/cluster/cluster.py): clients as Redress meets them — API
intake with an Idempotency-Key (some with a file), portal submissions, mail in through the
inbound-mail webhook, staff actions through the API — each retrying as a real client does."""

from __future__ import annotations

import base64
import concurrent.futures
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from nodes import CONCURRENCY, Cluster

# A 1x1 PNG; each upload appends its own bytes, so that each is a file of its own.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass
class Figures:
    requests: int = 0
    retries: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    api_keys: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> reference
    portal: dict[str, str] = field(default_factory=dict)  # form token -> reference
    mails: dict[str, str] = field(default_factory=dict)  # Message-ID -> reference
    # Reference -> the files it was sent with (name, bytes), to find them stored whole.
    files: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    actions: int = 0
    in_flight: int = 0
    api_in_flight: int = 0
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None, retry: bool) -> None:
        with self.lock:
            self.requests += 1
            self.retries += retry
            self.answers[status or 0] += 1

    def failures(self) -> int:
        """Answers that failed: a 5xx, or no answer at all."""
        with self.lock:
            return sum(n for status, n in self.answers.items() if status == 0 or status >= 500)

    @property
    def accepted(self) -> int:
        with self.lock:
            return len(self.api_keys) + len(self.portal) + len(self.mails)

    def kinds(self) -> dict[str, int]:
        with self.lock:
            return {
                "api": len(self.api_keys),
                "portal": len(self.portal),
                "mail": len(self.mails),
                "staff": self.actions,
            }


def with_retries(figures: Figures, send, attempts: int = 40):
    """Send until an answer that is not a failure of the infrastructure; as an integration
    retries: the same key, backing off up to 2 s."""
    for attempt in range(attempts):
        with figures.lock:
            figures.in_flight += 1
        try:
            response = send()
            status = response.status_code
        except requests.RequestException:
            response, status = None, None
        finally:
            with figures.lock:
                figures.in_flight -= 1
        figures.count(status, attempt > 0)
        if status is not None and status < 500 and status != 429:
            return response
        time.sleep(min(2.0, 0.2 * (attempt + 1)))
    return None


def photo(label: str) -> tuple[str, bytes]:
    return (f"anh-{label}.png", PNG + label.encode())


def api_body(number: int, files: list[tuple[str, bytes]] | None = None) -> dict:
    return {
        "complainant": {"full_name": f"Khách hàng {number}", "email": f"kh{number}@example.test"},
        "channel": "phone",
        "unit": "care",
        "subject": f"Hóa đơn bị tính hai lần ({number})",
        "description": f"Tôi bị trừ tiền hai lần cho hóa đơn HD-{number}.",
        "attachments": [
            {"name": name, "content_base64": base64.b64encode(content).decode()}
            for name, content in files or []
        ],
    }


def api_post(cluster: Cluster, token: str, key: str, body: dict) -> requests.Response:
    return requests.post(
        f"{cluster.base}/api/v1/complaints",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        timeout=30,
    )


def api_intake(cluster: Cluster, token: str, figures: Figures, number: int) -> None:
    """One complaint through the API; every second one with a photo."""
    key = f"cluster-{uuid.uuid4()}"
    files = [photo(key)] if number % 20 < 10 else []
    body = api_body(number, files)
    with figures.lock:
        figures.api_in_flight += 1
    try:
        response = with_retries(figures, lambda: api_post(cluster, token, key, body))
    finally:
        with figures.lock:
            figures.api_in_flight -= 1
    if response is None or response.status_code not in (200, 201):
        figures.failed.append(
            f"api {key}: {'no answer' if response is None else response.text[:200]}"
        )
        return
    accept_api(figures, key, response.json()["reference"], files)


def accept_api(figures: Figures, key: str, reference: str, files: list) -> None:
    with figures.lock:
        figures.api_keys[key] = reference
        if files:
            figures.files[reference] = files


def portal_form(cluster: Cluster, figures: Figures, number: int):
    """The portal's form opened in a browser session: (session, the fields to send) or None."""
    session = requests.Session()
    page = with_retries(figures, lambda: session.get(f"{cluster.base}/vi/complain/", timeout=30))
    if page is None:
        return None
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    data = {
        "csrfmiddlewaretoken": csrf,
        "form_token": token,
        "hp_contact": "",
        "on_behalf": "self",
        "full_name": f"Người dân {number}",
        "email": f"dan{number}@example.test",
        "phone": "",
        "preferred_channel": "email",
        "preferred_language": "vi",
        "subject": f"Dịch vụ bị gián đoạn ({number})",
        "description": f"Dịch vụ của tôi bị gián đoạn từ hôm qua, mã khách hàng {number}.",
        "consent": "on",
    }
    return session, data


def portal_send(cluster: Cluster, figures: Figures, session, data, files=()):
    return with_retries(
        figures,
        lambda: session.post(
            f"{cluster.base}/vi/complain/",
            data=data,
            files=[("attachments", (name, content, "image/png")) for name, content in files],
            timeout=30,
            headers={"Referer": f"{cluster.base}/vi/complain/"},
        ),
    )


def portal_submission(cluster: Cluster, figures: Figures, number: int) -> None:
    form = portal_form(cluster, figures, number)
    if form is None:
        figures.failed.append(f"portal form {number}")
        return
    session, data = form
    # The complainant presses "send" again until the receipt shows: the same form (its token)
    # lands on the same complaint, however the first sending ended.
    found = response = None
    for _again in range(10):
        response = portal_send(cluster, figures, session, data)
        found = re.search(r"KN-\d{4}-\d{6}", response.text) if response is not None else None
        if found is not None:
            break
        with figures.lock:
            figures.retries += 1  # the next sending is a retry
        time.sleep(1)
    if found is None:
        figures.failed.append(
            f"portal {number}: {None if response is None else response.status_code}"
        )
        return
    with figures.lock:
        figures.portal[data["form_token"]] = found.group(0)


def mail_in(cluster: Cluster, figures: Figures, number: int) -> None:
    """An email posted to the inbound-mail webhook by a relay, which retries the same message
    (its Message-ID) until Redress answers."""
    message_id = f"<cluster-{uuid.uuid4()}@mail.example.test>"
    raw = (
        f"From: Người gửi {number} <thu{number}@example.test>\r\n"
        "To: khieunai@example.test\r\n"
        f"Subject: Thư khiếu nại số ({number})\r\n"
        f"Message-ID: {message_id}\r\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0700\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"Tôi chưa nhận được hàng của đơn DH-{number} sau hai tuần.\r\n"
    ).encode()
    headers = {
        "Authorization": f"Bearer {cluster.mail_secret}",
        "Content-Type": "message/rfc822",
    }
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/intake/mail/", data=raw, headers=headers, timeout=30
        ),
    )
    reference = response.json().get("reference") if response is not None and response.ok else None
    if not reference:
        figures.failed.append(
            f"mail {number}: {'no answer' if response is None else response.text[:200]}"
        )
        return
    with figures.lock:
        figures.mails[message_id] = reference


def staff_action(cluster: Cluster, token: str, figures: Figures) -> None:
    with figures.lock:
        references = list(figures.api_keys.values())[-20:]
    if not references:
        return
    reference = secrets.choice(references)
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/api/v1/complaints/{reference}/actions/acknowledge",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ),
    )
    if response is not None and response.status_code == 200:
        with figures.lock:
            figures.actions += 1


# Of every 10 load items: 5 API intake, 2 portal, 2 mail in, 1 staff action — in this order, so
# that the first 8 (one per client) already take every path.
MIX = ("api", "portal", "mail", "api", "staff", "api", "portal", "api", "mail", "api")


def drive(
    cluster: Cluster, figures: Figures, intake: str, staff: str, done: Callable[[], bool]
) -> None:
    """The mixed load at concurrency 8 until ``done()``."""
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client(slot: int) -> None:
        while not done():
            with lock:
                number = next(counter)
            kind = MIX[number % len(MIX)]
            if kind == "api":
                api_intake(cluster, intake, figures, number)
            elif kind == "portal":
                portal_submission(cluster, figures, number)
            elif kind == "mail":
                mail_in(cluster, figures, number)
            else:
                staff_action(cluster, staff, figures)

    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(client, range(CONCURRENCY)))
