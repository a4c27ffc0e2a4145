"""The /api/v1 application: routers, the shared error shape, OpenAPI and docs.

The docs page (/api/v1/docs) uses the Swagger UI files shipped with django-ninja and served as
static files: it works without internet access.
"""

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


api = NinjaAPI(
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
