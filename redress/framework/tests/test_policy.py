"""The complaints-handling policy: four-eyes approval, the version in force, differences
between versions, and who has not read the current one."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import staff
from redress.framework.models import PolicyStatus
from redress.framework.selectors_policy import (
    policy_current,
    policy_diff,
    policy_upcoming,
    staff_not_acknowledged,
)
from redress.framework.services.policy import (
    policy_acknowledge,
    policy_approve,
    policy_discard,
    policy_draft,
    policy_draft_edit,
)
from redress.handling.testing import make_team


@pytest.fixture
def team(db):
    return make_team()


def draft(team, text="Mọi khiếu nại được tiếp nhận.\nPhản hồi trong 7 ngày làm việc."):
    return policy_draft(
        actor=Actor.for_user(team.manager), title="Chính sách xử lý khiếu nại", text=text
    )


def test_a_draft_is_approved_by_top_management_and_takes_effect(team):
    version = draft(team)
    today = timezone.localdate()
    approved = policy_approve(actor=Actor.for_user(team.top), version=version, effective_from=today)
    assert approved.status == PolicyStatus.APPROVED
    assert approved.approved_by == team.top
    assert policy_current() == approved
    entry = AuditEntry.objects.filter(action="framework.policy_approve").get()
    assert entry.after["drafted_by"] == team.manager.pk


def test_nobody_approves_a_draft_they_wrote(team):
    author = staff(Role.TOP_MANAGEMENT, team.unit)
    from redress.core.models import Membership

    Membership.objects.create(user=author, unit=team.unit, role=Role.COMPLAINTS_MANAGER)
    version = policy_draft(actor=Actor.for_user(author), title="Chính sách", text="Nội dung")
    with pytest.raises(ValidationFailed) as refused:
        policy_approve(
            actor=Actor.for_user(author), version=version, effective_from=timezone.localdate()
        )
    assert "approved_by" in refused.value.fields
    version.refresh_from_db()
    assert version.status == PolicyStatus.DRAFT
    assert policy_current() is None


def test_only_top_management_approves_and_only_managers_draft(team):
    with pytest.raises(NotPermitted):
        policy_draft(actor=Actor.for_user(team.handler), title="x", text="y")
    version = draft(team)
    with pytest.raises(NotPermitted):
        policy_approve(
            actor=Actor.for_user(team.manager), version=version, effective_from=timezone.localdate()
        )


def test_the_refusals_name_the_field_and_change_nothing(team):
    with pytest.raises(ValidationFailed) as refused:
        policy_draft(actor=Actor.for_user(team.manager), title="", text="")
    assert set(refused.value.fields) == {"title", "text"}
    version = draft(team)
    with pytest.raises(ValidationFailed) as past:
        policy_approve(
            actor=Actor.for_user(team.top),
            version=version,
            effective_from=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "effective_from" in past.value.fields
    with pytest.raises(Conflict):
        draft(team)  # one draft at a time


def test_a_future_version_waits_and_the_current_stays_in_force(team):
    first = draft(team)
    today = timezone.localdate()
    policy_approve(actor=Actor.for_user(team.top), version=first, effective_from=today)
    second = draft(team, text="Mọi khiếu nại được tiếp nhận.\nPhản hồi trong 5 ngày làm việc.")
    policy_approve(
        actor=Actor.for_user(team.top), version=second, effective_from=today + dt.timedelta(10)
    )
    assert policy_current() == first
    assert policy_upcoming() == second
    assert policy_current(today + dt.timedelta(10)) == second
    diff = policy_diff(second)
    assert [(line.kind, line.text) for line in diff if line.kind != "same"] == [
        ("removed", "Phản hồi trong 7 ngày làm việc."),
        ("added", "Phản hồi trong 5 ngày làm việc."),
    ]


def test_an_approved_version_never_changes(team):
    version = draft(team)
    policy_approve(
        actor=Actor.for_user(team.top), version=version, effective_from=timezone.localdate()
    )
    with pytest.raises(Conflict):
        policy_draft_edit(actor=Actor.for_user(team.manager), version=version, title="x", text="y")
    with pytest.raises(Conflict):
        policy_discard(actor=Actor.for_user(team.manager), version=version, reason="x")


def test_staff_who_have_not_read_the_current_version_are_listed(team):
    version = draft(team)
    policy_approve(
        actor=Actor.for_user(team.top), version=version, effective_from=timezone.localdate()
    )
    everyone = {team.frontline, team.handler, team.manager, team.top, team.auditor}
    assert set(staff_not_acknowledged(version)) == everyone
    policy_acknowledge(actor=Actor.for_user(team.handler))
    policy_acknowledge(actor=Actor.for_user(team.handler))  # reading again changes nothing
    assert set(staff_not_acknowledged(version)) == everyone - {team.handler}
    assert AuditEntry.objects.filter(action="framework.policy_acknowledge").count() == 1


def test_nothing_to_acknowledge_before_a_policy_is_in_force(team):
    with pytest.raises(Conflict):
        policy_acknowledge(actor=Actor.for_user(team.handler))


def test_the_policy_in_force_is_published_on_the_portal(team, client):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("vi"):
        url = reverse("portal:policy")
    assert "đang được chuẩn bị" in client.get(url).content.decode()
    version = draft(team)
    policy_approve(
        actor=Actor.for_user(team.top), version=version, effective_from=timezone.localdate()
    )
    page = client.get(url).content.decode()
    assert "Phản hồi trong 7 ngày làm việc." in page
    assert "Phiên bản 1" in page
