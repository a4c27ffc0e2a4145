"""The external auditor: granted, time-limited, read-only access to packs and their sampled
complaints only; every view logged; grant and revoke audited."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.certification import build
from redress.certification.models import AuditorPack
from redress.certification.services import grant_create, grant_revoke, pack_generate, pack_start
from redress.certification.tests.conftest import period, today
from redress.complaints.models import Remedy
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(team, complaints, monkeypatch):
    """A ready pack of three sampled complaints. Its PDF is a placeholder: what the PDF says is
    test_pack's subject, and rendering it costs seconds a test; these tests are about access."""
    monkeypatch.setattr(build, "pack_pdf", lambda context: b"%PDF-1.7\n%%EOF\n")
    first, last = period()
    started = pack_start(
        actor=Actor.for_user(team.manager),
        period_start=first,
        period_end=last,
        language="vi",
        sample_size=3,
    )
    return pack_generate(started.pk)


def sampled(pack):
    return [item.complaint.reference for item in pack.sample_items.order_by("position")]


def grant(administrator, outsider, pack, *, starts=0, ends=10):
    return grant_create(
        actor=Actor.for_user(administrator),
        auditor=outsider,
        packs=[pack],
        starts_on=today() + dt.timedelta(days=starts),
        ends_on=today() + dt.timedelta(days=ends),
        reason="Đánh giá chứng nhận ISO 10002 năm 2026",
    )


def signed_in(person):
    client = Client()
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    client.force_login(User.objects.get(pk=person.pk))
    return client


def test_the_gate_shows_an_external_auditor_only_the_sample_of_a_live_grant(
    pack, administrator, outsider, complaints
):
    assert not complaints_visible_to(outsider).exists()

    grant(administrator, outsider, pack)

    seen = sorted(complaints_visible_to(outsider).values_list("reference", flat=True))
    assert seen == sorted(sampled(pack)) and len(seen) == 3 < len(complaints)


def test_a_grant_not_yet_begun_or_ended_shows_nothing(pack, administrator, outsider):
    grant(administrator, outsider, pack, starts=1, ends=5)
    assert not complaints_visible_to(outsider).exists()

    later = timezone.now() + dt.timedelta(days=6)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert not complaints_visible_to(outsider).exists()


def test_revoking_ends_the_access_at_once_and_both_are_audited(pack, administrator, outsider):
    given = grant(administrator, outsider, pack)
    assert complaints_visible_to(outsider).exists()

    grant_revoke(actor=Actor.for_user(administrator), grant=given, reason="Đánh giá đã xong")

    assert not complaints_visible_to(outsider).exists()
    actions = list(
        AuditEntry.objects.filter(action__in=["certification.grant", "certification.revoke"])
        .order_by("seq")
        .values_list("action", "actor_user_id")
    )
    assert actions == [
        ("certification.grant", administrator.pk),
        ("certification.revoke", administrator.pk),
    ]


def test_only_administrators_grant_and_only_to_people_without_a_staff_role(
    team, pack, administrator, outsider
):
    with pytest.raises(NotPermitted):
        grant(team.manager, outsider, pack)
    with pytest.raises(ValidationFailed) as refused:
        grant(administrator, team.handler, pack)
    assert "auditor" in refused.value.fields


def test_a_pack_with_unmasked_data_is_never_granted(team, complaints, administrator, outsider):
    first, last = period()
    started = pack_start(
        actor=Actor.for_user(team.manager),
        period_start=first,
        period_end=last,
        language="vi",
        sample_size=2,
        unmasked=True,
    )
    unmasked = pack_generate(started.pk)

    with pytest.raises(ValidationFailed) as refused:
        grant(administrator, outsider, unmasked)

    assert "packs" in refused.value.fields


def test_the_external_auditor_reads_the_sampled_records_masked_and_each_view_is_logged(
    pack, administrator, outsider, complaints
):
    grant(administrator, outsider, pack)
    client = signed_in(outsider)
    reference = sampled(pack)[0]

    home = client.get(reverse("backoffice:external_home"))
    record = client.get(reverse("backoffice:external_complaint", args=[reference]))

    assert home.status_code == 200 and reference in home.content.decode()
    assert record.status_code == 200
    body = record.content.decode()
    assert "Hóa đơn tính sai tiền" in body
    assert not any(c.complainant.email in body for c in complaints)
    views = AuditEntry.objects.filter(
        action="certification.external_view", actor_user_id=outsider.pk
    )
    assert set(views.values_list("target_type", "target_id")) == {
        ("certification.auditorpack", str(pack.pk)),
        ("complaints.complaint", str(pack.sample_items.get(position=1).complaint_id)),
    }


def test_the_external_auditor_downloads_only_granted_packs(pack, administrator, outsider, team):
    other = pack_generate(
        pack_start(
            actor=Actor.for_user(team.manager),
            period_start=pack.period_start,
            period_end=pack.period_end,
            language="en",
            sample_size=2,
        ).pk
    )
    grant(administrator, outsider, pack)
    client = signed_in(outsider)

    granted = client.get(reverse("backoffice:pack_download", args=[pack.pk]))
    refused = client.get(reverse("backoffice:pack_download", args=[other.pk]))

    assert granted.status_code == 200 and granted["Content-Type"] == "application/zip"
    assert b"".join(granted.streaming_content)[:2] == b"PK"
    assert refused.status_code == 404
    assert (
        AuditEntry.objects.filter(
            action="certification.pack_download", actor_user_id=outsider.pk
        ).count()
        == 1
    )


def test_a_complaint_outside_the_sample_and_every_other_page_are_refused(
    pack, administrator, outsider, complaints
):
    grant(administrator, outsider, pack)
    client = signed_in(outsider)
    outside = next(c.reference for c in complaints if c.reference not in sampled(pack))

    assert client.get(reverse("backoffice:external_complaint", args=[outside])).status_code == 404
    assert client.get(reverse("backoffice:complaint", args=[sampled(pack)[0]])).status_code == 403
    assert client.get(reverse("backoffice:queue", args=["all"])).status_code == 403
    assert client.get(reverse("backoffice:packs")).status_code == 403
    assert client.get(reverse("backoffice:pack", args=[pack.pk])).status_code == 403
    home = client.get(reverse("backoffice:home"))
    assert home.status_code == 302 and home["Location"] == reverse("backoffice:external_home")


def test_after_the_end_the_external_auditor_sees_nothing(pack, administrator, outsider):
    given = grant(administrator, outsider, pack)
    given.ends_on = given.starts_on = today() - dt.timedelta(days=1)
    given.save(update_fields=["ends_on", "starts_on"])
    client = signed_in(outsider)

    home = client.get(reverse("backoffice:external_home"))

    assert home.status_code == 200 and 'id="no-access"' in home.content.decode()
    reference = sampled(pack)[0]
    assert client.get(reverse("backoffice:external_complaint", args=[reference])).status_code == 404
    assert client.get(reverse("backoffice:pack_download", args=[pack.pk])).status_code == 404


def test_staff_pages_of_the_pack(team, pack, administrator):
    manager = signed_in(team.manager)

    listed = manager.get(reverse("backoffice:packs"))
    shown = manager.get(reverse("backoffice:pack", args=[pack.pk]))
    progress = manager.get(reverse("backoffice:pack_progress", args=[pack.pk]))

    assert listed.status_code == shown.status_code == progress.status_code == 200
    assert pack.reference in listed.content.decode()
    assert 'id="pack-download"' in shown.content.decode()
    assert signed_in(team.handler).get(reverse("backoffice:packs")).status_code == 403
    assert signed_in(administrator).get(reverse("backoffice:grants")).status_code == 200
    assert signed_in(team.manager).get(reverse("backoffice:grants")).status_code == 403


def test_a_manager_starts_a_pack_from_the_page(team, complaints):
    first, last = period()

    response = signed_in(team.manager).post(
        reverse("backoffice:packs"),
        {
            "period_start": first.isoformat(),
            "period_end": last.isoformat(),
            "language": "vi",
            "sample_size": "5",
        },
    )

    started = AuditorPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:pack", args=[started.pk])
    assert started.requested_by == team.manager and started.sample_size == 5


def test_an_external_auditor_s_api_token_is_refused_even_while_the_grant_is_live(
    pack, administrator, outsider
):
    from redress.integrations.services import token_create

    grant(administrator, outsider, pack)
    raw = token_create(actor=Actor.system("test"), user=outsider, name="auditor").raw
    answer = Client().get(
        "/api/v1/complaints",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )
    # The pack and its sampled records are theirs on the staff site only, where each view is
    # logged; the API would list the sample with no such log.
    assert answer.status_code == 403
    assert "no staff role" in answer.json()["error"]["message"]


def test_a_sampled_record_reads_as_people_write_it(team, complaints, administrator, outsider):
    closed = complaints[-1]  # closed with a decision and a refund
    Remedy.objects.filter(decision__complaint=closed).update(amount=8_990_000)
    User.objects.filter(pk=team.handler.pk).update(first_name="Tuấn", last_name="Phạm Minh")
    first, last = period()
    started = pack_start(
        actor=Actor.for_user(team.manager),
        period_start=first,
        period_end=last,
        language="vi",
        sample_size=len(complaints),
    )
    grant(administrator, outsider, pack_generate(started.pk))

    body = (
        signed_in(outsider)
        .get(reverse("backoffice:external_complaint", args=[closed.reference]))
        .content.decode()
    )

    assert "8.990.000 ₫" in body
    assert "Phạm Minh Tuấn" in body and f">{team.handler.username}<" not in body
    assert ">communicate_decision<" not in body and ">closed<" not in body
