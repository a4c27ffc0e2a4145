"""Personal-data protection records (Law 91/2025, Decree 356/2025), one module per subject."""

from redress.privacy.models.access import PersonalDataAccess
from redress.privacy.models.breaches import (
    NOTIFY_AUTHORITY_HOURS,
    BreachIncident,
    BreachNotice,
    DataCategory,
    SubjectsDecision,
)
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

__all__ = [
    "NOTIFY_AUTHORITY_HOURS",
    "OPEN_STATUSES",
    "BreachIncident",
    "BreachNotice",
    "DataCategory",
    "DataSubjectRequest",
    "PersonalDataAccess",
    "ProcessingRestriction",
    "RequestChannel",
    "RequestEvent",
    "RequestKind",
    "RequestNotice",
    "RequestStatus",
    "SubjectsDecision",
    "Verification",
]
