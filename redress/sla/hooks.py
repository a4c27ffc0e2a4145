"""How the deadline engine follows lifecycle events: the first entry of the lifecycle effects
table (``redress.handling.effects``), run for every action.

Called inside the acting service's transaction, after its event is written, so a deadline
never disagrees with the complaint's state: both commit, or neither does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redress.sla import services
from redress.sla.rules import Stage

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent

# The action whose event marks a stage as done.
COMPLETES = services.STAGE_DONE_BY
# Actions that may change which policy applies (priority, category, unit, health/safety).
RECOMPUTES = frozenset({"assess", "prioritise", "assign"})


def on_complaint_event(complaint: Complaint, event: ComplaintEvent) -> None:
    """Compute deadlines on receipt; recompute them when priority, category or unit change;
    stop and restart the clocks on pause and resume; record each stage's outcome when done;
    time each internal review from its start to its decision."""
    action = event.action
    if action == "receive":
        # A complaint is received once, with no clocks and no pauses yet. Receipt writes the
        # deadlines onto the complaint with its reference, in the UPDATE that follows.
        services.sla_clocks_open(complaint=complaint, write_deadlines=False)
        return
    if action == "pause":
        services.sla_pause_start(
            complaint=complaint, at=complaint.paused_at or event.at, reason=complaint.pause_reason
        )
        return
    if action == "resume":
        services.sla_pause_end(complaint=complaint, at=event.at)
        return
    if action in ("close", "merge"):
        # Closing ends a pause too (the service clears it): the clock stopped until now.
        services.sla_pause_end_quietly(complaint=complaint, at=event.at)
    if action in COMPLETES:
        services.sla_stage_complete(complaint=complaint, stage=COMPLETES[action], at=event.at)
    if action == "assess" and event.to_status == "not_accepted":
        services.sla_stages_cancel(complaint=complaint, stages=[Stage.DECISION], at=event.at)
    if action == "merge":
        # A duplicate closed into another complaint: its stages are handled there.
        services.sla_stages_cancel(complaint=complaint, stages=list(Stage), at=event.at)
    if action == "withdraw":
        services.sla_stages_cancel(
            complaint=complaint,
            stages=[Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION],
            at=event.at,
        )
    if action == "reopen":
        services.sla_round_start(
            complaint=complaint, at=event.at, stages=[Stage.DECISION, Stage.CLOSE]
        )
    services.sla_follow_review(
        complaint=complaint, action=action, to_status=event.to_status, at=event.at
    )
    if action in RECOMPUTES:
        services.sla_clocks_recompute(complaint=complaint)
