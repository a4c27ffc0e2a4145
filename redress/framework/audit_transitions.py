"""The internal audit's lifecycle and who may take each step, as data (like
``improvement.transitions``).

``AUDIT_TRANSITIONS[state][action]`` is the state ``action`` leads to from ``state``;
``audit_transition_check`` refuses naming both. ``AUDIT_ACTION_PERMISSION`` names the
framework permission each step needs (``roles.FRAMEWORK_ROLES`` says which roles hold it); the
conducting steps are further limited to the auditors named on the audit (``services.audits``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.errors import Conflict
from redress.framework.models import AuditStatus
from redress.framework.roles import Permission


class AuditAction(models.TextChoices):
    START = "start", _("Start the audit")
    REPORT = "report", _("Issue the report")
    CLOSE = "close", _("Close the audit")


S = AuditStatus
AUDIT_TRANSITIONS: dict[str, dict[str, str]] = {
    S.PLANNED: {AuditAction.START: S.IN_PROGRESS},
    S.IN_PROGRESS: {AuditAction.REPORT: S.REPORTED},
    S.REPORTED: {AuditAction.CLOSE: S.CLOSED},
    S.CLOSED: {},
}
AUDIT_ACTION_PERMISSION: dict[str, str] = {
    AuditAction.START: Permission.AUDIT_CONDUCT,
    AuditAction.REPORT: Permission.AUDIT_CONDUCT,
    AuditAction.CLOSE: Permission.AUDIT_PLAN,
}
# States in which the auditors record answers, the sample, checks and findings.
CONDUCT_STATES = frozenset({S.IN_PROGRESS})


class AuditTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, state: str, action: str):
        self.state = state
        self.action = action
        super().__init__(
            gettext("The step “%(action)s” is not allowed while the audit is “%(state)s”.")
            % {"action": AuditAction(action).label, "state": AuditStatus(state).label}
        )


def audit_transition_check(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state``, or ``AuditTransitionNotAllowed``."""
    target = AUDIT_TRANSITIONS.get(state, {}).get(action)
    if target is None:
        raise AuditTransitionNotAllowed(state, action)
    return target


class AuditNotInProgress(Conflict):
    code = "audit_not_in_progress"

    def __init__(self, state: str):
        super().__init__(
            gettext("This can be recorded only while the audit is in progress (it is “%(state)s”).")
            % {"state": AuditStatus(state).label}
        )
