"""Adding and changing the mailboxes Redress reads (``intake.imap`` reads them). Used by the
back office and the Django admin alike; every change is audited, never with the password."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.models import OrgUnit
from redress.core.sealing import seal
from redress.intake.models import Mailbox

# Sealed, a password grows to about 1.4 times its bytes plus 100: 256 bytes stay within the
# column (500 characters).
PASSWORD_MAX_BYTES = 256

# What a change of these means: another account or folder, whose UIDs are not the ones read.
WHERE_READ = ("host", "username", "folder")


def mailbox_check(
    *,
    mailbox: Mailbox | None,
    name: str,
    host: str,
    port: int | None,
    security: str,
    username: str,
    password: str,
    folder: str,
    unit: OrgUnit | None,
) -> dict[str, list[str]]:
    """What is wrong with these settings, by field (empty when nothing is). ``mailbox`` is the
    one being changed (``None`` for a new one); an empty ``password`` then keeps its own."""
    errors: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    required = _("This field is required.")
    name, host, username, folder = name.strip(), host.strip(), username.strip(), folder.strip()
    if not name:
        problem("name", required)
    elif len(name) > 100:
        problem("name", _("At most 100 characters."))
    elif _others(mailbox).filter(name__iexact=name).exists():
        problem("name", _("Another mailbox already has this name."))
    if not host:
        problem("host", required)
    elif not _host_ok(host):
        problem(
            "host",
            _(
                "Enter the server's name or address only, e.g. imap.example.vn "
                "(no imap://, port or spaces)."
            ),
        )
    if port is None:
        problem("port", required)
    elif not 1 <= port <= 65535:
        problem("port", _("Enter a port between 1 and 65535."))
    if security not in Mailbox.Security.values:
        problem("security", _("Not a valid choice."))
    if not username:
        problem("username", required)
    elif len(username) > 200:
        problem("username", _("At most 200 characters."))
    if len(password.encode()) > PASSWORD_MAX_BYTES:
        problem("password", _("The password is too long."))
    kept = mailbox.password if mailbox is not None else ""
    if not (password or kept) and security != Mailbox.Security.NONE:
        problem("password", _("Enter the password of the mailbox."))
    if not folder:
        problem("folder", required)
    elif len(folder) > 200:
        problem("folder", _("At most 200 characters."))
    if unit is not None and not unit.is_active and (mailbox is None or unit.pk != mailbox.unit_id):
        problem("unit", _("This unit is no longer active."))
    return errors


def _others(mailbox: Mailbox | None) -> QuerySet[Mailbox]:
    others = Mailbox.objects.all()
    return others.exclude(pk=mailbox.pk) if mailbox is not None else others


def _host_ok(host: str) -> bool:
    """A host name or an IP address; a colon only inside an IPv6 address (not ``host:port``)."""
    if len(host) > 200 or any(c.isspace() or c in "/@" for c in host):
        return False
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
    return True


# What an administrator sets on a mailbox: the arguments of ``mailbox_create`` and
# ``mailbox_update``, and the fields of the forms that call them.
SETTINGS_FIELDS = (
    "name",
    "host",
    "port",
    "security",
    "username",
    "password",
    "folder",
    "unit",
    "is_active",
)


def mailbox_settings(mailbox: Mailbox) -> dict[str, Any]:
    """A mailbox's settings but the password: what the audit trail records and what an edit
    form starts from."""
    return {
        "name": mailbox.name,
        "host": mailbox.host,
        "port": mailbox.port,
        "security": mailbox.security,
        "username": mailbox.username,
        "folder": mailbox.folder,
        "unit": mailbox.unit_id,
        "is_active": mailbox.is_active,
    }


def _name_taken() -> ValidationFailed:
    message = _("Another mailbox already has this name.")
    return ValidationFailed(message, fields={"name": [message]})


@transaction.atomic
def mailbox_create(
    *,
    actor: Actor,
    name: str,
    host: str,
    port: int | None,
    security: str,
    username: str,
    password: str,
    folder: str = "INBOX",
    unit: OrgUnit | None = None,
    is_active: bool = True,
) -> Mailbox:
    """A new mailbox, read from its next poll on when active. The password is stored sealed
    (``redress.core.sealing``); it is required unless the connection has no security (a
    server on this machine). Raises ``ValidationFailed`` naming each bad field."""
    errors = mailbox_check(
        mailbox=None,
        name=name,
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        folder=folder,
        unit=unit,
    )
    if errors:
        raise ValidationFailed(_("The mailbox cannot be saved."), fields=errors)
    assert port is not None  # checked above
    try:
        with transaction.atomic():
            mailbox = Mailbox.objects.create(
                name=name.strip(),
                host=host.strip(),
                port=port,
                security=security,
                username=username.strip(),
                password=seal(password),
                folder=folder.strip(),
                unit=unit,
                is_active=is_active,
            )
    except IntegrityError:
        raise _name_taken() from None  # added by someone else a moment ago
    audit_record(
        actor=actor,
        action="intake.mailbox_create",
        target=mailbox,
        target_label=mailbox.name,
        after={**mailbox_settings(mailbox), "password_set": bool(password)},
    )
    return mailbox


@transaction.atomic
def mailbox_update(
    *,
    mailbox: Mailbox,
    actor: Actor,
    name: str,
    host: str,
    port: int | None,
    security: str,
    username: str,
    password: str,
    folder: str,
    unit: OrgUnit | None,
    is_active: bool,
) -> Mailbox:
    """Change a mailbox's settings; an empty ``password`` keeps the current one.

    Another server, user name or folder starts reading it from its first message (messages
    already taken are recognised by their Message-ID). The failure count and alert stay until
    the next poll. Nothing changed, nothing recorded. Raises ``ValidationFailed`` naming each
    bad field."""
    locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    errors = mailbox_check(
        mailbox=locked,
        name=name,
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        folder=folder,
        unit=unit,
    )
    if errors:
        raise ValidationFailed(_("The mailbox cannot be saved."), fields=errors)
    assert port is not None  # checked above
    before = mailbox_settings(locked)
    locked.name, locked.host, locked.port = name.strip(), host.strip(), port
    locked.security, locked.username, locked.folder = security, username.strip(), folder.strip()
    locked.unit, locked.is_active = unit, is_active
    after = mailbox_settings(locked)
    changed = [field for field in after if after[field] != before[field]]
    if password:
        locked.password = seal(password)
        changed.append("password")
    if not changed:
        return locked
    if any(field in changed for field in WHERE_READ):
        locked.uid_validity, locked.last_uid = None, 0
        changed += ["uid_validity", "last_uid"]
    try:
        with transaction.atomic():
            locked.save(update_fields=changed)
    except IntegrityError:
        raise _name_taken() from None
    shown = [field for field in mailbox_settings(locked) if field in changed]
    audit_record(
        actor=actor,
        action="intake.mailbox_update",
        target=locked,
        target_label=locked.name,
        before={field: before[field] for field in shown},
        after={
            **{field: after[field] for field in shown},
            **({"password_changed": True} if password else {}),
        },
    )
    return locked
