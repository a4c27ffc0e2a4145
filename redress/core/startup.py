"""Checks a serving process makes before it starts (the web server, the worker)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def secret_key_check() -> None:
    """Refuse to serve with the public demo key unless debugging: with it anyone could sign a
    staff session or compute a complaint's tracking code."""
    if settings.DEBUG:
        return
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        raise ImproperlyConfigured(
            "Redress will not start with the public demo secret key. Set REDRESS_SECRET_KEY "
            "(50 random characters or more), or run `redress secret_key` to write this "
            f"machine's own key to {settings.SECRET_KEY_FILE}."
        )
