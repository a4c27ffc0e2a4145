"""The certification app's records: the map of a standard with its readiness snapshots
(``maps``), and the auditor's packs with external auditors' access to them (``packs``)."""

from redress.certification.models.maps import (
    EvidenceRule,
    Item,
    ItemKind,
    ReadinessSnapshot,
    Standard,
)
from redress.certification.models.packs import (
    AuditorPack,
    ExternalAuditorGrant,
    PackLanguage,
    PackSampleItem,
    PackState,
)

__all__ = [
    "AuditorPack",
    "EvidenceRule",
    "ExternalAuditorGrant",
    "Item",
    "ItemKind",
    "PackLanguage",
    "PackSampleItem",
    "PackState",
    "ReadinessSnapshot",
    "Standard",
]
