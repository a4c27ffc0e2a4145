from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("redress.ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("redress.backoffice.urls")),
    path("intake/mail/", include("redress.intake.urls")),
    path("intake/channels/", include("redress.intake.urls_channels")),
    path("api/v1/", include("redress.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("redress.portal.urls")),
    prefix_default_language=True,
)
if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
