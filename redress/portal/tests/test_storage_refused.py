"""A complaint with files when the file storage refuses them — a full or read-only disk, an
object store that refuses — gets a clear error next to the files field, in the complainant's
language, and nothing is half-written: no complaint without its files, no file left behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from redress.complaints.attachments import storage_refused_message
from redress.complaints.models import Complaint
from redress.handling.testing import make_team
from redress.intake.models import IntakeKey
from redress.ops.testing import FullDiskStorage
from redress.portal.testing import PNG, complaint_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


def refused(language):
    with translation.override(language):
        return storage_refused_message()


@pytest.fixture(autouse=True)
def team():
    return make_team()


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "redress.ops.testing.FullDiskStorage"},
    }
    yield FullDiskStorage
    FullDiskStorage.saves_left, FullDiskStorage.error = 0, errno.ENOSPC


def _photos(count):
    return [
        SimpleUploadedFile(f"anh-{n}.png", PNG + bytes([n]) * 32, content_type="image/png")
        for n in range(count)
    ]


def _files_under(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def _field_errors(response, field="attachments"):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize(
    ("error", "saves_left"),
    [(errno.ENOSPC, 0), (errno.ENOSPC, 1), (errno.EROFS, 0)],
    ids=["disk-full", "disk-full-at-the-second-file", "read-only"],
)
def test_a_full_or_read_only_disk_refuses_clearly_and_keeps_nothing(
    client, settings, full_disk, error, saves_left
):
    full_disk.error, full_disk.saves_left = error, saves_left
    data = complaint_data(attachments=_photos(2))

    response = client.post("/vi/complain/", data)

    assert response.status_code == 200
    assert _field_errors(response) == [refused("vi")]
    assert escape(refused("vi")) in response.content.decode()
    assert not Complaint.objects.exists() and not IntakeKey.objects.exists()
    # Neither the half-written file nor the one stored before it is left behind.
    assert _files_under(settings.MEDIA_ROOT) == []


def test_the_same_form_goes_through_once_the_disk_has_room_again(client, full_disk):
    data = complaint_data()
    first = client.post("/en/complain/", {**data, "attachments": _photos(1)})
    assert _field_errors(first) == [
        "The files could not be stored just now: our file storage is full or unavailable. "
        "Nothing was sent. Try again in a few minutes, or send without the files."
    ]

    full_disk.saves_left = 1
    response = client.post("/en/complain/", {**data, "attachments": _photos(1)})

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.attachments.get().file.read() == PNG + bytes([0]) * 32


def test_an_object_store_that_refuses_gets_the_same_clear_error(client, s3_bucket):
    s3_bucket.client.delete_bucket(Bucket=s3_bucket.name)  # writes now answer NoSuchBucket

    response = client.post("/vi/complain/", complaint_data(attachments=_photos(1)))

    assert response.status_code == 200
    assert _field_errors(response) == [refused("vi")]
    assert not Complaint.objects.exists()
