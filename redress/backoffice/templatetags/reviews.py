"""What the navigation needs to know of management review."""

from typing import Any

from django import template

from redress.framework.selectors_review import may_read_reviews

register = template.Library()


@register.filter
def reads_reviews(user: Any) -> bool:
    """Whether the person reads the management-review pack (the navigation's link)."""
    return bool(getattr(user, "is_authenticated", False) and may_read_reviews(user))
