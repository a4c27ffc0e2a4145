"""The one error type services raise. Interfaces turn it into a message, a 4xx or a CLI exit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext


class ApplicationError(Exception):
    """A refused or invalid request. ``message`` is already translated for the user."""

    code = "invalid"
    http_status = 400

    def __init__(
        self, message: Any, *, fields: dict[str, list[str]] | None = None, code: str | None = None
    ):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    code = "invalid"
    http_status = 422


class NotPermitted(ApplicationError):
    code = "forbidden"
    http_status = 403


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404


class Conflict(ApplicationError):
    """The request is well formed but not allowed now (state, guard, duplicate)."""

    code = "conflict"
    http_status = 409


class FieldProblems:
    """What is wrong with a request, field by field, gathered before anything is written; a
    service raises them all at once (``ValidationFailed``) so a form shows each beside its field."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.fields)

    def new_code(self, field: str, code: str, *, taken: Any, taken_message: Any) -> None:
        """The code of a new record: required, letters without accents, digits, hyphens and
        underscores, and not ``taken`` (a queryset of the records with that code)."""
        if not code.strip():
            self.add(field, gettext("This field is required."))
            return
        try:
            validate_slug(code.strip())
        except ValidationError:
            self.add(
                field, gettext("Use only letters without accents, digits, hyphens and underscores.")
            )
            return
        if taken.exists():
            self.add(field, taken_message)

    def raise_if_any(self, message: Any) -> None:
        """Raise ``ValidationFailed`` with ``message`` and every problem, if there is one."""
        if self.fields:
            raise ValidationFailed(message, fields=self.fields)


class StorageRefused(ApplicationError):
    """The file storage refused to keep a file (disk full, read-only, the object store down or
    refusing): nothing was written; the sender may try again later (HTTP 503)."""

    code = "storage_unavailable"
    http_status = 503
