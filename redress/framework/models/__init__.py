"""The management framework's records (ISO 10002 clauses 5, 6, 8.5, 8.6)."""

from redress.framework.models.audit import (
    Answer,
    Audit,
    AuditFinding,
    AuditQuestion,
    AuditReminder,
    AuditSampleItem,
    AuditStatus,
    CheckAspect,
    CheckResult,
    FindingType,
    RiskLevel,
)
from redress.framework.models.competence import Course, CourseRequirement, TrainingRecord
from redress.framework.models.objectives import (
    Objective,
    ObjectiveResult,
    ObjectiveStatus,
    ReviewFrequency,
)
from redress.framework.models.policy import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from redress.framework.models.responsibility import ProcessStep, Raci, Responsibility
from redress.framework.models.review import (
    ManagementReview,
    OutputType,
    ReviewOutput,
    ReviewSnapshot,
    ReviewStatus,
    TaskStatus,
)

__all__ = [
    "Answer",
    "Audit",
    "AuditFinding",
    "AuditQuestion",
    "AuditReminder",
    "AuditSampleItem",
    "AuditStatus",
    "CheckAspect",
    "CheckResult",
    "FindingType",
    "RiskLevel",
    "Course",
    "CourseRequirement",
    "Objective",
    "ObjectiveResult",
    "ObjectiveStatus",
    "PolicyAcknowledgement",
    "PolicyStatus",
    "PolicyVersion",
    "ProcessStep",
    "Raci",
    "Responsibility",
    "ReviewFrequency",
    "TrainingRecord",
    "ManagementReview",
    "OutputType",
    "ReviewOutput",
    "ReviewSnapshot",
    "ReviewStatus",
    "TaskStatus",
]
