import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext


class UserLanguageMiddleware:
    """Staff pages speak the language the signed-in person chose (remembered on the user).

    Portal pages carry their language in the URL (/vi/, /en/) and are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/vi/", "/en/"))
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in the address, the query or a posted form of a page is refused with 400
    before any view runs: no text Redress stores or searches may hold one (PostgreSQL refuses
    it, and nothing a person types contains it). The API is left to its schemas, which refuse
    NUL in every text field with its documented 422 naming the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and _holds_nul(request):
            message = gettext("The request contains a NUL character, which no field may hold.")
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "\x00" in query or "%00" in query:
        return True
    if request.method == "POST" and request.content_type in _FORMS:
        try:
            fields = request.POST.lists()
        except MultiPartParserError:
            return False  # the view answers a broken body
        return any("\x00" in value for _name, values in fields for value in values)
    return False


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class PrivateNoStoreMiddleware:
    """Nothing of the staff site, the Django admin or the API is kept by a browser or a proxy
    (pages, exports, files and API answers hold complainants' data): they are answered with
    ``Cache-Control: no-store``. The portal marks its own private pages."""

    PRIVATE = ("/staff/", "/admin/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PRIVATE) and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            add_never_cache_headers(response)
        return response


# How often, at most, a staff request writes "last seen" to the session (not on every request).
_SEEN_EVERY = 60


class SessionTimeoutMiddleware:
    """A signed-in session ends after ``REDRESS_SESSION_IDLE_MINUTES`` without a request, and
    ``REDRESS_SESSION_MAX_HOURS`` after it began, whatever happens in between (ASVS 3.3). The
    next request is then anonymous: staff pages send it to the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        if "redress_started" not in session:  # a session from before these limits
            session_stamp(request=request)
        started, seen = session["redress_started"], session["redress_seen"]
        idle = settings.REDRESS_SESSION_IDLE_MINUTES * 60
        longest = settings.REDRESS_SESSION_MAX_HOURS * 3600
        if now - seen > idle or now - started > longest:
            logout(request)
            return
        if now - seen >= _SEEN_EVERY:
            session["redress_seen"] = now


def session_stamp(*, request: HttpRequest, **kwargs: object) -> None:
    """Mark a session as beginning now (at sign-in, with the sign-in's own session save)."""
    now = int(time.time())
    request.session["redress_started"] = now
    request.session["redress_seen"] = now
