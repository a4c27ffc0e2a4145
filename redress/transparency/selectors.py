"""Reads of the public information."""

from __future__ import annotations

from django.db.models import QuerySet

from redress.transparency.models import ExternalBody, Notice


def notice_current() -> Notice | None:
    """The version the public sees now: the one published last (None before any is)."""
    return (
        Notice.objects.filter(state=Notice.State.PUBLISHED)
        .prefetch_related("steps")
        .order_by("-published_at", "-version")
        .first()
    )


def external_bodies_active() -> QuerySet[ExternalBody]:
    return ExternalBody.objects.filter(is_active=True).order_by("order", "pk")
