"""The personal-data breach register (issue 15, REQ-PD-3): an incident reported with what data
and whom it touches; the 72-hour clock to notify the authority, with reminders and the reason
required when late; the decision whether to inform the people affected; closing only when all
of that is done; every step audited, every refusal naming its field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import UnitFactory, actor, staff
from redress.notifications.models import Notification
from redress.privacy import breaches
from redress.privacy.jobs import breach_clock_sweep
from redress.privacy.models import BreachIncident, BreachNotice, DataCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = UnitFactory()
    return {
        "dpo": staff(Role.DPO, unit, username="baove"),
        "admin": staff(Role.ADMIN, unit, username="quantri"),
        "top": staff(Role.TOP_MANAGEMENT, unit, username="lanhdao"),
        "auditor": staff(Role.AUDITOR, unit, username="kiemtoan"),
        "handler": staff(Role.HANDLER, unit, username="xuly"),
    }


def sign_in(client, person):
    # Reloaded: the factory sets the password without saving it, and a session keeps the hash.
    client.force_login(User.objects.get(pk=person.pk))


def report(person, *, found=None, **extra):
    return breaches.breach_report(
        actor=actor(person),
        title="Gửi nhầm email xác nhận",
        description="Email xác nhận khiếu nại gửi nhầm cho 12 người khác",
        discovered_at=found or timezone.now() - dt.timedelta(hours=1),
        data_categories=[DataCategory.CONTACT, DataCategory.COMPLAINT],
        people_affected=12,
        **extra,
    )


def test_a_breach_gets_a_reference_and_a_72_hour_clock_from_when_it_was_found(people):
    found = timezone.now() - dt.timedelta(hours=5)
    first = report(people["admin"], found=found)
    second = report(people["dpo"])
    year = timezone.localtime(found).year
    assert (first.reference, second.reference) == (f"BR-{year}-001", f"BR-{year}-002")
    assert first.notify_due_at == found + dt.timedelta(hours=72)
    entry = AuditEntry.objects.get(action="privacy.breach_report", target_id=str(first.pk))
    assert entry.after["data_categories"] == ["contact", "complaint"]
    assert audit_verify().ok


def test_bad_reports_are_refused_naming_the_field_and_nothing_is_kept(people):
    cases = [
        ({"title": ""}, "title"),
        ({"discovered_at": timezone.now() + dt.timedelta(hours=2)}, "discovered_at"),
        ({"data_categories": []}, "data_categories"),
        ({"data_categories": ["passwords"]}, "data_categories"),
        ({"occurred_at": timezone.now()}, "occurred_at"),  # after it was found
    ]
    for change, field in cases:
        data = {
            "actor": actor(people["dpo"]),
            "title": "Lộ dữ liệu",
            "description": "Mô tả",
            "discovered_at": timezone.now() - dt.timedelta(hours=1),
            "data_categories": [DataCategory.CONTACT],
        } | change
        with pytest.raises(ValidationFailed) as refused:
            breaches.breach_report(**data)
        assert field in refused.value.fields
    assert not BreachIncident.objects.exists()


def test_who_may_report_and_who_may_handle(people):
    with pytest.raises(NotPermitted):
        report(people["handler"])
    with pytest.raises(NotPermitted):
        report(people["auditor"])
    incident = report(people["top"])
    with pytest.raises(NotPermitted):
        breaches.breach_notify_authority(
            actor=actor(people["admin"]), incident=incident, notified_at=timezone.now()
        )


def test_a_late_notification_needs_the_reason_and_an_early_one_does_not(people):
    late = report(people["dpo"], found=timezone.now() - dt.timedelta(hours=80))
    with pytest.raises(ValidationFailed) as refused:
        breaches.breach_notify_authority(
            actor=actor(people["dpo"]), incident=late, notified_at=timezone.now()
        )
    assert "late_reason" in refused.value.fields
    late.refresh_from_db()
    assert late.authority_notified_at is None
    breaches.breach_notify_authority(
        actor=actor(people["dpo"]),
        incident=late,
        notified_at=timezone.now(),
        authority_reference="A05-2026-17",
        late_reason="Phát hiện phạm vi thật sự muộn",
    )
    late.refresh_from_db()
    assert late.late_reason and late.authority_reference == "A05-2026-17"
    with pytest.raises(Conflict):  # once only
        breaches.breach_notify_authority(
            actor=actor(people["dpo"]), incident=late, notified_at=timezone.now()
        )

    on_time = report(people["dpo"], found=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(ValidationFailed) as refused:  # before it was found
        breaches.breach_notify_authority(
            actor=actor(people["dpo"]),
            incident=on_time,
            notified_at=timezone.now() - dt.timedelta(hours=4),
        )
    assert "notified_at" in refused.value.fields
    breaches.breach_notify_authority(
        actor=actor(people["dpo"]), incident=on_time, notified_at=timezone.now()
    )
    on_time.refresh_from_db()
    assert on_time.late_reason == ""


def test_closing_needs_the_notification_and_the_decision_carried_out(people):
    dpo = actor(people["dpo"])
    incident = report(people["dpo"])
    with pytest.raises(Conflict) as refused:
        breaches.breach_close(actor=dpo, incident=incident, note="Xong")
    assert "authority" in str(refused.value.message) or "cơ quan" in str(refused.value.message)
    breaches.breach_notify_authority(actor=dpo, incident=incident, notified_at=timezone.now())
    with pytest.raises(ValidationFailed):  # informed before deciding to inform
        breaches.breach_subjects_informed(actor=dpo, incident=incident, informed_at=timezone.now())
    with pytest.raises(ValidationFailed) as refused:
        breaches.breach_decide_subjects(actor=dpo, incident=incident, decision="inform", reason="")
    assert "reason" in refused.value.fields
    breaches.breach_decide_subjects(
        actor=dpo, incident=incident, decision="inform", reason="Lộ số điện thoại"
    )
    with pytest.raises(Conflict):  # decided to inform, not informed yet
        breaches.breach_close(actor=dpo, incident=incident, note="Xong")
    breaches.breach_subjects_informed(actor=dpo, incident=incident, informed_at=timezone.now())
    breaches.breach_close(actor=dpo, incident=incident, note="Đã đổi quy trình gửi email")
    incident.refresh_from_db()
    assert incident.closed_at is not None
    with pytest.raises(Conflict):
        breaches.breach_decide_subjects(
            actor=dpo, incident=incident, decision="not_inform", reason="x"
        )
    actions = list(
        AuditEntry.objects.filter(target_id=str(incident.pk), action__startswith="privacy.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "privacy.breach_report",
        "privacy.breach_notify_authority",
        "privacy.breach_decide_subjects",
        "privacy.breach_subjects_informed",
        "privacy.breach_close",
    ]


def test_the_clock_reminds_the_officer_before_and_top_management_after_once_each(people):
    now = timezone.now()
    soon = report(people["dpo"], found=now - dt.timedelta(hours=60))  # 12 h left
    over = report(people["dpo"], found=now - dt.timedelta(hours=73))
    calm = report(people["dpo"], found=now - dt.timedelta(hours=10))
    done = report(people["dpo"], found=now - dt.timedelta(hours=75))
    breaches.breach_notify_authority(
        actor=actor(people["dpo"]), incident=done, notified_at=now, late_reason="Muộn"
    )
    assert breach_clock_sweep(now=now) == 2
    assert breach_clock_sweep(now=now) == 0  # once each
    kinds = set(BreachNotice.objects.values_list("incident_id", "kind"))
    assert kinds == {(soon.pk, "due_soon"), (over.pk, "overdue")}
    dpo_notices = Notification.objects.filter(recipient=people["dpo"])
    assert {n.kind for n in dpo_notices} == {"breach_due_soon", "breach_overdue"}
    top = Notification.objects.get(recipient=people["top"])
    assert (top.kind, top.target_kind, top.target_id) == ("breach_overdue", "breach", over.pk)
    assert calm.pk not in {n.target_id for n in Notification.objects.all()}
    # The one due soon becomes overdue later: its second notice goes out then.
    assert breach_clock_sweep(now=now + dt.timedelta(hours=13)) == 1


def test_the_register_in_the_back_office(client, people):
    sign_in(client, people["admin"])
    page = client.post(
        reverse("backoffice:breach_new"),
        {
            "title": "Mất máy tính xách tay",
            "description": "Máy có bản xuất danh sách khiếu nại",
            "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "data_categories": ["identity", "contact"],
        },
    )
    incident = BreachIncident.objects.get()
    assert page.status_code == 302 and page.url == reverse("backoffice:breach", args=[incident.pk])
    listing = client.get(reverse("backoffice:breaches")).content.decode()
    assert incident.reference in listing and "Mất máy tính xách tay" in listing

    # The officer records the notification; without the time the form says which field.
    sign_in(client, people["dpo"])
    refused = client.post(reverse("backoffice:breach_notify", args=[incident.pk]), {})
    assert refused.status_code == 422
    assert "notified_at" in refused.content.decode()
    client.post(
        reverse("backoffice:breach_notify", args=[incident.pk]),
        {"notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    incident.refresh_from_db()
    assert incident.authority_notified_at is not None
    # Closing before the decision about the people affected: refused with the reason, 409.
    early = client.post(reverse("backoffice:breach_close", args=[incident.pk]), {"note": "Xong"})
    assert early.status_code == 409
    assert BreachIncident.objects.get().closed_at is None


def test_the_register_page_makes_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    for _ in range(3):
        report(people["dpo"])
    sign_in(client, people["dpo"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("backoffice:breaches"))
    for _ in range(7):
        report(people["dpo"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("backoffice:breaches"))
