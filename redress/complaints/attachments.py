"""Checking and storing files that complainants and staff send.

Files are checked before anything is written (size, real type sniffed from the content, not
the name), then stored under their SHA-256, so the same photo sent twice is kept once.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import Attachment, Complaint, Message
from redress.core.errors import StorageRefused, ValidationFailed
from redress.core.storage import storage_write_errors

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


# PDF actions that run something when the file is opened or clicked.
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData"})
_PDF_OBJECTS_LIMIT = 50_000


class PdfCheck(StrEnum):
    PLAIN = "plain"
    ACTIVE = "active"
    UNREADABLE = "unreadable"


def pdf_check(content: bytes) -> PdfCheck:
    """Whether a PDF carries something that runs: JavaScript (document-level, when it opens,
    on a page or an annotation), a launch of another program, a form submission or data import,
    or an embedded file. Every object is read through pypdf by number, so what hides in
    compressed object streams is found too."""
    # Imported here, as scikit-learn is (complaints.likeness): half a second at every start.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        size = reader.trailer.get("/Size", 0)
        if not isinstance(size, int) or size > _PDF_OBJECTS_LIMIT:
            return PdfCheck.UNREADABLE
        for number in range(1, size):
            try:
                found = reader.get_object(number)
            except Exception:  # noqa: BLE001, S112 - a damaged object is skipped, not trusted
                continue
            if _is_active_dictionary(found):
                return PdfCheck.ACTIVE
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        return PdfCheck.UNREADABLE
    return PdfCheck.PLAIN


def _is_active_dictionary(found: object) -> bool:
    from pypdf.generic import DictionaryObject

    if not isinstance(found, DictionaryObject):
        return False
    if found.get("/S") in _ACTIVE_ACTIONS or "/JS" in found:
        return True
    return found.get("/Type") == "/EmbeddedFile" or "/EmbeddedFile" in found


def attachments_count_problem(count: int) -> str:
    """Why this many files cannot be attached at once ("" when they can)."""
    if count > MAX_FILES:
        return _("At most %(count)s files can be attached.") % {"count": MAX_FILES}
    return ""


# The extensions a download may keep for each accepted type; any other gets the type's own
# (a GIF named "page.html" downloads as "page.html.gif", so no browser or desktop opens it as
# a web page).
EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/gif": (".gif",),
    "image/heic": (".heic",),
    "image/heif": (".heif", ".heic"),
    "application/pdf": (".pdf",),
}


def download_name(name: str, content_type: str) -> str:
    """The name a file is downloaded under: its own, with an extension that matches its real
    (sniffed) type."""
    allowed = EXTENSIONS.get(content_type)
    if allowed is None or name.lower().endswith(allowed):
        return name
    return name + allowed[0]


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


def _pdf_problem(name: str | None, content: bytes) -> str:
    if _sniffed_type(content) != "application/pdf":
        return ""
    found = pdf_check(content)
    if found == PdfCheck.ACTIVE:
        return _(
            "%(name)s is a PDF that contains scripts, actions or embedded files; send it "
            "printed to a plain PDF, or as a picture."
        ) % {"name": attachment_name(name)}
    if found == PdfCheck.UNREADABLE:
        return _("%(name)s cannot be read as a PDF; it may be damaged.") % {
            "name": attachment_name(name)
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
        if problem := _pdf_problem(incoming.name, content):
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
    """Store checked files and link them (called inside the service's transaction).

    Raises ``StorageRefused`` (on the ``attachments`` field) when the storage refuses a file —
    a full or read-only disk, object storage down or refusing. The files this call had stored
    are then removed again, and the exception rolls the caller's transaction back: no
    complaint or message is kept without its files, and no file without its row."""
    paths = _files_save(files)
    stored = []
    now = timezone.now()
    for checked, path in zip(files, paths, strict=True):
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


def _files_save(files: Sequence[CheckedFile]) -> list[str]:
    """Each file's name in the storage, saved unless the same content is already there."""
    paths: list[str] = []
    written: list[str] = []
    try:
        for checked in files:
            path = f"attachments/{checked.sha256[:2]}/{checked.sha256}"
            if not default_storage.exists(path):
                # A rolled-back transaction leaves the file behind; it is content-addressed, so
                # a later upload of the same file reuses it and nothing else can point at it.
                # Until the save returns, the name counts as written: a disk that fills up
                # mid-way leaves a truncated file under the content's name, which a later
                # upload of the same file would otherwise take for whole.
                written.append(path)
                path = default_storage.save(path, ContentFile(checked.content))
                written[-1] = path
            paths.append(path)
    except storage_write_errors() as error:
        _files_remove(written)
        message = storage_refused_message()
        raise StorageRefused(message, fields={"attachments": [message]}) from error
    return paths


def storage_refused_message() -> str:
    return _(
        "The files could not be stored just now: our file storage is full or unavailable. "
        "Nothing was sent. Try again in a few minutes, or send without the files."
    )


def _files_remove(names: Sequence[str]) -> None:
    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except storage_write_errors():  # noqa: PERF203 - best effort, the storage is failing
            continue
