"""What a serving process does before it starts (the web server, the worker): checks, and
settling the memory it loaded."""

from __future__ import annotations

import gc

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


def heap_settle() -> None:
    """Load the URL configuration now rather than on the first request, then put everything
    loaded so far out of the garbage collector's reach (``gc.freeze``).

    Modules, settings, translations and the URL patterns live as long as the process; left in
    the collector's oldest generation, each full collection walks all of them again — a pause
    of 70–145 ms in the middle of some request, measured on the queue pages at 1M
    (bench/scale.md). Frozen, a full collection walks only what requests left behind."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URL configuration)
    gc.collect()
    gc.freeze()
