"""Per-process memory of settings rows that change rarely and are read on every intake.

The organisation's settings, calendars, deadline policies, message templates and webhook
subscriptions are read by every complaint received; reading them from the database each time
cost more than the complaint itself. A ``memo`` keeps what a loader returned for
``REDRESS_SETTINGS_MEMO_SECONDS`` (10 by default, 0 in tests): a change made in another process
(the admin, another worker) is seen by this one within that time, and a change made through a
service in this process is seen at once, because those services call ``memo_clear``.

Values kept here are shared between requests: callers must treat them as read-only.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_stores: list[dict[Hashable, tuple[float, Any]]] = []
_lock = threading.Lock()


def memo(loader: Callable[..., T]) -> Callable[..., T]:
    """Remember ``loader(*args)`` per arguments for ``REDRESS_SETTINGS_MEMO_SECONDS``."""
    store: dict[Hashable, tuple[float, Any]] = {}
    _stores.append(store)

    @functools.wraps(loader)
    def remembered(*args: Hashable) -> T:
        seconds = settings.REDRESS_SETTINGS_MEMO_SECONDS
        if seconds <= 0:
            return loader(*args)
        now = time.monotonic()
        kept = store.get(args)
        if kept is not None and now - kept[0] < seconds:
            return kept[1]  # type: ignore[no-any-return]
        value = loader(*args)
        with _lock:
            store[args] = (now, value)
        return value

    return remembered


def memo_clear() -> None:
    """Forget everything remembered in this process (after a settings change)."""
    with _lock:
        for store in _stores:
            store.clear()


def memo_wait() -> float:
    """Seconds after which every process has forgotten what it remembered: work that must see
    a settings change (recomputing deadlines after a policy edit) is scheduled that much later."""
    return float(max(settings.REDRESS_SETTINGS_MEMO_SECONDS, 0))
