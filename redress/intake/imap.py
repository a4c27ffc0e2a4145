"""Reading mailboxes over IMAP.

Each poll takes the messages with a UID above the last one taken (``last_uid``, reset when the
server's UIDVALIDITY changes), in order, one at a time: each is stored and processed before
``last_uid`` moves past it, so a crash part-way loses nothing and a message fetched again is
recognised by its Message-ID. Messages are fetched with ``BODY.PEEK`` and then flagged
``\\Seen``; nothing is deleted from the server.

A mailbox that cannot be read (connection, login, folder) counts a failure; after
``REDRESS_MAILBOX_ALERT_AFTER`` failures in a row the administrators get an in-app notice and
the mailbox is flagged in the admin, until a poll succeeds again.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from redress.core.models import User
from redress.core.roles import Role
from redress.core.sealing import Unsealable, unseal
from redress.core.selectors import users_with_role
from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail, Mailbox
from redress.notifications.models import Notification
from redress.notifications.services import notify_users

logger = logging.getLogger(__name__)

BATCH = 200


class MailboxError(Exception):
    pass


@dataclass
class PollResult:
    mailbox: Mailbox
    ok: bool
    fetched: int = 0
    new: int = 0
    error: str = ""


def _connect(mailbox: Mailbox, *, timeout: float | None = None) -> imaplib.IMAP4:
    timeout = timeout or settings.EMAIL_TIMEOUT or 30
    if mailbox.security == Mailbox.Security.SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(ssl_context=ssl.create_default_context())
    return client


def _check(status: str, data: list, what: str) -> list:  # type: ignore[type-arg]
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise MailboxError(f"{what}: {status} {detail}".strip())
    return data


def folder_name(folder: str) -> str:
    """A folder's name as IMAP writes it, in modified UTF-7 (RFC 3501 5.1.3): printable ASCII
    as itself ("&" as "&-"), any other run of characters as base64 of UTF-16BE, with "," for
    "/", between "&" and "-". "Khiếu nại" is "Khi&Hr8-u n&HqE-i"."""
    parts: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            encoded = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii")
            parts.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in folder:
        if " " <= char <= "~":
            close_run()
            parts.append("&-" if char == "&" else char)
        else:
            run.append(char)
    close_run()
    return "".join(parts)


def _quote(folder: str) -> str:
    name = folder_name(folder)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mailbox_poll(mailbox: Mailbox, *, limit: int = BATCH) -> PollResult:
    """Take the mailbox's new messages in. Returns what happened; never raises for a mailbox
    that cannot be read (that is counted, and alerted on)."""
    result = PollResult(mailbox=mailbox, ok=False)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now())
    try:
        client = _connect(mailbox)
        try:
            try:
                password = unseal(mailbox.password)
            except Unsealable:
                raise MailboxError(
                    "the stored password was sealed with another key; enter it again"
                ) from None
            _check(*client.login(mailbox.username, password), what="LOGIN")
            _check(*client.select(_quote(mailbox.folder)), what=f"SELECT {mailbox.folder}")
            validity = int(bytes((client.untagged_responses.get("UIDVALIDITY") or [b"0"])[0]))  # type: ignore[arg-type]
            last_uid = mailbox.last_uid if mailbox.uid_validity == validity else 0
            data = _check(*client.uid("SEARCH", f"UID {last_uid + 1}:*"), what="SEARCH")
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)[:limit]
            for uid in uids:
                raw = _fetch(client, uid)
                taken = mail_ingest(raw=raw, source=InboundEmail.Source.IMAP, mailbox=mailbox)
                result.fetched += 1
                result.new += int(taken.created)
                client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
                Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid, uid_validity=validity)
                mailbox.last_uid, mailbox.uid_validity = uid, validity
            if not uids and mailbox.uid_validity != validity:
                Mailbox.objects.filter(pk=mailbox.pk).update(
                    last_uid=last_uid, uid_validity=validity
                )
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
    except (OSError, imaplib.IMAP4.error, MailboxError, ssl.SSLError, ValueError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("mailbox %s could not be read: %s", mailbox.name, result.error)
        mailbox_failed(mailbox, result.error)
        return result
    result.ok = True
    mailbox_succeeded(mailbox)
    return result


@dataclass
class LoginCheck:
    """How a connection test went. ``stage`` is where it stopped: ``connect`` (the server
    cannot be reached or the secure connection fails), ``password`` (the stored password
    cannot be unsealed), ``login`` (user name or password refused), ``folder`` (the folder
    cannot be opened), or ``done``."""

    ok: bool
    stage: str
    messages: int = 0  # in the folder, when it opened
    detail: str = ""  # what the server or the system said, never the password


def _detail(exc: BaseException) -> str:
    if isinstance(exc, imaplib.IMAP4.error) and exc.args and isinstance(exc.args[0], bytes):
        return exc.args[0].decode("utf-8", "replace")
    text = str(exc)
    return text if isinstance(exc, MailboxError) else f"{type(exc).__name__}: {text}"


def mailbox_login_check(mailbox: Mailbox, *, timeout: float = 15) -> LoginCheck:
    """Connect with the mailbox's stored settings, sign in and open its folder read-only, as a
    poll would, and say how it went. Reads no message and changes nothing: not the mailbox's
    failure count, its alert or its place in the folder. Never raises for a server that
    cannot be used."""
    try:
        password = unseal(mailbox.password)
    except Unsealable:
        return LoginCheck(ok=False, stage="password")
    stage = "connect"
    try:
        client = _connect(mailbox, timeout=timeout)
        try:
            stage = "login"
            _check(*client.login(mailbox.username, password), what="LOGIN")
            stage = "folder"
            data = _check(*client.select(_quote(mailbox.folder), readonly=True), what="EXAMINE")
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
    except (OSError, imaplib.IMAP4.error, MailboxError, ssl.SSLError, ValueError) as exc:
        detail = _detail(exc)[:1000]
        if password:
            detail = detail.replace(password, "***")
        return LoginCheck(ok=False, stage=stage, detail=detail)
    try:
        count = int(data[0] or 0)
    except (TypeError, ValueError):
        count = 0
    return LoginCheck(ok=True, stage="done", messages=count)


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes:
    data = _check(*client.uid("FETCH", str(uid), "(BODY.PEEK[])"), what=f"FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and re.search(rb"BODY\[\]", item[0]):
            return bytes(item[1])
    raise MailboxError(f"FETCH {uid}: no message body in the answer")


def mailbox_failed(mailbox: Mailbox, error: str) -> None:
    """Count a failure; at the threshold, alert the administrators once."""
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        locked.consecutive_failures += 1
        locked.last_error = error
        alert = (
            locked.consecutive_failures >= settings.REDRESS_MAILBOX_ALERT_AFTER
            and locked.alert_raised_at is None
        )
        if alert:
            locked.alert_raised_at = timezone.now()
        locked.save(update_fields=["consecutive_failures", "last_error", "alert_raised_at"])
        if alert:
            admins = {u.pk: u for u in users_with_role(Role.ADMIN)}
            admins.update({u.pk: u for u in User.objects.filter(is_superuser=True, is_active=True)})
            notify_users(
                users=admins.values(),
                kind=Notification.Kind.MAILBOX_FAILING,
                dedupe_key=f"mailbox:{locked.pk}:{locked.alert_raised_at:%Y%m%dT%H%M%S}",
            )
    mailbox.consecutive_failures, mailbox.last_error, mailbox.alert_raised_at = (
        locked.consecutive_failures,
        locked.last_error,
        locked.alert_raised_at,
    )


def mailbox_succeeded(mailbox: Mailbox) -> None:
    now = timezone.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        consecutive_failures=0, last_error="", alert_raised_at=None, last_success_at=now
    )
    mailbox.consecutive_failures, mailbox.last_error, mailbox.alert_raised_at = 0, "", None
    mailbox.last_success_at = now


def mailboxes_due(now: dt.datetime | None = None) -> list[Mailbox]:
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.REDRESS_MAIL_POLL_SECONDS)
    return list(
        Mailbox.objects.filter(is_active=True)
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=since))
        .order_by(F("last_polled_at").asc(nulls_first=True))
    )


def mailboxes_poll(*, only_due: bool = True) -> list[PollResult]:
    """Poll the active mailboxes (those due, or all)."""
    boxes = mailboxes_due() if only_due else list(Mailbox.objects.filter(is_active=True))
    return [mailbox_poll(box) for box in boxes]
