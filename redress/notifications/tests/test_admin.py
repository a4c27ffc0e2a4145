"""The administrator sees the outbox as a delivery log, without the complainants' personal data
or tracking codes (issue 16, finding 3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_the_outbox_pages_show_no_personal_data_or_tracking_code(client):
    team = make_team()
    person = ComplainantFactory(full_name="Trần Thị Bích", email="bich.tran@example.vn")
    received = receive(team, complainant=person, subject="Hóa đơn tính sai tiền")
    email = OutboundEmail.objects.get(complaint=received.complaint, template_code="receipt")
    assert received.tracking_code in email.body  # what the page must not show
    OutboundEmail.objects.filter(pk=email.pk).update(
        last_error="550 5.1.1 <bich.tran@example.vn>: user unknown"
    )
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "pass-1234-word")
    client.force_login(admin)

    pages = [
        client.get("/admin/notifications/outboundemail/").content.decode(),
        client.get(f"/admin/notifications/outboundemail/{email.pk}/change/").content.decode(),
    ]

    for page in pages:
        assert received.complaint.reference in page
        for secret in (received.tracking_code, "bich.tran@example.vn", "Trần Thị Bích", "Hóa đơn"):
            assert secret not in page, secret
    assert "b•••@example.vn" in pages[1]
    # Searching by address would tell whether that person complained: it finds nothing.
    found = client.get("/admin/notifications/outboundemail/", {"q": "bich.tran@example.vn"})
    assert received.complaint.reference not in found.content.decode()
