"""Which roles may take which action on a complaint they can see (ISO 10002 5.3).

What a person may *see* is decided once, by ``complaints.selectors.complaints_visible_to``;
this table says what they may *do* with what they see. Channels and system jobs act without a
person: ``CHANNEL_ACTIONS`` are the actions a channel may take.
"""

from __future__ import annotations

from redress.complaints.transitions import Action
from redress.core.roles import Role

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
    Action.CLOSE: frozenset({HANDLER, MANAGER}),
    Action.REOPEN: frozenset({MANAGER}),
    Action.RATE: frozenset({FRONTLINE, HANDLER, MANAGER}),
    Action.WITHDRAW: frozenset({FRONTLINE, HANDLER, MANAGER}),
    # Recorded by the outbox (a system actor) only; no person reports an email's delivery.
    Action.RECORD_DELIVERY: frozenset(),
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
