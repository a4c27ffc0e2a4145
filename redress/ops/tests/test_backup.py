"""A backup restores into an empty database: every complaint, every file, a verifying chain."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from redress.audit.verify import audit_verify
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Attachment, Complaint
from redress.complaints.testing import plain_pdf
from redress.handling.testing import make_team, receive

# The message templates that migrations install (for the receipts) are put back after any
# earlier transactional test's flush emptied them.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("portal_content"),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_backup_then_restore_into_an_empty_database_finds_everything(tmp_path, media):
    team = make_team()
    pngs = [b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64 for n in range(3)]
    references = sorted(
        receive(team, attachments=[IncomingFile(f"hoa-don-{n}.png", png)]).complaint.reference
        for n, png in enumerate(pngs)
    )
    files = {a.file.name: a.sha256 for a in Attachment.objects.all()}
    assert len(files) == 3

    call_command("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["media_files"] == 3

    # An empty database and an empty storage, as on a new machine.
    call_command("flush", interactive=False)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Complaint.objects.exists()

    call_command("restore", str(tmp_path / "b"))

    assert sorted(Complaint.objects.values_list("reference", flat=True)) == references
    restored = []
    for attachment in Attachment.objects.all():
        with attachment.file.open("rb") as handle:
            restored.append(handle.read())
        assert files[attachment.file.name] == attachment.sha256
    assert sorted(restored) == sorted(pngs)
    report = audit_verify()
    assert report.ok, report.problem
    assert report.anchors >= 1


def test_restore_refuses_a_database_that_holds_complaints(tmp_path, media):
    receive(make_team())
    call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b"))


def test_restore_refuses_a_backup_whose_file_changed(tmp_path, media):
    receive(make_team(), attachments=[IncomingFile("a.pdf", plain_pdf())])
    call_command("backup", str(tmp_path / "b"))
    dumped = next(p for p in (tmp_path / "b" / "media").rglob("*") if p.is_file())
    dumped.write_bytes(b"changed")
    # Emptied without restarting the id sequences: the refused restore leaves the database as
    # it is, and the next test on this database restores rows with their ids beside them.
    call_command("flush", interactive=False, reset_sequences=False)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "b"))
    assert not Complaint.objects.exists()


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path, media):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b"))
