"""Checking and storing files that complainants and staff send.

Files are checked before anything is written (size, real type sniffed from the content, not
the name), then stored under their SHA-256, so the same photo sent twice is kept once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import Attachment, Complaint, Message
from redress.core.errors import ValidationFailed

MAX_FILES = 10


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    sha256: str
    content_type: str


def allowed_types_label() -> str:
    return "JPG, PNG, WEBP, GIF, HEIC, PDF"


def attachment_name(name: str | None) -> str:
    """The file's own name, without any folder a client sent with it."""
    return (name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]


def _sniffed_type(head: bytes) -> str:
    kind = filetype.guess(head[:8192])
    return kind.mime if kind else ""


def attachments_count_problem(count: int) -> str:
    """Why this many files cannot be attached at once ("" when they can)."""
    if count > MAX_FILES:
        return _("At most %(count)s files can be attached.") % {"count": MAX_FILES}
    return ""


def attachment_problem(name: str | None, size: int, head: bytes) -> str:
    """Why one file cannot be attached ("" when it can): it is empty, over the size limit,
    or not of an accepted type, sniffed from its first bytes (``head``), not from its name.
    The services call it for every channel, and the portal's form before them, so the
    complainant reads the same words wherever the file was sent."""
    name = attachment_name(name)
    limit = settings.REDRESS_ATTACHMENT_MAX_BYTES
    if not size:
        return _("%(name)s is empty.") % {"name": name}
    if size > limit:
        return _("%(name)s is too large (%(size)s); the limit is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    if _sniffed_type(head) not in settings.REDRESS_ATTACHMENT_TYPES:
        return _("%(name)s is not an accepted type of file (accepted: %(types)s).") % {
            "name": name,
            "types": allowed_types_label(),
        }
    return ""


def attachments_check(
    files: Sequence[IncomingFile], *, field: str = "attachments"
) -> list[CheckedFile]:
    """Every file's size and sniffed type, or one error naming each bad file and why."""
    errors: list[str] = []
    checked: list[CheckedFile] = []
    if problem := attachments_count_problem(len(files)):
        errors.append(problem)
    for incoming in files:
        content = incoming.content
        if problem := attachment_problem(incoming.name, len(content), content[:8192]):
            errors.append(problem)
            continue
        checked.append(
            CheckedFile(
                attachment_name(incoming.name),
                content,
                hashlib.sha256(content).hexdigest(),
                _sniffed_type(content),
            )
        )
    if errors:
        raise ValidationFailed(errors[0], fields={field: errors})
    return checked


def attachments_store(
    files: Sequence[CheckedFile], *, complaint: Complaint, message: Message | None, uploaded_by: str
) -> list[Attachment]:
    """Store checked files and link them (called inside the service's transaction)."""
    stored = []
    now = timezone.now()
    for checked in files:
        path = f"attachments/{checked.sha256[:2]}/{checked.sha256}"
        if not default_storage.exists(path):
            # A rolled-back transaction leaves the file behind; it is content-addressed, so a
            # later upload of the same file reuses it and nothing else can point at it.
            path = default_storage.save(path, ContentFile(checked.content))
        attachment = Attachment(
            complaint=complaint,
            message=message,
            original_name=checked.name,
            size=len(checked.content),
            sha256=checked.sha256,
            content_type=checked.content_type,
            uploaded_at=now,
            uploaded_by_label=uploaded_by[:150],
        )
        attachment.file.name = path
        attachment.save()
        stored.append(attachment)
    return stored
