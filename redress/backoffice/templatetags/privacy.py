"""What the navigation needs to know of personal-data protection."""

from typing import Any

from django import template

from redress.privacy.selectors import reads_breaches

register = template.Library()


@register.filter
def reads_breach_register(user: Any) -> bool:
    """Whether the person reads the breach register (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and reads_breaches(user))
