"""What the navigation needs to know of certification readiness."""

from typing import Any

from django import template

from redress.certification.readiness import may_read_readiness

register = template.Library()


@register.filter
def reads_readiness(user: Any) -> bool:
    """Whether the person sees the readiness page (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may_read_readiness(user))
