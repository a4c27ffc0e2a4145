"""Small reference reads kept for the length of one read-only request.

A dashboard asks the unit tree, the calendars and the rollup's state once per figure it
computes; these tables are tiny and change rarely, so within one GET (or HEAD) request each is
read once (``remembered``). The memo lives only while such a request is served
(``ReadMemoMiddleware``): a request that writes, a task and a test without a request read
afresh each time, so nothing is ever read stale after a write of its own. Unlike the settings
kept for some seconds across requests (``core.memo``), what is kept here also decides who sees
what (the unit tree), so it never outlives the request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "redress_read_memo", default=None
)
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


@contextmanager
def read_memo() -> Iterator[None]:
    """Within this block, ``remembered`` reads each key once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """What ``compute`` gives, read once per read-only request (every time outside one)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    found: T = memo[key]
    return found


class ReadMemoMiddleware:
    """Opens the memo for the length of a GET or HEAD request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_ONLY_METHODS:
            return self.get_response(request)
        with read_memo():
            return self.get_response(request)
