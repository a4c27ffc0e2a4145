"""Personal-data protection records (Law 91/2025, Decree 356/2025), one module per subject."""

from redress.privacy.models.access import PersonalDataAccess
from redress.privacy.models.breaches import (
    NOTIFY_AUTHORITY_HOURS,
    BreachIncident,
    BreachNotice,
    DataCategory,
    SubjectsDecision,
)
from redress.privacy.models.contact_codes import ContactCode
from redress.privacy.models.erasure import AnonymisedComplaint, Erasure, LegalHold
from redress.privacy.models.requests import (
    OPEN_STATUSES,
    DataSubjectRequest,
    ProcessingRestriction,
    RequestChannel,
    RequestEvent,
    RequestKind,
    RequestNotice,
    RequestStatus,
    Verification,
)
from redress.privacy.models.retention import (
    EXPIRY_CHOICES,
    Expiry,
    RecordType,
    RetentionRule,
    RetentionRun,
)

__all__ = [
    "EXPIRY_CHOICES",
    "NOTIFY_AUTHORITY_HOURS",
    "OPEN_STATUSES",
    "AnonymisedComplaint",
    "BreachIncident",
    "BreachNotice",
    "ContactCode",
    "DataCategory",
    "DataSubjectRequest",
    "Erasure",
    "Expiry",
    "LegalHold",
    "PersonalDataAccess",
    "ProcessingRestriction",
    "RecordType",
    "RequestChannel",
    "RequestEvent",
    "RequestKind",
    "RequestNotice",
    "RequestStatus",
    "RetentionRule",
    "RetentionRun",
    "SubjectsDecision",
    "Verification",
]
