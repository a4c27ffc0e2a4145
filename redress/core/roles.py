"""Roles a person holds in an organisation unit (ISO 10002 clause 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline staff")
    HANDLER = "handler", _("Handler")
    COMPLAINTS_MANAGER = "complaints_manager", _("Complaints manager")
    TOP_MANAGEMENT = "top_management", _("Top management")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")
    # ISO 10002 5 and Vietnam's personal-data law: the person answerable for personal data.
    DPO = "dpo", _("Data-protection officer")
    # Other managers the complaints process consults or informs (ISO 10002 5.3, 5.4).
    OTHER_MANAGER = "other_manager", _("Other manager")


# Roles that see every complaint of the organisation, whatever their unit.
ORGANISATION_WIDE_ROLES = frozenset({Role.TOP_MANAGEMENT, Role.AUDITOR})
# Roles that may never change a complaint (read-only access).
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
# Roles that must sign in with a second factor (TOTP), besides the password (ASVS 2.7/2.8): those
# who configure the system, see and decide on every complaint, or answer for personal data. Superusers and Django-admin
# staff too (redress.core.selectors.second_factor_required). Everyone else may choose one.
SECOND_FACTOR_ROLES = frozenset(
    {Role.ADMIN, Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR, Role.DPO}
)
