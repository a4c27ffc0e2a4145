"""Continual improvement (ISO 10002 7.6, 7.7, 8.2, 8.7): the cause taxonomy, investigation
records and their structured methods, systemic issues and the rules that open them, corrective
and preventive actions (CAPA) with their tasks and effectiveness checks, and the follow-up
record of each."""

from redress.improvement.models.analysis import (
    FishboneItem,
    Investigation,
    InvestigationActivity,
    WhyStep,
)
from redress.improvement.models.capa import (
    Capa,
    CapaEscalation,
    CapaSource,
    CapaStatus,
    CapaTask,
    CapaType,
)
from redress.improvement.models.causes import Cause
from redress.improvement.models.events import ImprovementEvent, SpcScan
from redress.improvement.models.systemic import (
    Dimension,
    IssueDecision,
    IssueSource,
    IssueStatus,
    ProposalStatus,
    SystemicIssue,
    SystemicIssueComplaint,
    SystemicProposal,
    SystemicRule,
)

__all__ = [
    "Capa",
    "CapaEscalation",
    "CapaSource",
    "CapaStatus",
    "CapaTask",
    "CapaType",
    "Cause",
    "Dimension",
    "FishboneItem",
    "ImprovementEvent",
    "Investigation",
    "InvestigationActivity",
    "IssueDecision",
    "IssueSource",
    "IssueStatus",
    "ProposalStatus",
    "SpcScan",
    "SystemicIssue",
    "SystemicIssueComplaint",
    "SystemicProposal",
    "SystemicRule",
    "WhyStep",
]
