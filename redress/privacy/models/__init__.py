"""Personal-data protection records (Law 91/2025, Decree 356/2025), one module per subject."""

from redress.privacy.models.access import PersonalDataAccess
from redress.privacy.models.breaches import (
    NOTIFY_AUTHORITY_HOURS,
    BreachIncident,
    BreachNotice,
    DataCategory,
    SubjectsDecision,
)
from redress.privacy.models.erasure import AnonymisedComplaint, Erasure, LegalHold
from redress.privacy.models.retention import (
    EXPIRY_CHOICES,
    Expiry,
    RecordType,
    RetentionRule,
    RetentionRun,
)

__all__ = [
    "NOTIFY_AUTHORITY_HOURS",
    "AnonymisedComplaint",
    "Erasure",
    "LegalHold",
    "BreachIncident",
    "BreachNotice",
    "DataCategory",
    "EXPIRY_CHOICES",
    "Expiry",
    "PersonalDataAccess",
    "RecordType",
    "RetentionRule",
    "RetentionRun",
    "SubjectsDecision",
]
