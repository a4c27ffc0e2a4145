"""The outbox page: administrators read every email Redress sent or tries to send; in the demo
(``make run``) emails are kept there and marked sent without a mail server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redress.complaints.testing import ComplainantFactory
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail
from redress.notifications.tasks import deliver_now
from redress.privacy.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

DEMO = "redress.notifications.demo.DemoMailBackend"


@pytest.fixture
def receipt(settings):
    settings.EMAIL_BACKEND = DEMO
    team = make_team()
    complainant = ComplainantFactory.create(email="lan.nguyen@example.vn")
    received = receive(team, complainant=complainant)
    email = OutboundEmail.objects.get(complaint=received.complaint)
    return team, received.complaint, email


def test_the_demo_backend_marks_emails_sent_without_a_mail_server(receipt):
    _team, _complaint, email = receipt
    # Nothing listens on the configured SMTP port: only the demo backend makes this "sent".
    assert deliver_now(email.pk) == OutboundEmail.State.SENT
    email.refresh_from_db()
    assert email.sent_at is not None and email.last_error == ""


def test_an_administrator_reads_the_outbox_and_an_email_and_the_reading_is_logged(client, receipt):
    team, complaint, email = receipt
    deliver_now(email.pk)
    admin = staff(Role.ADMIN, team.unit)
    client.force_login(User.objects.get(pk=admin.pk))

    listing = client.get(reverse("backoffice:outbox"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "lan.nguyen@example.vn" in text and complaint.reference in text
    assert reverse("backoffice:outbox_detail", args=[email.pk]) in text
    assert 'class="notice"' in text  # the demo banner

    failed_only = client.get(reverse("backoffice:outbox"), {"state": "failed"})
    assert "lan.nguyen@example.vn" not in failed_only.content.decode()

    detail = client.get(reverse("backoffice:outbox_detail", args=[email.pk]))
    assert detail.status_code == 200
    assert email.subject in detail.content.decode()
    assert complaint.reference in detail.content.decode()
    logged = PersonalDataAccess.objects.get(user=admin)
    assert logged.complaint == complaint and logged.detail == f"outgoing email #{email.pk}"


def test_without_the_demo_backend_there_is_no_demo_banner(client, receipt, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    team, _complaint, _email = receipt
    admin = staff(Role.ADMIN, team.unit)
    client.force_login(User.objects.get(pk=admin.pk))
    assert 'class="notice"' not in client.get(reverse("backoffice:outbox")).content.decode()


def test_the_outbox_page_reads_a_fixed_number_of_queries(
    client, receipt, django_assert_max_num_queries
):
    team, _complaint, _email = receipt
    for _ in range(5):
        receive(team, complainant=ComplainantFactory.create(email="x@example.vn"))
    admin = staff(Role.ADMIN, team.unit)
    client.force_login(User.objects.get(pk=admin.pk))
    client.get(reverse("backoffice:outbox"))  # warm the per-process memo
    with django_assert_max_num_queries(12):
        assert client.get(reverse("backoffice:outbox")).status_code == 200
