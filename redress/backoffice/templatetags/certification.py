"""What the navigation needs to know of the auditor's pack and external auditors' access."""

from typing import Any

from django import template

from redress.certification.selectors import may_grant, may_read_packs

register = template.Library()


@register.filter
def reads_packs(user: Any) -> bool:
    """Whether the person reads the auditor's packs (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may_read_packs(user))


@register.filter
def grants_audit_access(user: Any) -> bool:
    """Whether the person grants external auditors access (administrators)."""
    return bool(getattr(user, "is_authenticated", False) and may_grant(user))
