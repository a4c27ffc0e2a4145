"""The complaint lifecycle as data (DESIGN.md, ISO 10002 clause 7).

``TRANSITIONS[state][action]`` is the tuple of states the action may lead to from ``state``;
an action that does not change the stage leads to ``SAME``. Services call ``transition_check``
before they change anything, and only services set ``Complaint.status``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import Status
from redress.core.errors import Conflict


class Action(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ASSESS = "assess", _("Assess")
    ASSIGN = "assign", _("Assign")
    PRIORITISE = "prioritise", _("Change priority")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    START_INVESTIGATION = "start_investigation", _("Start investigation")
    ADD_NOTE = "add_note", _("Add note")
    ADD_MESSAGE = "add_message", _("Add message")
    PROPOSE_DECISION = "propose_decision", _("Propose decision")
    APPROVE_DECISION = "approve_decision", _("Approve decision")
    RETURN_DECISION = "return_decision", _("Return decision")
    COMMUNICATE_DECISION = "communicate_decision", _("Communicate decision")
    RECORD_REACTION = "record_reaction", _("Record reaction")
    ESCALATE = "escalate", _("Escalate to internal review")
    REFER_EXTERNAL = "refer_external", _("Refer to an external body")
    SETTLE_REMEDY = "settle_remedy", _("Settle remedy")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    RATE = "rate", _("Record satisfaction")
    WITHDRAW = "withdraw", _("Withdraw")
    RECORD_DELIVERY = "record_delivery", _("Record email delivery")


SAME = "same"  # the action keeps the complaint in its stage
S = Status
A = Action

# Actions allowed in every open state that do not move the complaint to another stage.
_ANYTIME: dict[str, tuple[str, ...]] = {
    A.ASSIGN: (SAME,),
    A.PRIORITISE: (SAME,),
    A.PAUSE: (SAME,),
    A.RESUME: (SAME,),
    A.ADD_NOTE: (SAME,),
    A.ADD_MESSAGE: (SAME,),
}
_WITHDRAWABLE: dict[str, tuple[str, ...]] = {A.WITHDRAW: (S.WITHDRAWN,)}
# The outbox reports what became of an email in every state, closed included: the closure email
# is sent after the complaint is closed.
_ALWAYS: dict[str, tuple[str, ...]] = {A.RECORD_DELIVERY: (SAME,)}

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    S.RECEIVED: {A.ACKNOWLEDGE: (S.ACKNOWLEDGED,), **_ANYTIME, **_WITHDRAWABLE, **_ALWAYS},
    S.ACKNOWLEDGED: {
        A.ASSESS: (S.ASSESSED, S.NOT_ACCEPTED),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.ASSESSED: {A.START_INVESTIGATION: (S.INVESTIGATING,), **_ANYTIME, **_WITHDRAWABLE, **_ALWAYS},
    S.INVESTIGATING: {
        A.PROPOSE_DECISION: (S.DECISION_PROPOSED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.DECISION_PROPOSED: {
        A.APPROVE_DECISION: (S.DECISION_APPROVED,),
        A.RETURN_DECISION: (S.INVESTIGATING, S.UNDER_REVIEW),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.DECISION_APPROVED: {
        A.COMMUNICATE_DECISION: (S.DECISION_COMMUNICATED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.DECISION_COMMUNICATED: {
        A.RECORD_REACTION: (S.RESOLVED, S.UNDER_REVIEW),
        A.ESCALATE: (S.UNDER_REVIEW,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.RESOLVED: {
        A.SETTLE_REMEDY: (SAME,),
        A.CLOSE: (S.CLOSED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.UNDER_REVIEW: {
        A.PROPOSE_DECISION: (S.DECISION_PROPOSED,),
        A.REFER_EXTERNAL: (S.REFERRED_EXTERNAL,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
    },
    S.REFERRED_EXTERNAL: {A.CLOSE: (S.CLOSED,), **_ANYTIME, **_WITHDRAWABLE, **_ALWAYS},
    S.NOT_ACCEPTED: {A.CLOSE: (S.CLOSED,), **_ANYTIME, **_ALWAYS},
    S.WITHDRAWN: {A.CLOSE: (S.CLOSED,), **_ANYTIME, **_ALWAYS},
    S.CLOSED: {A.REOPEN: (S.INVESTIGATING,), A.RATE: (SAME,), **_ALWAYS},
}

# Events of these actions are shown to the complainant on the portal timeline.
VISIBLE_TO_COMPLAINANT = frozenset(
    {
        A.RECEIVE,
        A.ACKNOWLEDGE,
        A.ASSESS,
        A.START_INVESTIGATION,
        A.PAUSE,
        A.RESUME,
        A.ADD_MESSAGE,
        A.COMMUNICATE_DECISION,
        A.RECORD_REACTION,
        A.ESCALATE,
        A.REFER_EXTERNAL,
        A.CLOSE,
        A.REOPEN,
        A.WITHDRAW,
    }
)


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, state: str, action: str):
        self.state = state
        self.action = action
        super().__init__(
            gettext("The action “%(action)s” is not allowed while the complaint is “%(state)s”.")
            % {"action": Action(action).label, "state": Status(state).label}
        )


def allowed_actions(state: str) -> list[str]:
    return list(TRANSITIONS.get(state, {}))


def transition_check(state: str, action: str, target: str = SAME) -> str:
    """The state ``action`` leads to from ``state`` (``target`` picks among several).

    Raises ``TransitionNotAllowed`` naming the state and the action when the table refuses.
    """
    targets = TRANSITIONS.get(state, {}).get(action)
    if not targets:
        raise TransitionNotAllowed(state, action)
    if target == SAME:
        target = targets[0]
    if target not in targets:
        raise TransitionNotAllowed(state, action)
    return state if target == SAME else target
