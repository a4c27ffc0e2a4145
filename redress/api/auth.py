"""Bearer tokens, their scopes, and the per-token rate limit.

The token acts as its user: every call then goes through the same visibility gate and role
checks as the back office. A scope narrows what the token may do, never widens it.
"""

from __future__ import annotations

import time
from typing import Any, cast

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from redress.api.errors import MissingScope, RateLimited
from redress.core.errors import NotPermitted
from redress.core.models import User
from redress.core.selectors import user_roles
from redress.integrations.models import ApiToken, Scope
from redress.integrations.services import NotAuthenticated, token_authenticate


def api_user(request: HttpRequest) -> User:
    """The person the request's token acts as (set by ``TokenAuth``)."""
    return cast(User, request.user)


def api_token(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.api_token)  # type: ignore[attr-defined]


def rate_limit_check(token: ApiToken) -> None:
    """A fixed one-minute window per token, counted in the shared cache.

    Raises ``RateLimited`` (429, with Retry-After) past the token's requests per minute.
    """
    now = time.time()
    window = int(now // 60)
    key = f"redress:api-rate:{token.key_hash[:24]}:{window}"
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=90)
            count = 1
    if count > token.rate_limit_per_minute:
        raise RateLimited(
            _("Too many requests: this token may make %(limit)s requests a minute.")
            % {"limit": token.rate_limit_per_minute},
            retry_after=max(1, int((window + 1) * 60 - now) + 1),
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rdr_…`` with the given scope."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated(_("Send the API token as “Authorization: Bearer <token>”."))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = token_authenticate(token)
        rate_limit_check(api_token)
        if not api_token.has_scope(self.scope):
            raise MissingScope(_("This token lacks the “%(scope)s” scope.") % {"scope": self.scope})
        # A person without a staff role (an external auditor, whose access is the pack and its
        # sampled records on the staff site, every view logged) has nothing to do here.
        if not api_token.user.is_superuser and not user_roles(api_token.user):
            raise NotPermitted(_("The person this token acts for holds no staff role."))
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


READ = TokenAuth(Scope.READ)
WRITE = TokenAuth(Scope.WRITE)
ACTIONS = TokenAuth(Scope.ACTIONS)
