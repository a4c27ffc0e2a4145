"""What the navigation needs to know of personal-data protection."""

from typing import Any

from django import template

from redress.privacy.retention_rules import reads_retention as _reads_retention
from redress.privacy.roles import Permission, may
from redress.privacy.selectors import reads_breaches

register = template.Library()


@register.filter
def reads_breach_register(user: Any) -> bool:
    """Whether the person reads the breach register (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and reads_breaches(user))


@register.filter
def reads_access_log(user: Any) -> bool:
    """Whether the person reads the personal-data access log (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may(user, Permission.ACCESS_LOG_READ))


@register.filter
def exports_personal_data(user: Any) -> bool:
    """Whether the person may export a person's data (the navigation's link)."""
    return bool(
        getattr(user, "is_authenticated", False) and may(user, Permission.PERSONAL_DATA_EXPORT)
    )


@register.filter
def erases_personal_data(user: Any) -> bool:
    """Whether the person may erase a person's data (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may(user, Permission.ERASE))


@register.filter
def reads_retention(user: Any) -> bool:
    """Whether the person reads the retention rules (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and _reads_retention(user))


@register.filter
def reads_subject_requests(user: Any) -> bool:
    """Whether the person reads data-subject requests (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may(user, Permission.REQUEST_READ))


@register.filter
def places_legal_holds(user: Any) -> bool:
    """Whether the person places and releases legal holds (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may(user, Permission.LEGAL_HOLD))
