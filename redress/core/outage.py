"""Whether an error means a service Redress depends on is down (the database restarting, Redis
gone), not a bug: such a request is answered 503 with Retry-After, so that clients and the
proxy try again, instead of a 500 that reads as a fault of the request (docs/deployment.md,
"When a service is down")."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# Seconds after which a client may try again: about the time PostgreSQL or Redis takes to come
# back after a restart.
RETRY_AFTER_SECONDS = 30


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # Redis is optional: without it the tasks use the database
        return ()
    return (RedisConnectionError, RedisTimeoutError)


def is_outage(error: BaseException | None) -> bool:
    """True for an error raised because the database or the task queue cannot be reached."""
    outages: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        *_redis_errors(),
    )
    seen = 0
    # The driver's error is often the cause of the one raised (e.g. a task backend's own error).
    while error is not None and seen < 5:
        if isinstance(error, outages):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
