"""What a serving process does before it starts (the web server, the worker): checks, and
settling the memory it loaded."""

from __future__ import annotations

import gc
import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Libraries the code imports where it uses them, so that a management command does not spend
# seconds loading them at start (scikit-learn and SciPy alone take about 3 s): text likeness
# at intake and in triage, the PDF check of attachments. A serving process loads them before
# it serves, so that no request waits for them.
SERVING_LIBRARIES = (
    "sklearn.feature_extraction.text",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "pypdf",
)


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


def serving_libraries_load() -> None:
    """Load ``SERVING_LIBRARIES`` now rather than in the first request or task that needs them."""
    for name in SERVING_LIBRARIES:
        importlib.import_module(name)


def heap_settle() -> None:
    """Load the URL configuration and the libraries requests use (``SERVING_LIBRARIES``) now
    rather than on the first request, then put everything loaded so far out of the garbage
    collector's reach (``gc.freeze``).

    Modules, settings, translations and the URL patterns live as long as the process; left in
    the collector's oldest generation, each full collection walks all of them again — a pause
    of 70–145 ms in the middle of some request, measured on the queue pages at 1M
    (bench/scale.md). Frozen, a full collection walks only what requests left behind."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URL configuration)
    serving_libraries_load()
    gc.collect()
    gc.freeze()
