"""The management review's lifecycle as data (like ``improvement.transitions``).

``REVIEW_TRANSITIONS[state][action]`` is the state an action leads to from ``state``;
``REVIEW_EDITS[action]`` the states in which an action that does not move the review (writing
the free-text inputs, recording an output, writing the minutes) is allowed.
``review_transition_check`` refuses naming both the action and the state.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.errors import Conflict
from redress.framework.models.review import ReviewStatus


class ReviewAction(models.TextChoices):
    INPUTS = "inputs", _("Write the inputs")
    FREEZE = "freeze", _("Freeze the inputs")
    HOLD = "hold", _("Record the meeting as held")
    OUTPUT = "output", _("Record an output")
    MINUTES = "minutes", _("Write the minutes")
    APPROVE = "approve", _("Approve the minutes")


S = ReviewStatus
REVIEW_TRANSITIONS: dict[str, dict[str, str]] = {
    S.PLANNED: {ReviewAction.FREEZE: S.INPUTS_FROZEN},
    S.INPUTS_FROZEN: {ReviewAction.HOLD: S.HELD},
    S.HELD: {ReviewAction.APPROVE: S.MINUTES_APPROVED},
    S.MINUTES_APPROVED: {},
}
# Actions that leave the status as it is, and the states they are allowed in: the free-text
# inputs belong to the snapshot, so they are written before it is taken; outputs and minutes
# are the meeting's, recorded while it is held. Nothing changes once the minutes are approved.
REVIEW_EDITS: dict[str, tuple[str, ...]] = {
    ReviewAction.INPUTS: (S.PLANNED,),
    ReviewAction.OUTPUT: (S.HELD,),
    ReviewAction.MINUTES: (S.HELD,),
}


class ReviewTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, state: str, action: str):
        self.state = state
        self.action = action
        super().__init__(
            gettext("The action “%(action)s” is not allowed while the review is “%(state)s”.")
            % {"action": ReviewAction(action).label, "state": ReviewStatus(state).label}
        )


def review_transition_check(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state`` (the same state for an edit), or a
    ``ReviewTransitionNotAllowed`` naming both."""
    if action in REVIEW_EDITS:
        if state in REVIEW_EDITS[action]:
            return state
        raise ReviewTransitionNotAllowed(state, action)
    target = REVIEW_TRANSITIONS.get(state, {}).get(action)
    if target is None:
        raise ReviewTransitionNotAllowed(state, action)
    return target


def review_actions_allowed(state: str) -> set[str]:
    """Every action the review's state allows (the page offers only these)."""
    edits = {action for action, states in REVIEW_EDITS.items() if state in states}
    return edits | set(REVIEW_TRANSITIONS.get(state, {}))
