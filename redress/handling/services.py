"""Every write to the complaint register (DESIGN.md rule 1), gathered from the stage modules
for callers: ``from redress.handling import services``.

Each service is atomic: it locks the complaint, checks the action against the lifecycle table
and the actor's roles, changes what it must, and writes one complaint event and one audit entry
in the same transaction, with the action's effects (``effects.EFFECTS``). A refused action
raises an ``ApplicationError`` and changes nothing.
"""

from redress.handling.closure import (
    complaint_close,
    complaint_rate,
    complaint_record_delivery,
    complaint_reopen,
    complaint_withdraw,
)
from redress.handling.decisions import (
    RemedyInput,
    complaint_approve_decision,
    complaint_communicate_decision,
    complaint_escalate,
    complaint_propose_decision,
    complaint_record_reaction,
    complaint_record_referral_outcome,
    complaint_refer_external,
    complaint_return_decision,
    four_eyes_required,
    remedy_settle,
)
from redress.handling.links import (
    complaint_dismiss_duplicate,
    complaint_link,
    complaint_merge,
)
from redress.handling.messages import complaint_add_message, complaint_add_note
from redress.handling.objectivity import (
    complaint_declare_conflict,
    complaint_record_subject_staff,
    complaint_withdraw_conflict,
)
from redress.handling.receipt import (
    Received,
    complainant_get_or_create,
    complaint_receive,
    default_intake_unit,
)
from redress.handling.triage import (
    complaint_acknowledge,
    complaint_assess,
    complaint_assign,
    complaint_pause,
    complaint_prioritise,
    complaint_resume,
    complaint_start_investigation,
)

__all__ = [
    "Received",
    "RemedyInput",
    "complainant_get_or_create",
    "complaint_acknowledge",
    "complaint_add_message",
    "complaint_add_note",
    "complaint_approve_decision",
    "complaint_assess",
    "complaint_assign",
    "complaint_close",
    "complaint_declare_conflict",
    "complaint_communicate_decision",
    "complaint_dismiss_duplicate",
    "complaint_escalate",
    "complaint_link",
    "complaint_merge",
    "complaint_pause",
    "complaint_prioritise",
    "complaint_propose_decision",
    "complaint_rate",
    "complaint_receive",
    "complaint_record_delivery",
    "complaint_record_reaction",
    "complaint_record_subject_staff",
    "complaint_record_referral_outcome",
    "complaint_refer_external",
    "complaint_reopen",
    "complaint_resume",
    "complaint_return_decision",
    "complaint_start_investigation",
    "complaint_withdraw",
    "complaint_withdraw_conflict",
    "default_intake_unit",
    "four_eyes_required",
    "remedy_settle",
]
