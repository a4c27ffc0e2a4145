"""Every error of /api/v1 has one shape, in the language of Accept-Language:

    {"error": {"code": "invalid", "message": "…", "fields": {"subject": ["…"]}}}

Services raise ``ApplicationError`` (already translated); request-level problems (bad JSON,
schema validation, size, rate) are translated here. Nothing a client sends produces a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from redress.core.errors import ApplicationError
from redress.core.outage import RETRY_AFTER_SECONDS, is_outage

logger = logging.getLogger("redress.api")


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorBody


class PayloadTooLarge(ApplicationError):
    code = "payload_too_large"
    http_status = 413


class RateLimited(ApplicationError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: Any, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class MissingScope(ApplicationError):
    code = "scope"
    http_status = 403


# The statuses every operation may answer with besides its success (documented in OpenAPI).
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    return {status: ErrorOut for status in (statuses or ERROR_STATUSES)}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return api.create_response(request, body, status=status)


def _pydantic_message(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error (its English text is not shown)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        if kind == "too_long":
            return _("At most %(count)s items.") % {"count": ctx.get("max_length", "")}
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length", "")}
    if kind in ("string_too_short", "too_short"):
        return _("This field cannot be empty.")
    if kind.startswith("int_") or kind == "decimal_type":
        return _("Enter a whole number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith("date_"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind.startswith("datetime_"):
        return _("Enter a valid date and time (ISO 8601).")
    if kind in ("literal_error", "enum"):
        return _("Not a valid choice (choose one of: %(choices)s).") % {
            "choices": ctx.get("expected", "")
        }
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(limit)s.") % {
            "limit": ctx.get("ge", ctx.get("gt", ""))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(limit)s.") % {
            "limit": ctx.get("le", ctx.get("lt", ""))
        }
    if kind == "string_type":
        return _("Enter text.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Enter an object.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "redress":
        return str(ctx.get("message") or _("Enter a valid value."))
    return _("Enter a valid value.")


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "form", "file", "cookie"):
        source = parts.pop(0)
        if source in ("body", "form") and parts and parts[0] in ("payload", "data"):
            parts.pop(0)
    return ".".join(str(p) for p in parts) or "body"


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = tuple(error.get("loc", ()))
        field = (error.get("ctx") or {}).get("field")
        if field:  # a rule over several fields names the first of them (schemas.check_one_of_given)
            loc = (*loc, field)
        fields.setdefault(_field_name(loc), []).append(_pydantic_message(error))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def application_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(api, request, exc.http_status, exc.code, exc.message, exc.fields)
        if exc.http_status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="redress"'
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "invalid",
            _("Some fields are not valid."),
            validation_fields(exc.errors),
        )

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            response = error_response(
                api,
                request,
                401,
                "unauthenticated",
                _("Send the API token as “Authorization: Bearer <token>”."),
            )
            response["WWW-Authenticate"] = 'Bearer realm="redress"'
            return response
        if isinstance(exc, Throttled):
            return error_response(
                api, request, 429, "rate_limited", _("Too many requests; slow down.")
            )
        if exc.status_code == 400:
            return error_response(
                api, request, 400, "bad_request", _("The request body is not valid JSON.")
            )
        return error_response(api, request, exc.status_code, "error", str(exc))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    def too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, 413, "payload_too_large", _("The request is too large.")
        )

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        if is_outage(exc):
            logger.warning("%s %s: a service is down (%s)", request.method, request.path, exc)
            response = error_response(
                api,
                request,
                503,
                "unavailable",
                _(
                    "The service is briefly unavailable; nothing was changed. Try again in a minute."
                ),
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        return error_response(
            api,
            request,
            500,
            "server_error",
            _("Something went wrong on our side; nothing was changed."),
        )

    api.add_exception_handler(ApplicationError, application_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(TooManyFilesSent, too_big)
    api.add_exception_handler(TooManyFieldsSent, too_big)
    api.add_exception_handler(Exception, unexpected)
