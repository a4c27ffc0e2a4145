"""The competence pages of the staff site: the people × courses table, a person's records,
the courses, recording training with its evidence, and who may do what there."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redress.complaints.testing import plain_pdf
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.models import Course, TrainingRecord
from redress.framework.services.training import course_create, training_record_add
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_team()


@pytest.fixture
def course(team):
    return course_create(
        actor=Actor.for_user(team.manager),
        code="iso-10002",
        name="Xử lý khiếu nại theo ISO 10002",
        valid_months=12,
        roles=[Role.HANDLER],
    )


def signed_in(client, user):
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_a_manager_sees_everyone_against_the_required_courses(client, team, course):
    page = signed_in(client, team.manager).get(reverse("backoffice:training"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="nav-framework"' in html
    assert "iso-10002" in html
    assert 'data-standing="missing"' in html
    assert reverse("backoffice:training_person", args=[team.handler.pk]) in html


def test_a_handler_sees_their_own_row_and_their_records_only(client, team, course):
    other = make_team(team.unit).handler
    page = signed_in(client, team.handler).get(reverse("backoffice:training"))
    html = page.content.decode()
    assert reverse("backoffice:training_person", args=[team.handler.pk]) in html
    assert reverse("backoffice:training_person", args=[other.pk]) not in html
    own = client.get(reverse("backoffice:training_person", args=[team.handler.pk]))
    assert own.status_code == 200
    assert client.get(reverse("backoffice:training_person", args=[other.pk])).status_code == 404


def test_a_manager_adds_a_course_and_changes_it(client, team):
    signed_in(client, team.manager)
    created = client.post(
        reverse("backoffice:training_courses"),
        {
            "code": "lang-nghe",
            "name": "Kỹ năng lắng nghe",
            "valid_months": "24",
            "roles": ["handler"],
            "active": "on",
        },
    )
    assert created.status_code == 302
    made = Course.objects.get(code="lang-nghe")
    assert list(made.requirements.values_list("role", flat=True)) == ["handler"]
    changed = client.post(
        reverse("backoffice:training_course", args=[made.pk]),
        {"code": "lang-nghe", "name": "Kỹ năng lắng nghe", "valid_months": "", "roles": []},
    )
    assert changed.status_code == 302
    made.refresh_from_db()
    assert (made.valid_months, made.active, made.requirements.count()) == (None, False, 0)


def test_a_handler_may_not_add_a_course(client, team):
    page = signed_in(client, team.handler).post(
        reverse("backoffice:training_courses"), {"code": "x", "name": "X"}
    )
    assert page.status_code == 403
    assert not Course.objects.exists()


def test_recording_training_with_its_evidence(client, team, course):
    signed_in(client, team.manager)
    page = client.post(
        reverse("backoffice:training_record_new"),
        {
            "user": team.handler.pk,
            "course": course.pk,
            "completed_on": "2026-01-15",
            "evidence": SimpleUploadedFile("chung-chi.pdf", plain_pdf(), "application/pdf"),
        },
    )
    assert page.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.expires_on == dt.date(2027, 1, 15)
    person = client.get(reverse("backoffice:training_person", args=[team.handler.pk]))
    assert reverse("backoffice:training_evidence", args=[record.pk]) in person.content.decode()
    download = client.get(reverse("backoffice:training_evidence", args=[record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == plain_pdf()


def test_a_record_ending_before_it_starts_is_shown_on_its_field(client, team, course):
    page = signed_in(client, team.manager).post(
        reverse("backoffice:training_record_new"),
        {
            "user": team.handler.pk,
            "course": course.pk,
            "completed_on": "2026-01-15",
            "expires_on": "2026-01-14",
        },
    )
    assert page.status_code == 422
    assert "expires_on" in page.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_the_persons_page_lists_their_records(client, team, course):
    training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=course,
        completed_on=dt.date(2026, 1, 15),
        note="Lớp tháng 1",
    )
    page = signed_in(client, team.handler).get(
        reverse("backoffice:training_person", args=[team.handler.pk])
    )
    assert "Lớp tháng 1" in page.content.decode()
    assert "15/01/2027" in page.content.decode()


def test_the_admin_changes_a_course_through_the_service(client):
    from redress.audit.models import AuditEntry
    from redress.core.testing import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    signed_in(client, root)
    page = client.post(
        reverse("admin:framework_course_add"),
        {
            "code": "iso",
            "name": "ISO 10002",
            "name_en": "",
            "valid_months": "12",
            "roles": ["handler"],
            "active": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    made = Course.objects.get(code="iso")
    assert list(made.requirements.values_list("role", flat=True)) == ["handler"]
    assert AuditEntry.objects.filter(action="framework.course_create").count() == 1
    assert not AuditEntry.objects.filter(action="admin.add").exists()
