"""The CAPA lifecycle and who may do what in continual improvement, as data (like
``complaints.transitions``).

``CAPA_TRANSITIONS[state][action]`` is the tuple of states an action may lead to from
``state``; ``capa_transition_check`` refuses naming both. ``IMPROVEMENT_ROLES`` says which roles
may take each improvement action; a CAPA's owner may also plan and carry out their own CAPA
(``OWNER_ACTIONS``), and nobody verifies a CAPA they own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.errors import Conflict
from redress.core.roles import Role
from redress.improvement.models import CapaStatus, IssueStatus


class CapaAction(models.TextChoices):
    PLAN = "plan", _("Plan")
    START = "start", _("Start")
    IMPLEMENT = "implement", _("Mark implemented")
    CHECK = "check", _("Check effectiveness")
    VERIFY = "verify", _("Verify")
    REOPEN = "reopen", _("Reopen")


S = CapaStatus
CAPA_TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    S.DRAFT: {CapaAction.PLAN: (S.PLANNED,)},
    S.PLANNED: {CapaAction.PLAN: (S.PLANNED,), CapaAction.START: (S.IN_PROGRESS,)},
    S.IN_PROGRESS: {CapaAction.IMPLEMENT: (S.IMPLEMENTED,)},
    S.IMPLEMENTED: {CapaAction.CHECK: (S.EFFECTIVENESS_CHECK,)},
    S.EFFECTIVENESS_CHECK: {CapaAction.VERIFY: (S.CLOSED, S.REOPENED)},
    S.CLOSED: {CapaAction.REOPEN: (S.REOPENED,)},
    S.REOPENED: {CapaAction.PLAN: (S.PLANNED,)},
}


class CapaTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, state: str, action: str):
        self.state = state
        self.action = action
        super().__init__(
            gettext("The action “%(action)s” is not allowed while the CAPA is “%(state)s”.")
            % {"action": CapaAction(action).label, "state": CapaStatus(state).label}
        )


def capa_transition_check(state: str, action: str, target: str | None = None) -> str:
    """The state ``action`` leads to from ``state`` (``target`` picks among several), or a
    ``CapaTransitionNotAllowed`` naming both."""
    targets = CAPA_TRANSITIONS.get(state, {}).get(action)
    if not targets or (target is not None and target not in targets):
        raise CapaTransitionNotAllowed(state, action)
    return target or targets[0]


class Permission(models.TextChoices):
    """What a person may do in continual improvement (one codename per action)."""

    READ = "read", _("Read investigations, systemic issues and CAPA")
    INVESTIGATE = "investigate", _("Record an investigation and its root cause analysis")
    CONFIGURE = "configure", _("Configure systemic issue rules and the cause taxonomy")
    ISSUE_OPEN = "issue_open", _("Open a systemic issue by hand")
    ISSUE_WORK = "issue_work", _("Link complaints and analyse a systemic issue")
    ISSUE_DECIDE = "issue_decide", _("Decide on a systemic issue")
    CAPA_OPEN = "capa_open", _("Open a CAPA")
    CAPA_PLAN = "capa_plan", _("Plan a CAPA")
    CAPA_WORK = "capa_work", _("Carry out a CAPA and its tasks")
    CAPA_VERIFY = "capa_verify", _("Verify a CAPA's effectiveness")
    CAPA_REOPEN = "capa_reopen", _("Reopen a closed CAPA")


HANDLER, MANAGER, TOP, AUDITOR, ADMIN = (
    Role.HANDLER,
    Role.COMPLAINTS_MANAGER,
    Role.TOP_MANAGEMENT,
    Role.AUDITOR,
    Role.ADMIN,
)
IMPROVEMENT_ROLES: dict[str, frozenset[Role]] = {
    Permission.READ: frozenset({HANDLER, MANAGER, TOP, AUDITOR}),
    Permission.INVESTIGATE: frozenset({HANDLER, MANAGER}),
    Permission.CONFIGURE: frozenset({ADMIN}),
    Permission.ISSUE_OPEN: frozenset({MANAGER, TOP}),
    Permission.ISSUE_WORK: frozenset({HANDLER, MANAGER}),
    Permission.ISSUE_DECIDE: frozenset({MANAGER, TOP}),
    Permission.CAPA_OPEN: frozenset({MANAGER, TOP}),
    Permission.CAPA_PLAN: frozenset({MANAGER}),
    Permission.CAPA_WORK: frozenset({MANAGER}),
    Permission.CAPA_VERIFY: frozenset({MANAGER, TOP}),
    Permission.CAPA_REOPEN: frozenset({MANAGER, TOP}),
}
# A CAPA's owner may plan and carry out their own CAPA, whatever their role.
OWNER_ACTIONS = frozenset({Permission.CAPA_PLAN, Permission.CAPA_WORK})
# The action each CAPA lifecycle step needs.
CAPA_ACTION_PERMISSION: dict[str, str] = {
    CapaAction.PLAN: Permission.CAPA_PLAN,
    CapaAction.START: Permission.CAPA_WORK,
    CapaAction.IMPLEMENT: Permission.CAPA_WORK,
    CapaAction.CHECK: Permission.CAPA_VERIFY,
    CapaAction.VERIFY: Permission.CAPA_VERIFY,
    CapaAction.REOPEN: Permission.CAPA_REOPEN,
}


# What each follow-up event of an investigation, an issue or a CAPA is called, for people.
EVENT_LABELS: dict[str, object] = {
    "investigation_activity": _("Investigation activity recorded"),
    "investigation_conclude": _("Findings and root cause recorded"),
    "five_whys": _("5 whys recorded"),
    "fishbone": _("Fishbone recorded"),
    "rule_create": _("Rule created"),
    "rule_change": _("Rule changed"),
    "issue_open": _("Systemic issue opened"),
    "issue_attach": _("Complaint linked"),
    "issue_assign": _("Owner given"),
    "issue_decide": _("Decision recorded"),
    "issue_close": _("Systemic issue closed"),
    "capa_open": _("CAPA opened"),
    "capa_plan": _("Plan saved"),
    "capa_start": _("Work started"),
    "capa_implement": _("Implemented"),
    "capa_check": _("Effectiveness checked"),
    "capa_verify": _("Verified"),
    "capa_reopen": _("Reopened"),
    "capa_task_add": _("Task added"),
    "capa_task_done": _("Task done"),
    "capa_link": _("Complaint linked"),
    "capa_overdue": _("Overdue notice sent"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


def status_label(status: str) -> str:
    """The label of a CAPA's or an issue's status."""
    for choices in (CapaStatus, IssueStatus):
        if status in choices.values:
            return str(choices(status).label)
    return status
