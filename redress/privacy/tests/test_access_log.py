"""The personal-data access log (issue 15, item 8): who was shown which complainant's personal
data unmasked, and when — a complaint's page, its files and original emails, the API's
complaint, exports — readable by the data-protection officer and auditors, not by others, and
kept apart from the audit chain."""

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints.models import Status
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import complaint_in_state
from redress.integrations.services import token_create
from redress.privacy.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def sign_in(client, person):
    client.force_login(User.objects.get(pk=person.pk))


def test_opening_a_complaint_unmasked_is_logged_and_masked_is_not(client, team):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    audit_before = AuditEntry.objects.count()
    sign_in(client, team.handler)
    assert (
        client.get(reverse("backoffice:complaint", args=[complaint.reference])).status_code == 200
    )
    row = PersonalDataAccess.objects.get()
    assert (row.user_id, row.via, row.complaint_id) == (team.handler.pk, "page", complaint.pk)
    assert AuditEntry.objects.count() == audit_before  # reading is not in the chain

    sign_in(client, team.top)  # top management sees the complaint masked
    assert (
        client.get(reverse("backoffice:complaint", args=[complaint.reference])).status_code == 200
    )
    assert PersonalDataAccess.objects.count() == 1


def test_the_api_complaint_and_an_export_are_logged(client, team):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    raw = token_create(actor=Actor.system("test"), user=team.handler, name="t", scopes=["read"]).raw
    response = client.get(
        f"/api/v1/complaints/{complaint.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(via="api", complaint=complaint).count() == 1

    sign_in(client, team.manager)
    export = client.get(reverse("backoffice:export", args=["all"]) + "?format=csv")
    assert export.status_code == 200
    row = PersonalDataAccess.objects.get(via="export")
    assert row.user_id == team.manager.pk and row.detail.startswith("all csv")


def test_the_officer_and_auditors_read_the_log_others_do_not(client, team):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    sign_in(client, team.handler)
    client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    other = complaint_in_state(Status.INVESTIGATING, team)
    client.get(reverse("backoffice:complaint", args=[other.reference]))

    dpo = staff(Role.DPO, team.unit, username="baove")
    sign_in(client, dpo)
    page = client.get(reverse("backoffice:access_log"), {"reference": complaint.reference})
    assert page.status_code == 200
    body = page.content.decode()
    assert complaint.reference in body and other.reference not in body
    assert team.handler.username in body

    sign_in(client, team.manager)
    assert client.get(reverse("backoffice:access_log")).status_code == 403


def test_the_log_pages_by_id_with_a_fixed_number_of_queries(
    client, team, settings, django_assert_max_num_queries
):
    from redress.privacy import access_log

    complaint = complaint_in_state(Status.INVESTIGATING, team)
    for _ in range(access_log.PAGE_SIZE + 5):
        access_log.personal_data_accessed(user=team.handler, via="page", complaint=complaint)
    auditor = User.objects.get(pk=team.auditor.pk)
    sign_in(client, auditor)
    with django_assert_max_num_queries(15) as few:
        first = client.get(reverse("backoffice:access_log"))
    assert first.content.decode().count(f">{complaint.reference}<") == access_log.PAGE_SIZE
    older = first.context["older"]
    assert older
    second = client.get(reverse("backoffice:access_log") + "?" + older)
    assert second.content.decode().count(f">{complaint.reference}<") == 5
    assert len(few.captured_queries) <= 15
