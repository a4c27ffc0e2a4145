"""The /api/v1 application: routers, the shared error shape, OpenAPI and docs.

The docs page (/api/v1/docs) uses the Swagger UI files shipped with django-ninja and served as
static files: it works without internet access.
"""

from typing import Any

from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from redress.api import (
    actions,
    analytics,
    complaints,
    framework,
    framework_audits,
    framework_reviews,
    improvement,
    privacy,
    reference,
)
from redress.api.errors import install_error_handlers

DESCRIPTION = """
Complaints in and out of Redress (ISO 10002). Authenticate with `Authorization: Bearer <token>`
(created in the admin or with `redress token create`). A token acts as its user, with that
user's roles, and within its scopes: `read`, `write` (create complaints, messages,
attachments) and `actions` (lifecycle actions).

Errors have one shape: `{"error": {"code", "message", "fields"}}`, in the language of
`Accept-Language` (Vietnamese by default). See docs/api.md for a complete session.
"""


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese text stays readable in curl output and logs instead of \u escapes.
    json_dumps_params = {"ensure_ascii": False}


class RedressAPI(NinjaAPI):
    """Builds its OpenAPI document once per process and language: the build walks every
    operation's schemas (about a second of CPU) and its result changes only with the code, so
    that anyone fetching /api/v1/openapi.json, signed in or not, costs a lookup."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        key = (get_language(), path_prefix, tuple(sorted((path_params or {}).items())))
        built: dict[tuple[Any, ...], Any] = self.__dict__.setdefault("_openapi_built", {})
        if key not in built:
            built[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return built[key]


api = RedressAPI(
    title="Redress API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
)
install_error_handlers(api)
api.add_router("", complaints.router)
api.add_router("", actions.router)
api.add_router("", reference.router)
api.add_router("", analytics.router)
api.add_router("", improvement.router)
api.add_router("", framework.router)
api.add_router("", framework_audits.router)
api.add_router("", framework_reviews.router)
api.add_router("", privacy.router)
