"""The faults of the cluster test (tests/cluster/cluster.py), injected one after another while
the load runs. Each step waits for the state it needs (polling), not for a fixed time."""

from __future__ import annotations

import gettext
import re
import threading
import uuid
from dataclasses import dataclass, field

from load import Figures, accept_api, api_body, api_post, photo, portal_form, portal_send
from nodes import ROOT, Cluster, log, wait_for

FAULTS = (
    "app server stopped",
    "workers SIGKILLed while sending",
    "SMTP down",
    "Redis restarted",
    "PostgreSQL restarted",
    "storage full",
    "storage read-only",
)


def storage_refused_text() -> str:
    """The portal's words when the storage refuses a file, in Vietnamese as the portal shows
    them (redress.complaints.attachments.storage_refused_message)."""
    catalogue = gettext.translation(
        "django",
        localedir=ROOT / "redress" / "complaints" / "locale",
        languages=["vi"],
        fallback=True,
    )
    return catalogue.gettext(
        "The files could not be stored just now: our file storage is full or unavailable. "
        "Nothing was sent. Try again in a few minutes, or send without the files."
    )


@dataclass
class Faults:
    cluster: Cluster
    figures: Figures
    intake_token: str
    done: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self.run, daemon=True).start()

    def run(self) -> None:
        try:
            self.sequence()
        except Exception as error:  # noqa: BLE001 - reported as a failed check
            self.problems.append(f"fault sequence stopped: {error!r}")
        finally:
            self.finished.set()

    def emails_retrying(self) -> int:
        """Emails whose last sending failed, to be tried again (none of them is sent while the
        mail server is down, so the count only grows meanwhile)."""
        return self.cluster.sql(
            "SELECT count(*) FROM notifications_outboundemail WHERE state = 'retrying'"
        )[0][0]

    def accepted_more(self, count: int, seconds: float) -> bool:
        target = self.figures.accepted + count
        return wait_for(lambda: self.figures.accepted >= target, seconds)

    def sequence(self) -> None:
        cluster, figures = self.cluster, self.figures
        wait_for(lambda: figures.accepted >= 8, 60)

        # Stopped as systemd stops it (SIGTERM: the requests it is serving finish); the proxy
        # sends the rest to the other one. No more failures than requests in flight.
        failed, in_flight = figures.failures(), figures.in_flight
        log(f"fault: app server 1 stopped under load ({in_flight} requests in flight)")
        served = figures.requests
        cluster.app_stop(0)
        self.done.append("app server stopped")
        wait_for(lambda: figures.requests >= served + 16, 20)  # served by app server 2 alone
        cluster.app_back(0)
        failed = figures.failures() - failed
        self.notes.append(
            f"app server stopped: {in_flight} requests in flight, {failed} answered 5xx or not at all"
        )
        if failed > in_flight:
            self.problems.append(f"app server stopped: {failed} failures > {in_flight} in flight")
        log("app server 1 back")

        # Both receivers hold what they get, so that a mail and a webhook are on their way when
        # the workers die; kill them both (which one sends is not known) and start them again.
        # Each is held 8 s (a webhook's sender gives up after 10): long enough for the other
        # worker to take the other kind meanwhile. Held 3 s, the two once never met in 30 s.
        cluster.smtp.collector.held.hold = cluster.hooks.held.hold = 8.0
        sending = wait_for(
            lambda: cluster.smtp.collector.held.now > 0 and cluster.hooks.held.now > 0, 90
        )
        mails, hooks = cluster.smtp.collector.held.now, cluster.hooks.held.now
        log(f"fault: workers killed with SIGKILL while sending ({mails} mails, {hooks} webhooks)")
        for index in (0, 1):
            cluster.worker_kill(index)
        cluster.smtp.collector.held.hold = cluster.hooks.held.hold = 0.0
        self.notes.append(f"sends in flight at the SIGKILL: {mails} mails, {hooks} webhooks")
        if sending:
            self.done.append("workers SIGKILLed while sending")
        else:
            self.problems.append("no mail and webhook were being sent when the workers died")
        for index in (0, 1):
            cluster.worker_start(index)
        # The workers back at work (sending mail again) before the mail server goes down.
        received = cluster.smtp.collector.count()
        wait_for(lambda: cluster.smtp.collector.count() > received, 120, every=0.5)

        log("fault: SMTP server down")
        retrying = self.emails_retrying()
        cluster.smtp.stop()
        # Down until receipts have met the closed port (their sending failed, to be retried).
        wait_for(lambda: self.emails_retrying() >= retrying + 3, 60, every=0.5)
        refused = self.emails_retrying() - retrying
        self.notes.append(f"emails refused while SMTP was down: {refused}")
        if refused > 0:
            self.done.append("SMTP down")
        else:
            self.problems.append("no email met the SMTP server down")
        cluster.smtp.start()
        log("SMTP back; fault: Redis restarted")

        cluster.redis_stop()
        self.done.append("Redis restarted")
        self.accepted_more(1, 5)  # intake goes on without the queue (the outbox keeps the work)
        cluster.redis_start()

        wait_for(lambda: figures.api_in_flight >= 4, 20)
        in_flight = figures.api_in_flight
        log(f"fault: PostgreSQL restarted mid-intake ({in_flight} API requests in flight)")
        cluster.postgres("restart")
        self.done.append("PostgreSQL restarted")
        self.notes.append(f"API requests in flight at the PostgreSQL restart: {in_flight}")
        log("PostgreSQL back")

        if not cluster.media_mounted:
            self.problems.append("the storage faults need root (a tmpfs mounted for the files)")
            return
        for how in ("full", "read-only"):
            self.storage(how)

    def storage(self, how: str) -> None:
        """The storage full (or read-only): an API client and a portal complainant sending files
        are told so clearly and nothing is kept; sent again once the storage is back, the same
        request (same key, same form) makes its complaint with its files."""
        cluster, figures = self.cluster, self.figures
        number = 900000 + 2 * len(self.done)  # the API request, then the portal form
        key = f"cluster-storage-{uuid.uuid4()}"
        api_files = [photo(key)]
        body = api_body(number, api_files)
        form = portal_form(cluster, figures, number + 1)
        if form is None:
            self.problems.append(f"storage {how}: the portal form did not open")
            return
        session, data = form
        portal_files = [photo(data["form_token"])]
        log(f"fault: attachment storage {how}")
        cluster.storage_break(how)
        try:
            api = api_post(cluster, self.intake_token, key, body)
            figures.count(api.status_code, False)
            portal = portal_send(cluster, figures, session, data, portal_files)
        finally:
            cluster.storage_mend(how)
        self.done.append(f"storage {how}")
        code = api.json().get("error", {}).get("code") if api.status_code == 503 else None
        if code != "storage_unavailable":
            self.problems.append(
                f"storage {how}: the API answered {api.status_code} {api.text[:200]}"
            )
        if portal is None or storage_refused_text() not in portal.text.replace("&#x27;", "'"):
            self.problems.append(f"storage {how}: the portal did not show the storage's refusal")
        made = (
            cluster.sql(
                "SELECT count(*) FROM complaints_complaint WHERE subject LIKE %s OR subject LIKE %s",
                f"%({number})",
                f"%({number + 1})",
            )[0][0]
            + cluster.sql("SELECT count(*) FROM intake_intakekey WHERE key LIKE %s", f"%:{key}")[0][
                0
            ]
        )
        if made:
            self.problems.append(f"storage {how}: a refused complaint was kept")
        log(f"attachment storage {how}: refused clearly; back, the same requests sent again")
        again = api_post(cluster, self.intake_token, key, body)
        figures.count(again.status_code, True)
        if again.status_code == 201:
            accept_api(figures, key, again.json()["reference"], api_files)
        else:
            self.problems.append(f"storage {how}: sent again, the API answered {again.status_code}")
        found = portal_send(cluster, figures, session, data, portal_files)
        reference = found.text if found is not None else ""
        match = re.search(r"KN-\d{4}-\d{6}", reference)
        if match is None:
            self.problems.append(f"storage {how}: sent again, the portal made no complaint")
        else:
            with figures.lock:
                figures.portal[data["form_token"]] = match.group(0)
                figures.files[match.group(0)] = portal_files
