"""Time-limit policies' targets and escalation levels changed by administrators
(``sla.services.policies``): a limit set by law is never relaxed or switched off, every change
is audited with what changed and recomputes the open complaints' deadlines."""

from unittest import mock

import pytest

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.sla.models import EscalationLevel, SlaPolicy
from redress.sla.services import policies

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(staff(Role.ADMIN, UnitFactory.create()))


def test_a_target_change_is_audited_and_recomputes_deadlines(admin):
    policy = SlaPolicy.objects.get(code="iso-default")
    with mock.patch.object(policies, "sla_recompute_schedule") as recompute:
        policies.sla_policy_update(
            actor=admin, policy=policy, assess_amount=4, assess_unit="working_hours"
        )
    recompute.assert_called_once_with()
    policy.refresh_from_db()
    assert (policy.assess_amount, policy.assess_unit) == (4, "working_hours")
    entry = AuditEntry.objects.get(action="sla.policy_update")
    assert entry.after["assess_unit"] == "working_hours"
    assert "name" not in entry.after  # only what changed


def test_the_legal_limit_is_not_relaxed_nor_switched_off(admin):
    policy = SlaPolicy.objects.get(code="vn-negotiation")
    with pytest.raises(ValidationFailed) as refused:
        policies.sla_policy_update(actor=admin, policy=policy, decision_amount=30, is_active=False)
    assert set(refused.value.fields) == {"decision_amount", "is_active"}
    policy.refresh_from_db()
    assert policy.decision_amount == 7 and policy.is_active
    assert not AuditEntry.objects.filter(action="sla.policy_update").exists()


def test_bad_targets_are_named(admin):
    policy = SlaPolicy.objects.get(code="iso-default")
    with pytest.raises(ValidationFailed) as refused:
        policies.sla_policy_update(
            actor=admin, policy=policy, name=" ", close_unit="weeks", near_due_percent=100
        )
    assert set(refused.value.fields) == {"name", "close_unit", "near_due_percent"}


def test_an_escalation_level_is_changed_and_audited(admin):
    level = EscalationLevel.objects.order_by("level").first()
    policies.escalation_level_update(
        actor=admin,
        level=level,
        audience=EscalationLevel.Audience.TOP_MANAGEMENT,
        near_due=True,
        breach=True,
        after_hours=4,
        is_active=True,
    )
    level.refresh_from_db()
    assert (level.audience, level.after_hours) == ("top_management", 4)
    assert AuditEntry.objects.filter(action="sla.escalation_update").count() == 1
    with pytest.raises(ValidationFailed) as refused:
        policies.escalation_level_update(
            actor=admin,
            level=level,
            audience="everyone",
            near_due=False,
            breach=False,
            after_hours=-1,
            is_active=True,
        )
    assert set(refused.value.fields) == {"audience", "after_hours", "breach"}


def test_only_administrators_change_time_limits():
    manager = Actor.for_user(staff(Role.COMPLAINTS_MANAGER, UnitFactory.create()))
    with pytest.raises(NotPermitted):
        policies.sla_policy_update(
            actor=manager, policy=SlaPolicy.objects.get(code="iso-default"), assess_amount=1
        )
