from redress.complaints.models.choices import (
    Channel,
    Classification,
    Level,
    Outcome,
    PauseReason,
    Priority,
    Reaction,
    RemedyType,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.models.complaint import OPEN_STATUSES, Complaint, ReferenceCounter
from redress.complaints.models.exports import ExportJob
from redress.complaints.models.links import ComplaintLink, LinkKind
from redress.complaints.models.objectivity import ConflictDeclaration
from redress.complaints.models.priority import PriorityMatrix
from redress.complaints.models.queue_views import (
    DeadlineTally,
    QueueColumns,
    QueueTally,
    SavedQueueView,
)
from redress.complaints.models.records import (
    Attachment,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Message,
    Remedy,
    SatisfactionResponse,
)
from redress.complaints.models.register import Category, Complainant, Product

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
    "Category",
    "Channel",
    "Classification",
    "Complainant",
    "Complaint",
    "ConflictDeclaration",
    "ExportJob",
    "ComplaintEvent",
    "ComplaintLink",
    "Decision",
    "ExternalReferral",
    "Level",
    "LinkKind",
    "Message",
    "Outcome",
    "PauseReason",
    "Priority",
    "PriorityMatrix",
    "Product",
    "QueueColumns",
    "QueueTally",
    "DeadlineTally",
    "Reaction",
    "ReferenceCounter",
    "Remedy",
    "RemedyType",
    "SatisfactionResponse",
    "SavedQueueView",
    "Severity",
    "Status",
    "VulnerableGroup",
]
