"""The complaint lifecycle as data (DESIGN.md, ISO 10002 clause 7).

``TRANSITIONS[state][action]`` is the tuple of states the action may lead to from ``state``;
an action that does not change the stage leads to ``SAME``. ``ACTION_ROLES`` says who may take
each action, ``CHANNEL_ACTIONS`` what a channel acting without a person may do, and
``VISIBLE_TO_COMPLAINANT`` which events the portal shows. Services call ``transition_check``
before they change anything, and only services set ``Complaint.status``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import Status
from redress.core.errors import Conflict
from redress.core.roles import Role


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
    RECORD_REFERRAL_OUTCOME = "record_referral_outcome", _("Record the external body's outcome")
    RECORD_SUBJECT_STAFF = "record_subject_staff", _("Record the person complained about")
    DECLARE_CONFLICT = "declare_conflict", _("Declare a conflict of interest")
    WITHDRAW_CONFLICT = "withdraw_conflict", _("Withdraw a conflict-of-interest declaration")
    LINK = "link", _("Link to a related complaint")
    DISMISS_DUPLICATE = "dismiss_duplicate", _("Not a duplicate")
    MERGE = "merge", _("Merge into another complaint")


SAME = "same"  # the action keeps the complaint in its stage

# Actions allowed in every open state that do not move the complaint to another stage.
_ANYTIME: dict[str, tuple[str, ...]] = {
    Action.ASSIGN: (SAME,),
    Action.PRIORITISE: (SAME,),
    Action.PAUSE: (SAME,),
    Action.RESUME: (SAME,),
    Action.ADD_NOTE: (SAME,),
    Action.ADD_MESSAGE: (SAME,),
    # Objectivity (ISO 10002 4.7): who the complaint is about, and who may not handle it.
    Action.RECORD_SUBJECT_STAFF: (SAME,),
    Action.DECLARE_CONFLICT: (SAME,),
    Action.WITHDRAW_CONFLICT: (SAME,),
}
_WITHDRAWABLE: dict[str, tuple[str, ...]] = {Action.WITHDRAW: (Status.WITHDRAWN,)}
# The outbox reports what became of an email in every state, closed included: the closure email
# is sent after the complaint is closed.
# Links between complaints (7.2 duplicates) are not changes to the complaint: a closed one may
# be linked to a new one, or a suggested duplicate dismissed, from either side.
_ALWAYS: dict[str, tuple[str, ...]] = {
    Action.RECORD_DELIVERY: (SAME,),
    Action.LINK: (SAME,),
    Action.DISMISS_DUPLICATE: (SAME,),
}
# A duplicate is closed into the complaint it repeats (``handling.links.complaint_merge``).
_MERGEABLE: dict[str, tuple[str, ...]] = {Action.MERGE: (Status.CLOSED,)}

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Status.RECEIVED: {
        Action.ACKNOWLEDGE: (Status.ACKNOWLEDGED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.ACKNOWLEDGED: {
        Action.ASSESS: (Status.ASSESSED, Status.NOT_ACCEPTED),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.ASSESSED: {
        Action.START_INVESTIGATION: (Status.INVESTIGATING,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.INVESTIGATING: {
        Action.PROPOSE_DECISION: (Status.DECISION_PROPOSED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.DECISION_PROPOSED: {
        Action.APPROVE_DECISION: (Status.DECISION_APPROVED,),
        Action.RETURN_DECISION: (Status.INVESTIGATING, Status.UNDER_REVIEW),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.DECISION_APPROVED: {
        Action.COMMUNICATE_DECISION: (Status.DECISION_COMMUNICATED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.DECISION_COMMUNICATED: {
        Action.RECORD_REACTION: (Status.RESOLVED, Status.UNDER_REVIEW),
        Action.ESCALATE: (Status.UNDER_REVIEW,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.RESOLVED: {
        Action.SETTLE_REMEDY: (SAME,),
        Action.CLOSE: (Status.CLOSED,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.UNDER_REVIEW: {
        Action.PROPOSE_DECISION: (Status.DECISION_PROPOSED,),
        Action.REFER_EXTERNAL: (Status.REFERRED_EXTERNAL,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.REFERRED_EXTERNAL: {
        Action.CLOSE: (Status.CLOSED,),
        Action.RECORD_REFERRAL_OUTCOME: (SAME,),
        **_ANYTIME,
        **_WITHDRAWABLE,
        **_ALWAYS,
        **_MERGEABLE,
    },
    Status.NOT_ACCEPTED: {Action.CLOSE: (Status.CLOSED,), **_ANYTIME, **_ALWAYS, **_MERGEABLE},
    Status.WITHDRAWN: {Action.CLOSE: (Status.CLOSED,), **_ANYTIME, **_ALWAYS, **_MERGEABLE},
    # What an external body decided may come after the complaint was closed with its referral.
    Status.CLOSED: {
        Action.REOPEN: (Status.INVESTIGATING,),
        Action.RATE: (SAME,),
        Action.RECORD_REFERRAL_OUTCOME: (SAME,),
        **_ALWAYS,
    },
}

# Events of these actions are shown to the complainant on the portal timeline.
VISIBLE_TO_COMPLAINANT = frozenset(
    {
        Action.RECEIVE,
        Action.ACKNOWLEDGE,
        Action.ASSESS,
        Action.START_INVESTIGATION,
        Action.PAUSE,
        Action.RESUME,
        Action.ADD_MESSAGE,
        Action.COMMUNICATE_DECISION,
        Action.RECORD_REACTION,
        Action.ESCALATE,
        Action.REFER_EXTERNAL,
        Action.CLOSE,
        Action.REOPEN,
        Action.WITHDRAW,
        Action.MERGE,
    }
)


# Who may take each action on a complaint they can see (ISO 10002 5.3). What a person may *see*
# is decided once, by ``selectors.complaints_visible_to``; this says what they may *do* with it.
FRONTLINE, HANDLER, MANAGER, TOP = (
    Role.FRONTLINE,
    Role.HANDLER,
    Role.COMPLAINTS_MANAGER,
    Role.TOP_MANAGEMENT,
)

ACTION_ROLES: dict[str, frozenset[Role]] = {
    Action.RECEIVE: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.ACKNOWLEDGE: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.ASSESS: frozenset({HANDLER, MANAGER}),
    Action.ASSIGN: frozenset({HANDLER, MANAGER}),
    Action.PRIORITISE: frozenset({HANDLER, MANAGER}),
    Action.PAUSE: frozenset({HANDLER, MANAGER}),
    Action.RESUME: frozenset({HANDLER, MANAGER}),
    Action.START_INVESTIGATION: frozenset({HANDLER, MANAGER}),
    Action.ADD_NOTE: frozenset({FRONTLINE, HANDLER, MANAGER, TOP}),
    Action.ADD_MESSAGE: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.PROPOSE_DECISION: frozenset({HANDLER, MANAGER}),
    Action.APPROVE_DECISION: frozenset({MANAGER, TOP}),
    Action.RETURN_DECISION: frozenset({MANAGER, TOP}),
    Action.COMMUNICATE_DECISION: frozenset({HANDLER, MANAGER}),
    Action.RECORD_REACTION: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.ESCALATE: frozenset({HANDLER, MANAGER}),
    Action.REFER_EXTERNAL: frozenset({MANAGER}),
    Action.SETTLE_REMEDY: frozenset({HANDLER, MANAGER}),
    Action.RECORD_REFERRAL_OUTCOME: frozenset({HANDLER, MANAGER}),
    Action.CLOSE: frozenset({HANDLER, MANAGER}),
    Action.REOPEN: frozenset({MANAGER}),
    Action.RATE: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.WITHDRAW: frozenset({FRONTLINE, HANDLER, MANAGER}),
    # Those who assess (handlers) or manage complaints name the member of staff complained about.
    Action.RECORD_SUBJECT_STAFF: frozenset({HANDLER, MANAGER}),
    # Whoever could own or decide the complaint declares their own conflict of interest; only a
    # complaints manager withdraws a declaration.
    Action.DECLARE_CONFLICT: frozenset({HANDLER, MANAGER, TOP}),
    Action.WITHDRAW_CONFLICT: frozenset({MANAGER}),
    # Recorded by the outbox (a system actor) only; no person reports an email's delivery.
    Action.RECORD_DELIVERY: frozenset(),
    # Duplicates (7.2): the complaint's handlers and the complaints managers over it.
    Action.LINK: frozenset({HANDLER, MANAGER}),
    Action.DISMISS_DUPLICATE: frozenset({HANDLER, MANAGER}),
    Action.MERGE: frozenset({HANDLER, MANAGER}),
}

CHANNEL_ACTIONS = frozenset(
    {
        Action.RECEIVE,
        Action.ACKNOWLEDGE,
        Action.ADD_MESSAGE,
        Action.RESUME,
        Action.RECORD_REACTION,
        Action.WITHDRAW,
        Action.RATE,
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
