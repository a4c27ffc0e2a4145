"""The management framework in the staff site: the policy's four-eyes approval and
acknowledgements, the responsibility matrix, objectives and the year's calendar."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from redress.core.actors import Actor
from redress.framework.models import Objective, PolicyStatus, PolicyVersion, Responsibility
from redress.framework.services.objectives import objective_create
from redress.framework.services.policy import policy_approve, policy_draft


def test_a_manager_drafts_top_management_approves_and_staff_acknowledge(team, signed_in):
    manager = signed_in(team.manager)
    form = reverse("backoffice:policy_draft")
    empty = manager.post(form, {"title": "", "text": ""})
    assert empty.status_code == 422 and "Trường này là bắt buộc." in empty.content.decode()
    assert not PolicyVersion.objects.exists()
    saved = manager.post(form, {"title": "Chính sách", "text": "Mọi khiếu nại đều được lắng nghe."})
    assert saved.status_code == 302
    # The manager may not approve; top management approves with an effective date.
    assert manager.post(reverse("backoffice:policy_approve"), {}).status_code == 403
    top = signed_in(team.top)
    page = top.get(reverse("backoffice:policy")).content.decode()
    assert reverse("backoffice:policy_approve") in page
    today = timezone.localdate().isoformat()
    assert (
        top.post(reverse("backoffice:policy_approve"), {"effective_from": today}).status_code == 302
    )
    version = PolicyVersion.objects.get()
    assert version.status == PolicyStatus.APPROVED and version.approved_by == team.top
    handler = signed_in(team.handler)
    page = handler.get(reverse("backoffice:policy")).content.decode()
    assert "Mọi khiếu nại đều được lắng nghe." in page
    assert handler.post(reverse("backoffice:policy_acknowledge")).status_code == 302
    overseen = signed_in(team.manager).get(reverse("backoffice:policy")).content.decode()
    assert 'id="policy-unread"' in overseen
    assert (
        team.handler.username not in overseen.split('id="policy-unread"')[1].split("</section>")[0]
    )


def test_the_author_of_a_draft_is_not_offered_its_approval(team, signed_in):
    from redress.core.models import Membership
    from redress.core.roles import Role

    Membership.objects.create(user=team.top, unit=team.unit, role=Role.COMPLAINTS_MANAGER)
    policy_draft(actor=Actor.for_user(team.top), title="Chính sách", text="Nội dung")
    client = signed_in(team.top)
    page = client.get(reverse("backoffice:policy")).content.decode()
    assert reverse("backoffice:policy_approve") not in page
    today = timezone.localdate().isoformat()
    refused = client.post(reverse("backoffice:policy_approve"), {"effective_from": today})
    assert refused.status_code == 422
    assert PolicyVersion.objects.get().status == PolicyStatus.DRAFT


def test_a_version_page_shows_what_changed(team, signed_in):
    first = policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="A\nB")
    policy_approve(
        actor=Actor.for_user(team.top), version=first, effective_from=timezone.localdate()
    )
    policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="A\nC")
    page = signed_in(team.handler).get(reverse("backoffice:policy_version", args=[2])).content
    assert b'<del class="diff-line">B</del>' in page and b'<ins class="diff-line">C</ins>' in page


def test_the_matrix_is_filled_edited_and_printable(team, signed_in):
    client = signed_in(team.manager)
    assert client.post(reverse("backoffice:responsibilities_standard")).status_code == 302
    page = client.get(reverse("backoffice:responsibilities")).content.decode()
    assert 'data-step="audit"' in page and "Steps without exactly one accountable" not in page
    added = client.post(
        reverse("backoffice:responsibility_add"),
        {
            "step": "decision",
            "role": "top_management",
            "part": "A",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    # The standard matrix's accountable starts today: a replacement starts on a later day.
    assert added.status_code == 422 and "valid_from" in added.content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    added = client.post(
        reverse("backoffice:responsibility_add"),
        {"step": "decision", "role": "top_management", "part": "A", "valid_from": tomorrow},
    )
    assert added.status_code == 302
    assert Responsibility.objects.filter(step="decision", part="A").count() == 2  # one ended
    printed = client.get(reverse("backoffice:responsibilities_print"))
    assert printed.status_code == 200 and b"<nav" not in printed.content
    handler = signed_in(team.handler)
    assert handler.get(reverse("backoffice:responsibilities")).status_code == 200
    assert handler.post(reverse("backoffice:responsibilities_standard")).status_code == 403


def test_objectives_are_set_measured_and_shown_on_the_calendar(team, signed_in):
    client = signed_in(team.manager)
    refused = client.post(reverse("backoffice:objective_new"), {"title": "X", "target": "x"})
    assert refused.status_code == 422 and not Objective.objects.exists()
    year = timezone.localdate().year
    created = client.post(
        reverse("backoffice:objective_new"),
        {
            "title": "Xác nhận đúng hạn",
            "kpi": "ack_on_time_pct",
            "target": "95",
            "owner": team.manager.pk,
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
            "frequency": "quarterly",
        },
    )
    assert created.status_code == 302
    objective = Objective.objects.get()
    assert (
        client.post(reverse("backoffice:objective_measure", args=[objective.pk])).status_code == 302
    )
    assert objective.results.count() == 1
    home = client.get(reverse("backoffice:framework")).content.decode()
    assert "Xác nhận đúng hạn" in home and f"{year}-04-01" in home
    assert (
        signed_in(team.handler)
        .post(reverse("backoffice:objective_measure", args=[objective.pk]))
        .status_code
        == 403
    )


def test_a_manual_objective_takes_its_result_from_its_owner(team, signed_in):
    objective = objective_create(
        actor=Actor.for_user(team.manager),
        title="Buổi đào tạo",
        owner=team.handler,
        manual_measure="Buổi",
        direction="higher",
        target="4",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        frequency="yearly",
    )
    client = signed_in(team.handler)
    url = reverse("backoffice:objective_result", args=[objective.pk])
    assert client.post(url, {"value": "nhiều"}).status_code == 422
    assert client.post(url, {"value": "5"}).status_code == 302
    objective.refresh_from_db()
    assert objective.actual == 5
