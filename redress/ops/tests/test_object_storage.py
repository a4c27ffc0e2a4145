"""Attachments on S3-compatible object storage (REDRESS_STORAGE=s3, docs/deployment.md
"Attachments on shared storage"), against a real S3-protocol server on loopback: a portal
complaint's photo lands in the bucket, staff download it through Redress, an erasure deletes
it, and a backup restores it into an empty bucket."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from redress.audit.verify import audit_verify
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Attachment, Complaint
from redress.complaints.testing import plain_pdf
from redress.core.actors import Actor
from redress.core.models import User
from redress.handling.testing import PATHS, advance, make_team, receive
from redress.ops.testing import s3_options
from redress.portal.testing import PNG, complaint_data, portal_settings  # noqa: F401 - fixture
from redress.privacy.erasure import complaints_anonymise

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "config" / "settings.py"


def test_the_settings_put_the_default_storage_in_the_bucket(monkeypatch):
    for name, value in {
        "REDRESS_STORAGE": "s3",
        "REDRESS_S3_BUCKET": "khieu-nai",
        "REDRESS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "REDRESS_S3_REGION": "us-east-1",
        "REDRESS_S3_ACCESS_KEY_ID": "redress-test",
        "REDRESS_S3_SECRET_ACCESS_KEY": "redress-test-secret",
        "REDRESS_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(name, value)
    loaded = runpy.run_path(str(SETTINGS_FILE))
    default = loaded["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == s3_options("http://127.0.0.1:9000", "khieu-nai")


@pytest.mark.django_db
@pytest.mark.usefixtures("portal_settings")
def test_a_portal_photo_is_stored_in_the_bucket_and_staff_download_it(client, s3_bucket):
    team = make_team()
    response = client.post(
        "/vi/complain/",
        complaint_data(
            attachments=SimpleUploadedFile("hoa-don.png", PNG, content_type="image/png")
        ),
    )
    assert response.status_code == 302, response.content[:300]
    attachment = Attachment.objects.get()
    assert s3_bucket.keys() == [attachment.file.name]
    assert s3_bucket.read(attachment.file.name) == PNG

    # Staff read it through Redress (the gate and the access log), streamed from the bucket.
    complaint = attachment.complaint
    complaint.unit = team.unit
    complaint.save(update_fields=["unit"])
    client.force_login(User.objects.get(pk=team.manager.pk))
    download = client.get(f"/staff/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


@pytest.mark.django_db
def test_an_erasure_deletes_the_object(s3_bucket):
    team = make_team()
    complaint = receive(team, attachments=[IncomingFile("ho-so.pdf", plain_pdf())]).complaint
    kept = receive(team, attachments=[IncomingFile("anh.png", PNG)]).complaint
    for step in PATHS["closed"]:
        complaint = advance(Complaint.objects.get(pk=complaint.pk), team, step)
    assert len(s3_bucket.keys()) == 2

    with on_commit_run():
        report = complaints_anonymise(
            [complaint.pk], actor=Actor.system("retention"), reason="Hết hạn"
        )

    assert report.files_deleted == 1
    assert s3_bucket.keys() == [kept.attachments.get().file.name]


def on_commit_run():
    """Run the erasure's on-commit file deletion inside the test's transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("portal_content")
def test_a_backup_restores_the_files_into_an_empty_bucket(tmp_path, s3_bucket):
    team = make_team()
    pngs = [PNG + bytes([n]) * 16 for n in range(2)]
    for n, png in enumerate(pngs):
        receive(team, attachments=[IncomingFile(f"anh-{n}.png", png)])
    names = sorted(Attachment.objects.values_list("file", flat=True))

    call_command("backup", str(tmp_path / "b"))
    call_command("flush", interactive=False)
    s3_bucket.empty()
    call_command("restore", str(tmp_path / "b"))

    assert s3_bucket.keys() == names
    assert sorted(s3_bucket.read(name) for name in names) == sorted(pngs)
    assert audit_verify().ok
