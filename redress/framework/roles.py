"""Who may do what in the management framework (ISO 10002 clauses 5, 6, 8.5, 8.6), as data.

``FRAMEWORK_ROLES[permission]`` is the set of roles that may take it, whatever their unit (the
framework is the organisation's, not a unit's). Two rules the table cannot say live in the
services, each with its refusal: nobody approves a policy version they drafted (four-eyes), and
an auditor never audits a unit whose complaints they own or handle (independence).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.errors import NotPermitted
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import user_roles


class Permission(models.TextChoices):
    READ = "read", _("Read the management system")
    POLICY_DRAFT = "policy_draft", _("Draft the complaints-handling policy")
    POLICY_APPROVE = "policy_approve", _("Approve and publish the policy")
    RESPONSIBILITY_EDIT = "responsibility_edit", _("Edit the responsibility matrix")
    OBJECTIVE_EDIT = "objective_edit", _("Set objectives and their targets")
    TRAINING_EDIT = "training_edit", _("Record training and the courses each role needs")
    ASSIGN_OVERRIDE = "assign_override", _("Assign an untrained handler, with a reason")
    AUDIT_PLAN = "audit_plan", _("Plan internal audits")
    AUDIT_CONDUCT = "audit_conduct", _("Conduct an internal audit and record findings")
    REVIEW_PREPARE = "review_prepare", _("Prepare a management review")
    REVIEW_APPROVE = "review_approve", _("Approve the minutes of a management review")


HANDLER, MANAGER, TOP, AUDITOR, ADMIN, DPO, OTHER = (
    Role.HANDLER,
    Role.COMPLAINTS_MANAGER,
    Role.TOP_MANAGEMENT,
    Role.AUDITOR,
    Role.ADMIN,
    Role.DPO,
    Role.OTHER_MANAGER,
)
STAFF = frozenset({Role.FRONTLINE, HANDLER, MANAGER, TOP, AUDITOR, ADMIN, DPO, OTHER})
FRAMEWORK_ROLES: dict[str, frozenset[Role]] = {
    Permission.READ: STAFF,
    Permission.POLICY_DRAFT: frozenset({MANAGER}),
    Permission.POLICY_APPROVE: frozenset({TOP}),
    Permission.RESPONSIBILITY_EDIT: frozenset({MANAGER, TOP}),
    Permission.OBJECTIVE_EDIT: frozenset({MANAGER, TOP}),
    Permission.TRAINING_EDIT: frozenset({MANAGER, ADMIN}),
    Permission.ASSIGN_OVERRIDE: frozenset({MANAGER}),
    Permission.AUDIT_PLAN: frozenset({MANAGER, TOP}),
    Permission.AUDIT_CONDUCT: frozenset({AUDITOR}),
    Permission.REVIEW_PREPARE: frozenset({MANAGER, TOP}),
    Permission.REVIEW_APPROVE: frozenset({TOP}),
}


def held_roles(user: User) -> set[Role]:
    """The roles ``user`` holds anywhere today (a superuser counts as administrator)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    held = set(user_roles(user))
    if user.is_superuser:
        held.add(Role.ADMIN)
    return held


def may(user: User, permission: str) -> bool:
    return bool(held_roles(user) & FRAMEWORK_ROLES[permission])


def permission_check(user: User, permission: str) -> None:
    if not may(user, permission):
        raise NotPermitted(
            gettext("You may not do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )
