"""Mounted at /api/v1/ by config/urls.py. Unknown paths under it answer with a JSON 404."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from redress.api.api import api
from redress.api.errors import error_response


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(api, request, 404, "not_found", _("There is no such API endpoint."))


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
