"""Which roles may take which action on a complaint they can see (ISO 10002 5.3).

What a person may *see* is decided once, by ``selectors.complaints_visible_to``; this table
says what they may *do* with what they see.
"""

from __future__ import annotations

from redress.complaints.transitions import Action
from redress.core.roles import Role

F, H, M, T = Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT

ACTION_ROLES: dict[str, frozenset[Role]] = {
    Action.RECEIVE: frozenset({F, H, M}),
    Action.ACKNOWLEDGE: frozenset({F, H, M}),
    Action.ASSESS: frozenset({H, M}),
    Action.ASSIGN: frozenset({H, M}),
    Action.PRIORITISE: frozenset({H, M}),
    Action.PAUSE: frozenset({H, M}),
    Action.RESUME: frozenset({H, M}),
    Action.START_INVESTIGATION: frozenset({H, M}),
    Action.ADD_NOTE: frozenset({F, H, M, T}),
    Action.ADD_MESSAGE: frozenset({F, H, M}),
    Action.PROPOSE_DECISION: frozenset({H, M}),
    Action.APPROVE_DECISION: frozenset({M, T}),
    Action.RETURN_DECISION: frozenset({M, T}),
    Action.COMMUNICATE_DECISION: frozenset({H, M}),
    Action.RECORD_REACTION: frozenset({F, H, M}),
    Action.ESCALATE: frozenset({H, M}),
    Action.REFER_EXTERNAL: frozenset({M}),
    Action.SETTLE_REMEDY: frozenset({H, M}),
    Action.CLOSE: frozenset({H, M}),
    Action.REOPEN: frozenset({M}),
    Action.RATE: frozenset({F, H, M}),
    Action.WITHDRAW: frozenset({F, H, M}),
    # Recorded by the outbox (a system actor) only; no person reports an email's delivery.
    Action.RECORD_DELIVERY: frozenset(),
}
