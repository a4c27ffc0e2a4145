"""Every write of the deadline engine: starting, moving, stopping and closing stage clocks, and
sending each escalation notice once.

The lifecycle services call in through ``redress.sla.hooks`` (an entry of ``redress.handling.effects``) inside their own transaction;
the check task and the sweep call ``sla_clock_check``. Deadlines are always recomputed from
scratch (receipt time, policy, calendar, recorded pauses), so running a recomputation twice, or
late, gives the same answer.

- ``clocks``: open, pause, complete, cancel, a new round after a reopening; the plan of a stage.
- ``recompute``: recompute after a policy or calendar edit; rebuild clocks from the events.
- ``escalation``: the check of one clock and the rules of the notices it owes.
- ``audience``: who each escalation level reaches.
- ``sweep``: every due clock at once, set-based, and telling each person once (digests).
- ``bulk``: the clocks of many complaints at once, set-based (volume data).
- ``queue``: how these services queue the tasks that call them back.
"""

from redress.sla.replay import TIMED_ACTIONS, Replay, due_fields
from redress.sla.services.bulk import (
    BUILD_BATCH,
    DeadlineBuilder,
    PlannedClocks,
    event_of,
    sla_clocks_build,
)
from redress.sla.services.clocks import (
    FALLBACK_NEAR_DUE_PERCENT,
    FALLBACK_TARGETS,
    REVIEW_DONE_BY,
    REVIEW_ENDED_BY,
    REVIEW_STARTED_BY,
    RUNNING,
    STAGE_DONE_BY,
    Plan,
    plan_stage,
    sla_clocks_open,
    sla_clocks_recompute,
    sla_clocks_start,
    sla_follow_review,
    sla_pause_end,
    sla_pause_end_quietly,
    sla_pause_start,
    sla_review_start,
    sla_round_start,
    sla_stage_complete,
    sla_stages_cancel,
)
from redress.sla.services.escalation import Due, notices_due, sla_clock_check
from redress.sla.services.recompute import (
    RECOMPUTE_BATCH,
    sla_calendar_changed,
    sla_clocks_rebuild,
    sla_clocks_rebuild_missing,
    sla_recompute_complaints,
    sla_recompute_received_since,
    sla_recompute_schedule,
    sla_reviews_rebuild,
)
from redress.sla.services.sweep import SWEEP_BATCH, deadline_notices_tell, sla_sweep

__all__ = [
    "SWEEP_BATCH",
    "Due",
    "deadline_notices_tell",
    "notices_due",
    "BUILD_BATCH",
    "TIMED_ACTIONS",
    "DeadlineBuilder",
    "PlannedClocks",
    "Replay",
    "due_fields",
    "event_of",
    "FALLBACK_NEAR_DUE_PERCENT",
    "FALLBACK_TARGETS",
    "RECOMPUTE_BATCH",
    "REVIEW_DONE_BY",
    "REVIEW_ENDED_BY",
    "REVIEW_STARTED_BY",
    "RUNNING",
    "STAGE_DONE_BY",
    "Plan",
    "plan_stage",
    "sla_calendar_changed",
    "sla_clock_check",
    "sla_clocks_build",
    "sla_clocks_open",
    "sla_clocks_rebuild",
    "sla_clocks_rebuild_missing",
    "sla_clocks_recompute",
    "sla_clocks_start",
    "sla_follow_review",
    "sla_pause_end",
    "sla_pause_end_quietly",
    "sla_pause_start",
    "sla_recompute_complaints",
    "sla_recompute_received_since",
    "sla_recompute_schedule",
    "sla_review_start",
    "sla_reviews_rebuild",
    "sla_round_start",
    "sla_stage_complete",
    "sla_stages_cancel",
    "sla_sweep",
]
