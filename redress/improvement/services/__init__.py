"""Every write of continual improvement (DESIGN.md rule 1): each service checks the role
matrix, changes its record, and writes its follow-up event and audit entry in one transaction.
"""

from redress.improvement.services.analysis import (
    FishboneInput,
    WhyInput,
    fishbone_save,
    investigation_activity_add,
    investigation_conclude,
    why_steps_save,
)
from redress.improvement.services.capa import (
    capa_check,
    capa_implement,
    capa_link_complaint,
    capa_open,
    capa_plan,
    capa_reopen,
    capa_start,
    capa_task_add,
    capa_task_done,
    capa_verify,
)
from redress.improvement.services.jobs import (
    capa_checks_due,
    capa_overdue_sweep,
    improvement_sweep,
    systemic_spc_scan,
)
from redress.improvement.services.systemic import (
    rule_problems,
    systemic_issue_assign,
    systemic_issue_attach,
    systemic_issue_decide,
    systemic_issue_open,
    systemic_rule_save,
    systemic_rules_apply,
)

__all__ = [
    "FishboneInput",
    "WhyInput",
    "capa_check",
    "capa_checks_due",
    "capa_implement",
    "capa_link_complaint",
    "capa_open",
    "capa_overdue_sweep",
    "capa_plan",
    "capa_reopen",
    "capa_start",
    "capa_task_add",
    "capa_task_done",
    "capa_verify",
    "fishbone_save",
    "improvement_sweep",
    "investigation_activity_add",
    "investigation_conclude",
    "rule_problems",
    "systemic_spc_scan",
    "systemic_issue_assign",
    "systemic_issue_attach",
    "systemic_issue_decide",
    "systemic_issue_open",
    "systemic_rule_save",
    "systemic_rules_apply",
    "why_steps_save",
]
