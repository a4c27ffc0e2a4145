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


def attachments_check(
    files: Sequence[IncomingFile], *, field: str = "attachments"
) -> list[CheckedFile]:
    """Every file's size and sniffed type, or one error naming each bad file and why."""
    limit = settings.REDRESS_ATTACHMENT_MAX_BYTES
    allowed = set(settings.REDRESS_ATTACHMENT_TYPES)
    errors: list[str] = []
    checked: list[CheckedFile] = []
    if len(files) > MAX_FILES:
        errors.append(_("At most %(count)s files can be attached.") % {"count": MAX_FILES})
    for incoming in files:
        name = (incoming.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        if not incoming.content:
            errors.append(_("%(name)s is empty.") % {"name": name})
            continue
        if len(incoming.content) > limit:
            errors.append(
                _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(len(incoming.content)),
                    "limit": filesizeformat(limit),
                }
            )
            continue
        kind = filetype.guess(incoming.content[:8192])
        mime = kind.mime if kind else ""
        if mime not in allowed:
            errors.append(
                _("%(name)s is not an accepted type of file (accepted: %(types)s).")
                % {"name": name, "types": allowed_types_label()}
            )
            continue
        checked.append(
            CheckedFile(name, incoming.content, hashlib.sha256(incoming.content).hexdigest(), mime)
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
