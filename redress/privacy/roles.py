"""Who may do what with personal-data protection records (Law 91/2025 on personal data, Decree
356/2025), as data: ``PRIVACY_ROLES[permission]`` is the set of roles that may take it, whatever
their unit (personal-data protection is the organisation's, not a unit's)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.errors import NotPermitted
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.roles import held_roles


class Permission(models.TextChoices):
    BREACH_READ = "breach_read", _("Read the personal-data breach register")
    BREACH_REPORT = "breach_report", _("Report a personal-data breach")
    BREACH_MANAGE = "breach_manage", _("Handle a breach: notify the authority, inform people")
    ACCESS_LOG_READ = "access_log_read", _("Read who saw personal data")
    CONSENT_RECORD = (
        "consent_record",
        _("Record a complainant's consent or its withdrawal on their behalf"),
    )
    PERSONAL_DATA_EXPORT = "personal_data_export", _("Export a person's data")
    ERASE = "erase", _("Erase a person's personal data")
    LEGAL_HOLD = "legal_hold", _("Place or release a legal hold on a complaint")
    RETENTION_READ = "retention_read", _("Read the retention rules and their runs")
    RETENTION_MANAGE = "retention_manage", _("Change the retention rules and run them")
    REQUEST_READ = "request_read", _("Read data-subject requests")
    REQUEST_MANAGE = "request_manage", _("Handle data-subject requests")


PRIVACY_ROLES: dict[str, frozenset[Role]] = {
    Permission.BREACH_READ: frozenset(
        {Role.DPO, Role.TOP_MANAGEMENT, Role.AUDITOR, Role.ADMIN, Role.COMPLAINTS_MANAGER}
    ),
    # Whoever is likely to find a breach first reports it; the DPO handles it.
    Permission.BREACH_REPORT: frozenset(
        {Role.DPO, Role.TOP_MANAGEMENT, Role.ADMIN, Role.COMPLAINTS_MANAGER}
    ),
    Permission.BREACH_MANAGE: frozenset({Role.DPO}),
    Permission.ACCESS_LOG_READ: frozenset({Role.DPO, Role.AUDITOR}),
    # Those who speak with complainants, and the DPO, who answers their requests.
    Permission.CONSENT_RECORD: frozenset(
        {Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER, Role.DPO}
    ),
    # Everything about one person in one file: the officer who answers their requests only.
    Permission.PERSONAL_DATA_EXPORT: frozenset({Role.DPO}),
    Permission.ERASE: frozenset({Role.DPO}),
    # The complaints manager knows first of a dispute going to court or an inspection.
    Permission.LEGAL_HOLD: frozenset({Role.DPO, Role.COMPLAINTS_MANAGER}),
    Permission.RETENTION_READ: frozenset({Role.DPO, Role.AUDITOR, Role.TOP_MANAGEMENT}),
    Permission.RETENTION_MANAGE: frozenset({Role.DPO}),
    Permission.REQUEST_READ: frozenset({Role.DPO, Role.AUDITOR}),
    # Receiving a request on the person's behalf is handling it too: the DPO's alone.
    Permission.REQUEST_MANAGE: frozenset({Role.DPO}),
}


def may(user: User, permission: str) -> bool:
    return bool(held_roles(user) & PRIVACY_ROLES[permission])


def permission_check(user: User, permission: str) -> None:
    if not may(user, permission):
        raise NotPermitted(
            gettext("You may not do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )
