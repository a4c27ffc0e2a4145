"""Exports stream; past the inline limit they go to a background job whose file only the
requester downloads, until it expires; bad input is refused with a clear message."""

import csv
import datetime as dt
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from redress.audit.models import AuditEntry
from redress.complaints.export_jobs import export_files_expire, export_job_build
from redress.complaints.models import Complaint, ExportJob, Status
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDRESS_EXPORT_INLINE_MAX = 2


@pytest.fixture
def team():
    team = make_team()
    receive(team, complainant=ComplainantFactory(full_name="Lê Văn Tám", email="tam@example.vn"))
    receive(team)
    complaint_in_state(Status.ACKNOWLEDGED, team)
    return team


def read_csv(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def export_url(queue="all", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("backoffice:export", args=[queue]) + ("?" + query if query else "")


def test_a_short_export_streams_at_once(team, signed_in, settings):
    settings.REDRESS_EXPORT_INLINE_MAX = 10
    response = signed_in(team.auditor).get(export_url(format="csv"))
    assert response.streaming
    rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 4
    assert "L. V. T." in {row[10] for row in rows[1:]}
    entry = AuditEntry.objects.filter(action="complaints.export").latest("seq")
    assert entry.after == {"rows": 3, "format": "csv", "masked": True}


def test_a_long_export_goes_to_a_job_only_its_requester_downloads(team, signed_in, client):
    response = signed_in(team.manager).get(export_url(format="xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:export_job", args=[job.pk])
    assert (job.requested_by, job.format, job.state) == (team.manager, "xlsx", "queued")
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()

    page = client.get(reverse("backoffice:export_job", args=[job.pk]))
    assert page.status_code == 200 and 'hx-trigger="every 2s"' in page.content.decode()

    export_job_build(job.pk)
    job.refresh_from_db()
    assert (job.state, job.total, job.written, job.percent) == ("done", 3, 3, 100)
    assert job.expires_at > timezone.now()
    entry = AuditEntry.objects.filter(action="complaints.export").latest("seq")
    assert entry.actor_user_id == team.manager.pk and entry.after["rows"] == 3

    page = client.get(reverse("backoffice:export_job", args=[job.pk])).content.decode()
    assert reverse("backoffice:export_download", args=[job.pk]) in page
    polled = client.get(reverse("backoffice:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    polled_html = polled.content.decode()
    assert "<html" not in polled_html and "every 2s" not in polled_html  # done: no more polling
    assert reverse("backoffice:export_download", args=[job.pk]) in polled_html
    download = client.get(reverse("backoffice:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 4 and "Lê Văn Tám" in {row[10] for row in values}

    for other in (team.handler, team.top):
        signed_in(other)
        assert client.get(reverse("backoffice:export_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("backoffice:export_job", args=[job.pk])).status_code == 404


def test_the_job_writes_the_requesters_masked_rows_in_their_language(team, signed_in):
    signed_in(team.auditor).get(export_url(format="csv"), HTTP_ACCEPT_LANGUAGE="vi")
    job = ExportJob.objects.get()
    job.language = "vi"
    job.save(update_fields=["language"])
    export_job_build(job.pk)
    job.refresh_from_db()
    rows = read_csv(job.file.read())
    assert rows[0][:2] == ["Số tham chiếu", "Đã tiếp nhận"]
    assert "L. V. T." in {row[10] for row in rows[1:]}
    assert "Lê Văn Tám" not in {row[10] for row in rows[1:]}


def test_the_job_keeps_the_queues_filters(team, signed_in, settings):
    settings.REDRESS_EXPORT_INLINE_MAX = 1
    signed_in(team.manager).get(export_url(format="csv", status="received"))
    job = ExportJob.objects.get()
    export_job_build(job.pk)
    job.refresh_from_db()
    assert job.total == 2 and len(read_csv(job.file.read())) == 3


def test_an_expired_export_is_deleted_and_says_so(team, signed_in):
    client = signed_in(team.manager)
    client.get(export_url(format="csv"))
    job = export_job_build(ExportJob.objects.get().pk)
    path = job.file.path
    assert export_files_expire(now=timezone.now()) == 0
    assert export_files_expire(now=job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.state == "expired" and not job.file
    assert not os.path.exists(path)
    response = client.get(reverse("backoffice:export_download", args=[job.pk]))
    assert response.status_code == 410


def test_a_selection_is_exported_at_once_whatever_the_limit(team, signed_in):
    references = list(Complaint.objects.values_list("reference", flat=True))
    response = signed_in(team.manager).post(
        reverse("backoffice:bulk", args=["all"]), {"operation": "export_csv", "ref": references}
    )
    assert response.streaming and not ExportJob.objects.exists()
    assert len(read_csv(b"".join(response.streaming_content))) == 4


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "pdf"}, "pdf"),
        ({"format": "csv", "status": "nonsense"}, "nonsense"),
        ({"format": "csv", "received_from": "yesterday"}, ""),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(team, signed_in, params, message):
    response = signed_in(team.manager).get(export_url(**params))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action="complaints.export").exists()
